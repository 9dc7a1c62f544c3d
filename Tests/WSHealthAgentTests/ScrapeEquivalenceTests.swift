import Foundation
import NIOConcurrencyHelpers
import NIOCore
import Testing
import WSConnectionStateMachine
import WSHealthAlerting

@testable import WSHealthAgent

/// The whole exposition of a fixed scenario, byte for byte, against the scrape kept in
/// `Fixtures/`: the metric contract cannot change by accident, in either format (names, help
/// texts, label order and escaping, family order, value spellings, histogram buckets).
///
/// Only what a scenario cannot fix is masked: the process's own readings, the build's version
/// and the time of the agent's start (the last good configuration load).
struct ScrapeEquivalenceTests {
    @Test(arguments: [ExpositionFormat.text, .openMetrics])
    func scrapeOfAFixedScenario(format: ExpositionFormat) throws {
        let registry = Self.scenario()
        let scrape = Self.masked(registry.exposition(as: format))
        let fixture = Self.fixtures.appendingPathComponent(format == .text ? "scrape.prom" : "scrape.openmetrics")
        let expected = try String(contentsOf: fixture, encoding: .utf8)
        #expect(scrape == expected)
    }

    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("Fixtures")

    /// Two targets (one with a name that needs escaping) whose sessions connected, received,
    /// failed, reconnected and went stale; a receiver that delivered, failed and dropped; a
    /// configuration reload that failed; a notification the disk refused.
    static func scenario() -> MetricsRegistry {
        let registry = MetricsRegistry()
        // The session time's clock: the scenario's 20 s pass between the targets' start and the
        // scrape, one session stale for the last 10 s.
        let now = NIOLockedValueBox(NIODeadline.uptimeNanoseconds(1_000_000_000))
        let clock: @Sendable () -> NIODeadline = { now.withLockedValue { $0 } }
        let first = TargetStatistics(target: "dashboard", sessions: 2, policy: .spec, registry: registry, clock: clock)
        let second = TargetStatistics(
            target: #"odd "name" \ here"#,
            sessions: 1,
            policy: .spec,
            registry: registry,
            clock: clock
        )
        let start = MonotonicInstant(nanoseconds: 1_000_000_000)

        var machine = ConnectionStateMachine<MonotonicInstant>(policy: .spec)
        first.record(machine.connect(at: start))
        first.recordAttempt()
        first.record(machine.handshakeSucceeded(at: start + .milliseconds(3)))
        first.record(machine.messageReceived(at: start + .milliseconds(103)))
        first.record(machine.messageReceived(at: start + .milliseconds(5103)))
        first.recordMessageError(.invalidJSON)
        first.record(machine.connectionClosed(.serverClosed(code: 1011), at: start + .seconds(6)))
        first.record(machine.connect(at: start + .seconds(7)))
        first.recordAttempt()
        first.record(machine.handshakeFailed(.refused, at: start + .seconds(7) + .milliseconds(1)))
        first.record(machine.connect(at: start + .seconds(9)))
        first.recordAttempt()
        first.record(machine.handshakeSucceeded(at: start + .seconds(9) + .milliseconds(20)))
        var stale = machine.messageReceived(at: start + .seconds(10))
        stale.dataStale = true
        now.withLockedValue { $0 = $0 + .seconds(10) }
        first.record(stale)
        first.recordFiring([.dataStale])

        var other = ConnectionStateMachine<MonotonicInstant>(policy: .spec)
        second.record(other.connect(at: start))
        second.recordAttempt()
        var failed = other.handshakeFailed(.authFailed, at: start + .milliseconds(2))
        failed.attemptChange = .init(from: 0, to: 1)
        second.record(failed)

        let receiver = registry.receiver(named: "alertmanager")
        receiver.recordDelivered(latency: .milliseconds(7))
        receiver.recordDelivered(latency: .seconds(2))
        receiver.recordFailure(.http5xx)
        receiver.recordDropped(3)
        receiver.setQueueLength(2)
        registry.agent.recordReload(success: false)
        registry.agent.recordStorageError(.outboxWrite)
        now.withLockedValue { $0 = $0 + .seconds(10) }
        return registry
    }

    /// `exposition` with the values no scenario fixes replaced by `…`.
    static func masked(_ exposition: String) -> String {
        // The data's age is the wall clock at the scrape minus a message's arrival.
        let varying = [
            "process_", "wshealth_config_last_reload_success_timestamp_seconds ",
            "wshealth_data_age_seconds{target=\"dashboard\"}",
        ]
        return exposition.split(separator: "\n", omittingEmptySubsequences: false).map { line -> String in
            if varying.contains(where: { line.hasPrefix($0) }), let space = line.lastIndex(of: " ") {
                return line[...space] + "…"
            }
            if line.hasPrefix("wshealth_build_info{") {
                return line.replacingOccurrences(of: #"version="\#(BuildInfo.version)""#, with: #"version="…""#)
            }
            return String(line)
        }.joined(separator: "\n")
    }
}
