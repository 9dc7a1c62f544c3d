import Foundation
import Testing
import WSHealthAlerting
import WSHealthBackend
import WSHealthTestReceiver

@testable import WSHealthAgent

extension InProcessEndToEnd {
    /// A stalled backend (no messages, no pongs) under the default timings, scaled down: the data
    /// goes stale before the path is declared dead, and the stale alert means what it says.
    @Suite(.timeLimit(.minutes(1)))
    struct StaleDataScenarioTests {
        /// The defaults' relations at a 100 ms interval: `stale_after` 3 × the interval, a ping
        /// after `stale_after` of silence (the default); only the ping's timeout is shortened.
        static let target = fastTarget(expect: "{interval: 100ms}", ping: "{timeout: 1s}")

        /// Stale data shows in `/metrics` and `/api/v1/targets` while the connection is still up;
        /// the ping then ends the dead path and the session reconnects into the same silence,
        /// still stale. `WebSocketDataStale` is notified once when it fires and once when data
        /// flows again, not at the reconnect.
        @Test func stallIsStaleBeforeReconnectAndAlertsOnce() async throws {
            let receiver = try await RecordingReceiver.start()
            try await AgentHarness.scoped(
                AgentHarness(
                    target: Self.target,
                    alerting: StaleDataScenarioTests.webhookAlerting(receiver)
                )
            ) { harness in
                await harness.eventually("receiving data") { harness.sessions("t", "receiving_data") == 1 }
                try await harness.backend.apply(.stall(enabled: true))

                await harness.eventually("stale") { harness.metric("wshealth_data_stale_sessions") == 1 }
                #expect(
                    harness.metric("wshealth_disconnects_total", ["cause": "network_error"]) == 0,
                    "stale before the reconnect"
                )
                let base = "http://127.0.0.1:\(try await harness.agent.listeningPort())"
                let (_, report) = try await requestJSON("\(base)/api/v1/targets")
                let target = try #require((report["targets"] as? [[String: Any]])?.first)
                let session = try #require((target["sessions"] as? [[String: Any]])?.first)
                #expect(session["data_stale"] as? Bool == true)
                #expect(session["state"] as? String == "receiving_data")
                let fired = try await receiver.waitForRequests(count: 1, within: .seconds(10))
                #expect(try Self.status(fired[0]) == "firing")

                // The ping goes unanswered: the path is declared dead and the session reconnects.
                await harness.eventually("ping timeout") {
                    harness.metric("wshealth_disconnects_total", ["cause": "network_error"]) == 1
                        && harness.metric("wshealth_handshake_duration_seconds_count") == 2
                }
                #expect(harness.metric("wshealth_data_stale_sessions") == 1, "a reconnect does not make the data fresh")
                #expect(harness.agent.firingAlerts.contains { $0.labels["alertname"] == "WebSocketDataStale" })

                try await harness.backend.apply(.stall(enabled: false))
                await harness.eventually("fresh") { harness.metric("wshealth_data_stale_sessions") == 0 }
                let all = try await receiver.waitForRequests(count: 2, within: .seconds(10))
                #expect(try all.map(Self.status) == ["firing", "resolved"])
                #expect(receiver.requests().count == 2, "one notification when it fired, one when it resolved")
                await receiver.shutdown()
            }
        }

        /// Rules evaluated every 100 ms, sent to `receiver`'s `/hook` as webhooks.
        static func webhookAlerting(_ receiver: RecordingReceiver) -> String {
            """
              evaluation_interval: 100ms
              receivers:
                - {name: hook, type: webhook, url: '\(receiver.url(path: "/hook"))', timeout: 2s}

            """
        }

        /// The notification's `status`.
        static func status(_ request: RecordedRequest) throws -> String? {
            let object = try JSONSerialization.jsonObject(with: Data(request.body))
            return (object as? [String: Any])?["status"] as? String
        }
    }
}
