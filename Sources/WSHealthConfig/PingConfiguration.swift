/// Keepalive pings on an open session.
public struct PingConfiguration: Sendable, Equatable {
    /// How long the connection may be silent before a ping; nil sends no pings (`interval: 0s`).
    /// Default `expect.stale_after`: a silent connection's data is marked stale first, and the
    /// ping then tells whether the path itself is dead.
    public var interval: Duration?
    /// How long to wait for any frame after a ping before the session counts as lost. Default 5 s.
    public var timeout: Duration

    /// The default `timeout`.
    public static let defaultTimeout: Duration = .seconds(5)

    /// Creates the ping settings.
    public init(interval: Duration?, timeout: Duration = Self.defaultTimeout) {
        self.interval = interval
        self.timeout = timeout
    }

    /// Decodes `ping:`: `interval` (0s disables; default `defaultInterval`), `timeout` (greater than 0).
    init(decoding mapping: ConfigMapping, defaultInterval: Duration) {
        self.init(interval: defaultInterval)
        if let interval = mapping["interval"]?.duration() {
            self.interval = interval == .zero ? nil : interval
        }
        if let timeout = mapping["timeout"]?.positiveDuration() {
            self.timeout = timeout
        }
        mapping.reportUnknownKeys()
    }
}
