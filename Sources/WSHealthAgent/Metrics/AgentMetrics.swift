import Foundation
import Prometheus

/// The agent's own series, as opposed to its targets': what was built, and how the last
/// configuration load went (Prometheus' own `prometheus_config_last_reload_*` pair).
enum AgentMetrics {
    /// A registry with `wshealth_build_info` and the configuration series of a good load.
    ///
    /// An agent only exists with a validated configuration, so creating its registry is the
    /// first successful load.
    static func makeRegistry() -> PrometheusCollectorRegistry {
        let registry = PrometheusCollectorRegistry()
        registry.makeGauge(
            descriptor: Descriptors.buildInfo,
            labels: [
                ("version", BuildInfo.version), ("revision", BuildInfo.revision),
                ("swift_version", BuildInfo.swiftVersion),
            ]
        )
        .set(to: 1)
        Self.recordReload(success: true, in: registry)
        return registry
    }

    /// Records the outcome of a configuration load: `wshealth_config_last_reload_successful`
    /// becomes 1 or 0; a success also sets `wshealth_config_last_reload_success_timestamp_seconds`
    /// to now. A failed reload leaves the time of the last good one.
    static func recordReload(success: Bool, in registry: PrometheusCollectorRegistry) {
        registry.makeGauge(descriptor: Descriptors.reloadSuccessful).set(to: success ? 1 : 0)
        if success {
            registry.makeGauge(descriptor: Descriptors.reloadSuccessTimestamp).set(to: Date().timeIntervalSince1970)
        }
    }

    private enum Descriptors {
        nonisolated(unsafe) static let buildInfo = MetricDescriptors.make(
            "build",
            "info",
            "A metric with a constant '1' value labeled by version, revision and swift_version from which wshealth was built."
        )
        // The help texts are Prometheus' own for the same pair of series.
        nonisolated(unsafe) static let reloadSuccessful = MetricDescriptors.make(
            "config_last_reload_successful",
            "",
            "Whether the last configuration reload attempt was successful."
        )
        nonisolated(unsafe) static let reloadSuccessTimestamp = MetricDescriptors.make(
            "config_last_reload_success_timestamp",
            "seconds",
            "Timestamp of the last successful configuration reload."
        )
    }
}
