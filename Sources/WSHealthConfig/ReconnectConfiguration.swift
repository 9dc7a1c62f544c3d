/// Backoff after a lost session, as in the spec: 1 s, 2 s, 4 s, … up to 30 s, at most 10 attempts.
public struct ReconnectConfiguration: Sendable, Equatable {
    /// The largest `max_attempts` accepted.
    static let maxAttemptsLimit = 1000

    /// The delay before the first attempt; each further attempt doubles it. Default 1 s.
    public var initialDelay: Duration
    /// The longest delay. Default 30 s.
    public var maxDelay: Duration
    /// How many attempts before the target goes to the error state (1 to 1000). Default 10.
    public var maxAttempts: Int
    /// The random fraction (0 to 1) by which each delay may be shortened. Default 0 (the spec's fixed schedule).
    public var jitter: Double

    /// Creates the backoff settings with the spec's defaults.
    public init(
        initialDelay: Duration = .seconds(1),
        maxDelay: Duration = .seconds(30),
        maxAttempts: Int = 10,
        jitter: Double = 0
    ) {
        self.initialDelay = initialDelay
        self.maxDelay = maxDelay
        self.maxAttempts = maxAttempts
        self.jitter = jitter
    }
}

extension ReconnectConfiguration: ConfigSection {
    /// Decodes `reconnect:`: `initial_delay`, `max_delay` (at least `initial_delay`), `max_attempts`, `jitter`.
    init(decoding mapping: ConfigMapping) {
        self.init()
        let initialNode = mapping["initial_delay"]
        if let delay = initialNode?.positiveDuration() {
            initialDelay = delay
        }
        if let node = mapping["max_delay"] {
            if let delay = node.positiveDuration() {
                if delay >= initialDelay {
                    maxDelay = delay
                } else {
                    node.report(
                        "must be at least initial_delay (\(PrometheusDuration.format(initialDelay))), got \(node.text)"
                    )
                }
            }
        } else if let initialNode, initialDelay > maxDelay {
            initialNode.report(
                "must be at most max_delay (\(PrometheusDuration.format(maxDelay))), got \(initialNode.text)"
            )
        }
        if let attempts = mapping["max_attempts"]?.integer(in: 1...Self.maxAttemptsLimit) {
            maxAttempts = attempts
        }
        if let node = mapping["jitter"], let jitter = node.number() {
            if (0...1).contains(jitter) {
                self.jitter = jitter
            } else {
                node.report("must be between 0 and 1, got \(node.text)")
            }
        }
        mapping.reportUnknownKeys()
    }
}
