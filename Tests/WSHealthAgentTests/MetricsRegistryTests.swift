import Testing
import WSConnectionStateMachine

@testable import WSHealthAgent

/// The targets' series as the registry renders them: no sockets.
struct MetricsRegistryTests {
    /// New targets export every series at its start value, in both formats, which the strict
    /// reader accepts and which carry the same series; a label value is escaped.
    @Test func startUp() throws {
        let registry = MetricsRegistry()
        let targets = [
            TargetStatistics(target: "plain", sessions: 3, policy: .spec, registry: registry),
            TargetStatistics(target: #"odd "name" \ here"#, sessions: 1, policy: .spec, registry: registry),
        ]
        let text = registry.exposition(as: .text)
        let openMetrics = registry.exposition(as: .openMetrics)
        let families = try ExpositionReader.read(text, as: .text)
        let openMetricsFamilies = try ExpositionReader.read(openMetrics, as: .openMetrics)
        #expect(
            InProcessEndToEnd.MetricsEndpointTests.series(families)
                == InProcessEndToEnd.MetricsEndpointTests.series(openMetricsFamilies)
        )
        #expect(text.contains(#"wshealth_sessions{target="odd \"name\" \\ here",state="disconnected"} 1"#))
        let metrics = MetricText(text)
        #expect(metrics.value("wshealth_sessions", ["target": "plain", "state": "disconnected"]) == 3)
        #expect(metrics.value("wshealth_sessions", ["target": "plain", "state": "connecting"]) == 0)
        #expect(metrics.value("wshealth_connection_success_ratio", ["target": "plain"])?.isNaN == true)
        #expect(metrics.value("wshealth_reconnect_max_attempts", ["target": "plain"]) == 10)
        #expect(metrics.value("wshealth_last_message_timestamp_seconds", ["target": "plain"]) == 0)
        #expect(metrics.value("wshealth_handshake_duration_seconds_bucket", ["target": "plain", "le": "0.0025"]) == 0)
        #expect(metrics.value("wshealth_message_interval_seconds_bucket", ["target": "plain", "le": "+Inf"]) == 0)
        #expect(metrics.value("wshealth_build_info", [:]) == 1)
        #expect(text.contains("wshealth_connection_success_ratio{target=\"plain\"} NaN\n"))
        #expect(openMetrics.hasSuffix("\n# EOF\n"))
        #expect(targets.count == 2)
    }

    /// A session's events move its target's series: sessions by state, transitions, attempts,
    /// the success ratio, and histograms whose buckets are cumulative, whose `+Inf` bucket is
    /// their count and whose sum is in seconds.
    @Test func recordedEvents() throws {
        let registry = MetricsRegistry()
        let statistics = TargetStatistics(target: "t", sessions: 1, policy: .spec, registry: registry)
        var machine = ConnectionStateMachine<MonotonicInstant>(policy: .spec)
        let start = MonotonicInstant(nanoseconds: 1_000_000_000)
        func feed(_ action: ConnectionStateMachine<MonotonicInstant>.Action) {
            statistics.record(action)
        }
        feed(machine.connect(at: start))
        statistics.recordAttempt()
        feed(machine.handshakeSucceeded(at: start + .milliseconds(3)))
        feed(machine.messageReceived(at: start + .milliseconds(103)))
        statistics.recordMessage()
        feed(machine.messageReceived(at: start + .milliseconds(5103)))
        statistics.recordMessage()
        statistics.recordMessageError(.invalidJSON)

        let metrics = MetricText(registry.exposition())
        let target = ["target": "t"]
        #expect(metrics.value("wshealth_sessions", ["target": "t", "state": "receiving_data"]) == 1)
        #expect(metrics.value("wshealth_sessions", ["target": "t", "state": "disconnected"]) == 0)
        let transition = ["target": "t", "from": "connected", "to": "receiving_data"]
        #expect(metrics.value("wshealth_state_transitions_total", transition) == 1)
        #expect(metrics.value("wshealth_connection_attempts_total", target) == 1)
        #expect(metrics.value("wshealth_connection_success_ratio", target) == 1)
        #expect(metrics.value("wshealth_messages_received_total", target) == 2)
        #expect(metrics.value("wshealth_message_errors_total", ["target": "t", "reason": "invalid_json"]) == 1)
        #expect(try #require(metrics.value("wshealth_last_message_timestamp_seconds", target)) > 1_700_000_000)
        let handshake = "wshealth_handshake_duration_seconds"
        #expect(metrics.value(handshake + "_bucket", ["target": "t", "le": "0.0025"]) == 0)
        #expect(metrics.value(handshake + "_bucket", ["target": "t", "le": "0.005"]) == 1)
        #expect(metrics.value(handshake + "_bucket", ["target": "t", "le": "10.0"]) == 1)
        #expect(metrics.value(handshake + "_bucket", ["target": "t", "le": "+Inf"]) == 1)
        #expect(metrics.value(handshake + "_sum", target) == 0.003)
        #expect(metrics.value(handshake + "_count", target) == 1)
        #expect(metrics.value("wshealth_time_to_first_message_seconds_sum", target) == 0.1)
        let interval = "wshealth_message_interval_seconds"
        #expect(metrics.value(interval + "_bucket", ["target": "t", "le": "4.9"]) == 0)
        #expect(metrics.value(interval + "_bucket", ["target": "t", "le": "5.1"]) == 1)
        #expect(metrics.value(interval + "_sum", target) == 5)
        _ = try ExpositionReader.read(registry.exposition(as: .openMetrics), as: .openMetrics)
    }

    /// An observation above every bound counts in `+Inf` and `_count` only.
    @Test func observationAboveEveryBucket() {
        let registry = MetricsRegistry()
        let statistics = TargetStatistics(target: "t", sessions: 1, policy: .spec, registry: registry)
        var machine = ConnectionStateMachine<MonotonicInstant>(policy: .spec)
        let start = MonotonicInstant(nanoseconds: 1_000_000_000)
        statistics.record(machine.connect(at: start))
        var late = machine.handshakeSucceeded(at: start + .seconds(11))
        late.dataStale = true
        late.attemptChange = .init(from: 0, to: 2)
        statistics.record(late)
        let metrics = MetricText(registry.exposition())
        let name = "wshealth_handshake_duration_seconds"
        #expect(metrics.value(name + "_bucket", ["target": "t", "le": "10.0"]) == 0)
        #expect(metrics.value(name + "_bucket", ["target": "t", "le": "+Inf"]) == 1)
        #expect(metrics.value(name + "_count", ["target": "t"]) == 1)
        #expect(metrics.value(name + "_sum", ["target": "t"]) == 11)
        #expect(metrics.value("wshealth_data_stale_sessions", ["target": "t"]) == 1)
        #expect(metrics.value("wshealth_reconnect_attempt", ["target": "t"]) == 2)
    }

    /// An unregistered target's series are gone; the others stay, and without targets only
    /// the agent's and the process's families are left.
    @Test func unregister() throws {
        let registry = MetricsRegistry()
        let first = TargetStatistics(target: "a", sessions: 1, policy: .spec, registry: registry)
        let second = TargetStatistics(target: "b", sessions: 1, policy: .spec, registry: registry)
        first.unregister()
        let text = registry.exposition()
        #expect(!text.contains(#"target="a""#))
        #expect(text.contains(#"target="b""#))
        second.unregister()
        let families = try ExpositionReader.read(registry.exposition(), as: .text)
        #expect(families["wshealth_sessions"] == nil)
        #expect(families["wshealth_build_info"] != nil)
    }

    /// Bucket bounds are labelled in seconds, always with a decimal point.
    @Test func bucketLabels() {
        #expect(MetricBuckets.label(.microseconds(2500)) == "0.0025")
        #expect(MetricBuckets.label(.milliseconds(4900)) == "4.9")
        #expect(MetricBuckets.label(.seconds(10)) == "10.0")
        #expect(MetricBuckets.label(.seconds(3600)) == "3600.0")
    }
}
