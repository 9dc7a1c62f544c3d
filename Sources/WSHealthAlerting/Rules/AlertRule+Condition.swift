import Foundation
import WSHealthConfig

/// What a rule found true of a target: the words of its alert, with the numbers.
struct RuleFinding: Sendable, Hashable {
    /// The `summary` annotation.
    var summary: String
    /// The `description` annotation.
    var description: String
}

extension AlertRule {
    /// The rule's condition on one target: a finding while it holds, nil otherwise.
    ///
    /// `history` holds the target's counters including this evaluation's.
    func check(
        _ target: TargetObservation,
        history: CounterHistory,
        settings: AlertRuleSettings,
        now: Date
    ) -> RuleFinding? {
        let name = target.target
        let of = "of \(RuleFormat.count(target.sessions, "session"))"
        switch self {
        case .authFailed:
            guard target.authFailedSessions > 0 else { return nil }
            return RuleFinding(
                summary: "WebSocket target \(name): authentication refused",
                description: "\(target.authFailedSessions) \(of) to \(target.url) in error: the server refused "
                    + "the credentials (HTTP 401/403 or close 1008)"
            )
        case .maxRetriesExceeded:
            guard target.maxRetriesExceededSessions > 0 else { return nil }
            let attempts = target.maxReconnectAttempts
            return RuleFinding(
                summary: "WebSocket target \(name): gave up reconnecting",
                description: "\(attempts) of \(attempts) reconnect attempts to \(target.url) "
                    + "\(RuleFormat.outcome(ofFailure: target.lastFailureReason)); "
                    + "\(target.maxRetriesExceededSessions) \(of) in error"
            )
        case .dataStale:
            guard target.staleSessions > 0 else { return nil }
            let silence = target.longestSilence.map { "for \(RuleFormat.duration($0))" } ?? "within stale_after"
            return RuleFinding(
                summary: "WebSocket target \(name): data stale",
                description: "no message \(silence) on \(target.staleSessions) \(of) to \(target.url)"
            )
        case .targetDown:
            guard target.sessions > 0, target.receivingDataSessions == 0 else { return nil }
            var description = "no data from \(target.url): 0 \(of) receive data"
            if target.highestReconnectAttempt > 0 {
                description += "; reconnect attempt \(target.highestReconnectAttempt) of \(target.maxReconnectAttempts)"
            }
            if let reason = target.lastFailureReason { description += "; last failure: \(reason)" }
            return RuleFinding(summary: "WebSocket target \(name): down", description: description)
        case .flapping:
            let window = settings.flappingWindow
            let disconnects = history.increase(over: window, at: now).disconnects
            guard disconnects >= max(1, settings.flappingDisconnects) else { return nil }
            return RuleFinding(
                summary: "WebSocket target \(name): flapping",
                description: "\(RuleFormat.count(disconnects, "disconnect")) from \(target.url) in the last "
                    + "\(RuleFormat.duration(window)) (threshold \(settings.flappingDisconnects))"
            )
        case .lowSuccessRatio:
            // Attempts, not sessions: of the connection attempts that ended in the window, the
            // share whose handshake succeeded (`wshealth_handshake_success_ratio` over a window).
            // A refused attempt counts as much as any other; a connection that succeeded and was
            // later closed (even with 1008) was a successful attempt.
            let window = settings.successRatioWindow
            let increase = history.increase(over: window, at: now)
            let succeeded = increase.enteredConnected
            let ended = succeeded + increase.failedAttempts
            guard ended >= max(1, settings.successRatioMinAttempts) else { return nil }
            let ratio = Double(succeeded) / Double(ended)
            guard ratio < settings.successRatioThreshold else { return nil }
            var description =
                "\(succeeded) of \(RuleFormat.count(ended, "connection attempt")) to \(target.url) in the last "
                + "\(RuleFormat.duration(window)) succeeded (\(RuleFormat.percent(ratio))), "
                + "\(increase.failedAttempts) failed"
            if let reason = target.lastFailureReason { description += " (last failure: \(reason))" }
            description += "; threshold \(RuleFormat.percent(settings.successRatioThreshold))"
            return RuleFinding(
                summary: "WebSocket target \(name): low handshake success ratio",
                description: description
            )
        case .resourceExhausted:
            let window = settings.resourceExhaustedWindow
            let exhaustions = history.increase(over: window, at: now).resourceExhaustions
            guard exhaustions > 0 else { return nil }
            return RuleFinding(
                summary: "WebSocket target \(name): the agent ran out of its own resources",
                description: "the agent ran out of file descriptors or message buffers "
                    + "\(RuleFormat.count(exhaustions, "time")) for \(target.url) in the last "
                    + "\(RuleFormat.duration(window)) (resource_exhausted): those attempts never reached the target; "
                    + "\(target.receivingDataSessions) \(of) receive data"
            )
        }
    }
}
