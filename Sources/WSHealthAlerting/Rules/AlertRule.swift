/// The built-in alert rules, one alert per rule and target.
///
/// The raw value is the `alertname` label, so it is also the `alertname` label of the
/// `wshealth_alerts_firing` gauge: `AlertRule.allCases` × targets are the series to export at 0.
package enum AlertRule: String, CaseIterable, Hashable, Sendable {
    /// A session is in `error` because of authentication (HTTP 401/403 or close 1008).
    case authFailed = "WebSocketAuthFailed"
    /// A session ran out of reconnect attempts and is in `error`.
    case maxRetriesExceeded = "WebSocketMaxRetriesExceeded"
    /// A session is connected but no message arrived for `stale_after`.
    case dataStale = "WebSocketDataStale"
    /// No session of the target is in `receiving_data`.
    case targetDown = "WebSocketTargetDown"
    /// At least N involuntary disconnects within a window.
    case flapping = "WebSocketFlapping"
    /// The share of the connection attempts ended within a window whose handshake succeeded is
    /// below a threshold.
    case lowSuccessRatio = "WebSocketLowSuccessRatio"
    /// The agent ran out of its own descriptors or message buffers for the target within a
    /// window: it could not watch the target, whatever the target's health.
    case resourceExhausted = "WSHealthResourceExhausted"

    /// The `alertname` label.
    package var alertname: String { self.rawValue }

    /// The rule whose condition, while it holds on a target, keeps this rule's alert from
    /// starting there (an alert already firing is left to its own condition), as an
    /// Alertmanager inhibit rule would: sessions the agent could not connect for want of its
    /// own resources say nothing of the target, so it is not taken for down.
    package var heldBackBy: AlertRule? {
        self == .targetDown ? .resourceExhausted : nil
    }

    /// The `severity` label.
    package var severity: AlertSeverity {
        switch self {
        case .authFailed, .maxRetriesExceeded, .targetDown, .resourceExhausted: .critical
        case .dataStale, .flapping, .lowSuccessRatio: .warning
        }
    }
}

/// The `severity` label of an alert.
package enum AlertSeverity: String, Hashable, Sendable {
    /// Someone must act now.
    case critical
    /// Something degrades; look at it soon.
    case warning
}
