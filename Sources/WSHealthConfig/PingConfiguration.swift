/// Keepalive pings on an open session.
public struct PingConfiguration: Sendable, Equatable {
    /// How often to ping; nil sends no pings (`interval: 0s`). Default 10 s.
    public var interval: Duration?
    /// How long to wait for the pong before the session counts as lost. Default 5 s.
    public var timeout: Duration

    /// Creates the ping settings with the documented defaults.
    public init(interval: Duration? = .seconds(10), timeout: Duration = .seconds(5)) {
        self.interval = interval
        self.timeout = timeout
    }
}

extension PingConfiguration: ConfigSection {
    /// Decodes `ping:`: `interval` (0s disables), `timeout` (greater than 0).
    init(decoding mapping: ConfigMapping) {
        self.init()
        if let interval = mapping["interval"]?.duration() {
            self.interval = interval == .zero ? nil : interval
        }
        if let timeout = mapping["timeout"]?.positiveDuration() {
            self.timeout = timeout
        }
        mapping.reportUnknownKeys()
    }
}
