import Foundation
import Testing
import WSHealthBackend
import WSHealthTestReceiver

@testable import WSHealthAgent

extension InProcessEndToEnd {
    /// `expect.timestamp` against the reference backend, whose collector freezes on command:
    /// messages keep arriving, but the data they carry ages, goes stale and pages.
    @Suite(.timeLimit(.minutes(1)))
    struct DataAgeScenarioTests {
        /// The backend's timestamps have whole seconds, so data is up to 1 s old on arrival:
        /// `stale_after` leaves room for that.
        static let target = fastTarget(
            expect: "{interval: 100ms, stale_after: 3s, timestamp: {pointer: /timestamp, format: rfc3339}}"
        )

        @Test func frozenCollectorIsStaleDataAndAlerts() async throws {
            let receiver = try await RecordingReceiver.start()
            try await AgentHarness.scoped(
                AgentHarness(
                    target: Self.target,
                    alerting: StaleDataScenarioTests.webhookAlerting(receiver)
                )
            ) { harness in
                await harness.eventually("receiving data") { harness.sessions("t", "receiving_data") == 1 }
                #expect((harness.metric("wshealth_data_age_seconds") ?? .nan) < 3, "live data is young")
                #expect((harness.metric("wshealth_message_age_seconds_count") ?? 0) > 0)

                try await harness.backend.apply(.freezeTimestamp(enabled: true))
                let frozenAt = harness.metric("wshealth_messages_received_total") ?? 0
                await harness.eventually("stale while messages flow") {
                    harness.metric("wshealth_data_stale_sessions") == 1
                }
                #expect(
                    (harness.metric("wshealth_messages_received_total") ?? 0) > frozenAt + 5,
                    "messages kept coming"
                )
                #expect(harness.sessions("t", "receiving_data") == 1, "the connection itself is fine")
                #expect((harness.metric("wshealth_data_age_seconds") ?? 0) >= 3)
                let target = try await requestJSON(
                    "http://127.0.0.1:\(try await harness.agent.listeningPort())/api/v1/targets"
                ).body
                let session = ((target["targets"] as? [[String: Any]])?.first?["sessions"] as? [[String: Any]])?.first
                #expect(session?["data_stale"] as? Bool == true)
                #expect(session?["data_at"] is String, "the newest data's time")
                let fired = try await receiver.waitForRequests(count: 1, within: .seconds(20))
                #expect(String(decoding: fired[0].body, as: UTF8.self).contains(#""alertname":"WebSocketDataStale""#))

                try await harness.backend.apply(.freezeTimestamp(enabled: false))
                await harness.eventually("fresh again") { harness.metric("wshealth_data_stale_sessions") == 0 }
                let all = try await receiver.waitForRequests(count: 2, within: .seconds(10))
                #expect(try all.map(StaleDataScenarioTests.status) == ["firing", "resolved"])
                #expect(harness.metric("wshealth_message_errors_total", ["reason": "invalid_timestamp"]) == 0)
                await receiver.shutdown()
            }
        }
    }
}
