/// The built-in rules: each can be turned off, and its `for` and thresholds changed.
public struct AlertRulesConfiguration: Sendable, Hashable {
    /// What every rule has.
    public struct Rule: Sendable, Hashable {
        /// Whether the rule runs. Default true.
        public var enabled: Bool
        /// How long the condition must hold before the alert fires.
        public var holdFor: Duration
        /// A link for the `runbook_url` annotation.
        public var runbookURL: String?

        /// Creates rule settings.
        public init(enabled: Bool = true, holdFor: Duration = .zero, runbookURL: String? = nil) {
            self.enabled = enabled
            self.holdFor = holdFor
            self.runbookURL = runbookURL
        }
    }

    /// `auth_failed`: a session is in `error` because of authentication.
    public var authFailed = Rule()
    /// `max_retries_exceeded`: a session ran out of reconnect attempts.
    public var maxRetriesExceeded = Rule()
    /// `data_stale`: a connected session's data is stale.
    public var dataStale = Rule()
    /// `target_down`: no session of the target receives data. Default `for: 1m`.
    public var targetDown = Rule(holdFor: .seconds(60))
    /// `flapping`: at least `disconnects` involuntary disconnects within `window`.
    public var flapping = Rule()
    /// Default 5.
    public var flappingDisconnects = 5
    /// Default 10 m.
    public var flappingWindow: Duration = .seconds(600)
    /// `low_success_ratio`: of the connection attempts that ended within `window` (at least
    /// `min_attempts`), the share whose handshake succeeded is below `threshold`.
    public var lowSuccessRatio = Rule()
    /// Default 0.9.
    public var successRatioThreshold = 0.9
    /// Default 15 m.
    public var successRatioWindow: Duration = .seconds(900)
    /// Default 5.
    public var successRatioMinAttempts = 5
    /// `resource_exhausted`: within `window`, an attempt of the target failed or a connection
    /// was closed because the agent itself had no descriptor or buffer room left.
    public var resourceExhausted = Rule()
    /// Default 5 m.
    public var resourceExhaustedWindow: Duration = .seconds(300)

    /// Creates the rules with their documented defaults.
    public init() {}
}
