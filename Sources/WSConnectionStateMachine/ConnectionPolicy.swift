/// The timing rules a session follows. The defaults are the spec's.
public struct ConnectionPolicy: Hashable, Sendable {
    /// What to do when a connected session's data goes stale.
    public enum StaleAction: String, Hashable, Sendable {
        /// Flag the data stale and keep the connection (the dashboard freezes its charts).
        case mark
        /// Close the connection (cause `stale`) and take the reconnect path.
        case reconnect
    }

    /// Keepalive pings that find a dead path (half-open TCP) a quiet socket would hide.
    public struct Ping: Hashable, Sendable {
        /// How long the connection may be silent before a ping is sent.
        public var interval: Duration
        /// How long to wait for any frame after a ping before the path is declared dead.
        public var timeout: Duration

        /// Creates a keepalive rule. The default interval is the default `staleAfter`: a silent
        /// connection's data goes stale first, then the ping tells whether the path is dead —
        /// never both at the same instant, which would hide the staleness behind the reconnect.
        public init(interval: Duration = .seconds(15), timeout: Duration = .seconds(5)) {
            self.interval = interval
            self.timeout = timeout
        }
    }

    /// How long the WebSocket handshake may take (spec: 10 seconds).
    public var handshakeTimeout: Duration
    /// The delays between reconnect attempts (spec: 1 s doubling to 30 s).
    public var backoff: ReconnectBackoff
    /// Reconnect attempts after a loss before giving up in `error` (spec: 10).
    public var maxReconnectAttempts: Int
    /// How long `error` lasts before the agent clicks "Retry" itself; nil never retries.
    public var errorRetryAfter: Duration?
    /// Keepalive pings; nil sends none.
    public var ping: Ping?
    /// How long without a valid message before a connected session's data is stale
    /// (3 × the spec's 5-second message interval).
    public var staleAfter: Duration
    /// What stale data does to the connection.
    public var onStale: StaleAction

    /// Creates a policy; every default is the spec's value.
    public init(
        handshakeTimeout: Duration = .seconds(10),
        backoff: ReconnectBackoff = ReconnectBackoff(),
        maxReconnectAttempts: Int = 10,
        errorRetryAfter: Duration? = .seconds(300),
        ping: Ping? = Ping(),
        staleAfter: Duration = .seconds(15),
        onStale: StaleAction = .mark
    ) {
        self.handshakeTimeout = handshakeTimeout
        self.backoff = backoff
        self.maxReconnectAttempts = max(maxReconnectAttempts, 0)
        self.errorRetryAfter = errorRetryAfter
        self.ping = ping
        self.staleAfter = staleAfter
        self.onStale = onStale
    }

    /// The spec's policy.
    public static let spec = ConnectionPolicy()
}
