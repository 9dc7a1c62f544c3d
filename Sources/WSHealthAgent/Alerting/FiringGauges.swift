import WSHealthAlerting

/// `wshealth_alerts_firing{target,alertname}`: 1 while the alert fires, 0 otherwise, for every
/// built-in rule of every target. The series are the targets' own (``TargetStatistics``), so
/// they exist from a target's start, at 0, and go with it.
struct FiringGauges: Sendable {
    let registry: MetricsRegistry

    /// Sets every target's series from `firing`.
    func update(firing: [Alert]) {
        var rules: [String: Set<AlertRule>] = [:]
        for alert in firing {
            guard let target = alert.labels["target"], let rule = alert.labels["alertname"].flatMap(AlertRule.init)
            else { continue }
            rules[target, default: []].insert(rule)
        }
        self.registry.forEachTarget { target in target.recordFiring(rules[target.target] ?? []) }
    }
}
