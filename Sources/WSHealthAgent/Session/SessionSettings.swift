import NIOSSL
import WSConnectionStateMachine

/// Everything a session of one target needs to know, shared by all its sessions.
struct SessionSettings: Sendable {
    /// The target's name: the `target` label.
    var targetName: String
    /// Where to connect.
    var endpoint: WebSocketEndpoint
    /// The URL as shown in logs and pages; it never contains a token.
    var displayURL: String
    /// The spec's timing rules, as configured.
    var policy: ConnectionPolicy
    /// Whether every message must parse as JSON.
    var expectJSON: Bool
    /// The largest message accepted; a larger one closes the connection with 1009.
    var maxMessageBytes: Int
    /// The token, if the target sends one.
    var token: TokenProvider?
    /// TLS for `wss://` targets.
    var tls: NIOSSLContext?
    /// The TLS server name to send, if not the URL's host.
    var tlsServerName: String?
}
