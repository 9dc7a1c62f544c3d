import Prometheus
import Synchronization
import WSHealthAlerting

/// `wshealth_alerts_firing{alertname,target}`: 1 while the alert fires, 0 otherwise, for every
/// built-in rule of every target; a removed target's series go with it.
final class FiringGauges: Sendable {
    private let registry: PrometheusCollectorRegistry
    private let gauges = Mutex<[String: [AlertRule: Gauge]]>([:])

    init(registry: PrometheusCollectorRegistry) {
        self.registry = registry
    }

    /// Sets every series of `targets` from `firing`.
    func update(targets: [String], firing: [Alert]) {
        let on = Set(firing.map { "\($0.labels["alertname"] ?? "")\u{0}\($0.labels["target"] ?? "")" })
        self.gauges.withLock { gauges in
            for (target, series) in gauges where !targets.contains(target) {
                series.values.forEach(self.registry.unregisterGauge)
                gauges[target] = nil
            }
            for target in targets {
                let series =
                    gauges[target]
                    ?? Dictionary(
                        uniqueKeysWithValues: AlertRule.allCases.map { rule in
                            (
                                rule,
                                self.registry.makeGauge(
                                    descriptor: Self.descriptor,
                                    labels: [("alertname", rule.alertname), ("target", target)]
                                )
                            )
                        }
                    )
                gauges[target] = series
                for (rule, gauge) in series {
                    gauge.set(on.contains("\(rule.alertname)\u{0}\(target)") ? 1.0 : 0.0)
                }
            }
        }
    }

    nonisolated(unsafe) static let descriptor = MetricDescriptors.make(
        "alerts_firing",
        "",
        "Built-in alerts of the target: 1 while firing, 0 otherwise."
    )
}
