public import Foundation

/// One backend to watch: where it is, how many sessions to keep open, and what a healthy session looks like.
///
/// The defaults are the behaviour of the dashboard's design (docs/state-machine.md):
/// a message every 5 s, a 10 s handshake timeout, backoff from 1 s to 30 s over at most 10 attempts.
public struct TargetConfiguration: Sendable, Equatable {
    /// The Prometheus `target` label: 1 to 64 printable characters, unique among targets.
    public var name: String
    /// The WebSocket endpoint, `ws://` or `wss://`, with a host.
    public var url: URL
    /// How many sessions to keep open at once (1 to 100000). Default 1.
    public var sessions: Int
    /// The token sent with each handshake; nil sends none.
    public var token: TokenConfiguration?
    /// What the backend must send for a session to count as healthy.
    public var expect: ExpectConfiguration
    /// How long a handshake may take before the attempt fails. Default 10 s.
    public var handshakeTimeout: Duration
    /// Keepalive pings. Default: a ping after `expect.stale_after` of silence, 5 s to answer.
    public var ping: PingConfiguration
    /// Backoff after a lost session.
    public var reconnect: ReconnectConfiguration
    /// How long to wait in the error state (authentication failed, attempts exhausted) before starting
    /// over; nil never leaves it (`error_retry_after: 0s`). Default 5 minutes.
    public var errorRetryAfter: Duration?
    /// TLS settings for a `wss://` URL; nil uses the system trust store and the URL's host.
    public var tls: TLSConfiguration?
    /// What the sessions offer for compression. Default: permessage-deflate, as Chromium offers it.
    public var compression: CompressionConfiguration
    /// The subprotocols offered, in order of preference (`Sec-WebSocket-Protocol`); the server
    /// must choose one of them. Default: none offered.
    public var subprotocols: [String] = []
    /// The `Origin` sent, as a browser on the dashboard's page sends it. Default: none.
    public var origin: String?
    /// Headers sent besides the protocol's. Default: none.
    public var headers: [HeaderConfiguration] = []
    /// What the session says after the upgrade and which messages are data. Default: nothing
    /// said, every message data.
    public var conversation = ConversationConfiguration()
    /// The `protocol:` whose defaults the conversation keys took; nil: none.
    public var protocolPreset: ProtocolPreset?

    /// Creates a target; every setting but the name and URL has the documented default.
    /// No validation happens here: values built in code are taken as they are.
    public init(
        name: String,
        url: URL,
        sessions: Int = 1,
        token: TokenConfiguration? = nil,
        expect: ExpectConfiguration = ExpectConfiguration(),
        handshakeTimeout: Duration = .seconds(10),
        ping: PingConfiguration? = nil,
        reconnect: ReconnectConfiguration = ReconnectConfiguration(),
        errorRetryAfter: Duration? = .seconds(300),
        tls: TLSConfiguration? = nil,
        compression: CompressionConfiguration = CompressionConfiguration()
    ) {
        self.name = name
        self.url = url
        self.sessions = sessions
        self.token = token
        self.expect = expect
        self.handshakeTimeout = handshakeTimeout
        self.ping = ping ?? PingConfiguration(interval: expect.staleAfter)
        self.reconnect = reconnect
        self.errorRetryAfter = errorRetryAfter
        self.tls = tls
        self.compression = compression
    }

    /// Whether the URL is `wss://`, so the session runs over TLS.
    public var isSecure: Bool {
        url.scheme?.lowercased() == "wss"
    }
}
