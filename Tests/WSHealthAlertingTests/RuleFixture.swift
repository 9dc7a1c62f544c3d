import Foundation
import WSHealthAlerting
import WSHealthConfig

/// Observations, instants and settings for the rule tests: a target named `api` with three
/// sessions and ten reconnect attempts, observed at whole seconds after 2024-05-01T12:00:00Z.
enum RuleFixture {
    static let url = "wss://api.example/ws"

    /// `seconds` after 2024-05-01T12:00:00Z.
    static func at(_ seconds: Double) -> Date { Date(timeIntervalSince1970: 1_714_564_800 + seconds) }

    /// All three sessions receive data.
    static func healthy(_ target: String = "api", counters: TargetCounters = TargetCounters()) -> TargetObservation {
        TargetObservation(
            target: target,
            url: Self.url,
            sessions: 3,
            maxReconnectAttempts: 10,
            receivingDataSessions: 3,
            counters: counters
        )
    }

    /// No session receives data; they are reconnecting after refused attempts.
    static func down(_ target: String = "api", attempt: Int = 4) -> TargetObservation {
        var observation = Self.healthy(target)
        observation.receivingDataSessions = 0
        observation.highestReconnectAttempt = attempt
        observation.lastFailureReason = "refused"
        return observation
    }

    /// Settings with every `for` at zero.
    static var immediate: AlertRuleSettings {
        var settings = AlertRuleSettings()
        for rule in AlertRule.allCases { settings[rule].holdFor = .zero }
        return settings
    }

    /// The evaluator of agent `agent-1`.
    static func evaluator(
        _ settings: AlertRuleSettings = AlertRuleSettings(),
        restoring: [Alert] = []
    ) -> AlertEvaluator {
        AlertEvaluator(instance: "agent-1", settings: settings, restoring: restoring)
    }

    /// The labels the rules give `rule` on `target`.
    static func labels(_ rule: AlertRule, target: String = "api", instance: String = "agent-1") -> [String: String] {
        ["alertname": rule.alertname, "target": target, "severity": rule.severity.rawValue, "instance": instance]
    }
}
