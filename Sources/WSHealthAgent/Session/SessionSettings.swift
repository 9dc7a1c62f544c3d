import NIOSSL
import WSConnectionStateMachine
import WSHealthConfig
import WSHealthWebSocket

/// Everything a session of one target needs to know, shared by all its sessions: one object
/// per target, not a copy per session (a few hundred bytes each, at 10,000 sessions).
final class SessionSettings: Sendable {
    /// The target's name: the `target` label.
    let targetName: String
    /// Where to connect.
    let endpoint: WebSocketEndpoint
    /// The URL as shown in logs and pages; it never contains a token.
    let displayURL: String
    /// The spec's timing rules, as configured.
    let policy: ConnectionPolicy
    /// Whether every message must parse as JSON.
    let expectJSON: Bool
    /// The largest message accepted; a larger one closes the connection with 1009.
    let maxMessageBytes: Int
    /// Where messages say when their data was produced, if they do.
    let timestamp: TimestampConfiguration?
    /// What every data message must meet.
    let assertions: [AssertionConfiguration]
    /// What the session says and answers, and which messages are data; nil: nothing, all.
    let conversation: Conversation?
    /// The token, if the target sends one.
    let token: TokenProvider?
    /// TLS for `wss://` targets.
    let tls: NIOSSLContext?
    /// The TLS server name to send, if not the URL's host.
    let tlsServerName: String?
    /// The permessage-deflate offer; nil offers no compression.
    let compression: PerMessageDeflate.Offer?
    /// The subprotocols offered, in order; empty offers none.
    let subprotocols: [String]
    /// The `Origin` sent, if any.
    let origin: String?
    /// The extra headers, each a provider placed as its header (values are secrets).
    let headers: [TokenProvider]
    /// What watches the connections step by step: `wshealth probe`; nil for the agent's sessions.
    let trace: (any ConnectionTrace)?

    init(
        targetName: String,
        endpoint: WebSocketEndpoint,
        displayURL: String,
        policy: ConnectionPolicy,
        expectJSON: Bool,
        maxMessageBytes: Int,
        token: TokenProvider?,
        tls: NIOSSLContext?,
        tlsServerName: String?,
        compression: PerMessageDeflate.Offer?,
        subprotocols: [String] = [],
        origin: String? = nil,
        headers: [TokenProvider] = [],
        trace: (any ConnectionTrace)? = nil,
        timestamp: TimestampConfiguration? = nil,
        assertions: [AssertionConfiguration] = [],
        conversation: Conversation? = nil
    ) {
        self.targetName = targetName
        self.endpoint = endpoint
        self.displayURL = displayURL
        self.policy = policy
        self.expectJSON = expectJSON
        self.maxMessageBytes = maxMessageBytes
        self.token = token
        self.tls = tls
        self.tlsServerName = tlsServerName
        self.compression = compression
        self.subprotocols = subprotocols
        self.origin = origin
        self.headers = headers
        self.trace = trace
        self.timestamp = timestamp
        self.assertions = assertions
        self.conversation = conversation
    }
}
