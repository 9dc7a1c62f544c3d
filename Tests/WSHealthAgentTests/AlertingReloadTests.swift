import Foundation
import Testing
import WSHealthBackend
import WSHealthTestReceiver

@testable import WSHealthAgent

extension InProcessEndToEnd {
    /// A reload that changes `alerting:` restarts the rules and deliveries; the firing alerts carry
    /// over, so nothing is notified twice, and the new receivers get what comes next.
    @Suite(.timeLimit(.minutes(1)))
    struct AlertingReloadTests {
        /// Fires to `first`; after a reload that swaps it for `second`, the alert still fires
        /// (not re-sent), and its resolution goes to `second` only.
        @Test func reloadSwapsReceiversAndKeepsFiringAlerts() async throws {
            let first = try await RecordingReceiver.start(script: .always(.ok))
            let second = try await RecordingReceiver.start(script: .always(.ok))
            try await AgentHarness.scoped(
                AgentHarness(
                    target: AlertDeliveryTests.target,
                    alerting: AlertDeliveryTests.alerting(webhook: first.url(), name: "first")
                )
            ) { harness in
                await harness.eventually("receiving data") { harness.sessions("t", "receiving_data") == 1 }
                try await harness.backend.apply(.stall(enabled: true))
                let fired = try await first.waitForRequests(count: 1, within: .seconds(10))
                #expect(try AlertDeliveryTests.json(fired[0])["status"] as? String == "firing")

                try harness.rewriteConfiguration(
                    target: AlertDeliveryTests.target,
                    alerting: AlertDeliveryTests.alerting(webhook: second.url(), name: "second")
                )
                let outcome = await harness.agent.reload()
                #expect(outcome.succeeded)
                #expect(outcome.alertingReloaded)
                #expect(outcome.unchanged == 1, "the target's session is not disturbed")
                #expect(harness.metric("wshealth_notifications_total", ["receiver": "second"]) == 0)
                #expect(
                    harness.metric("wshealth_notifications_total", ["receiver": "first"]) == nil,
                    "a removed receiver's series go"
                )
                #expect(
                    harness.metric("wshealth_alerts_firing", ["alertname": "WebSocketDataStale", "target": "t"]) == 1
                )

                try await harness.backend.apply(.stall(enabled: false))
                let resolved = try await second.waitForRequests(count: 1, within: .seconds(10))
                let payload = try AlertDeliveryTests.json(resolved[0])
                #expect(payload["status"] as? String == "resolved")
                #expect(payload["receiver"] as? String == "second")
                #expect(first.requests().count == 1, "the old receiver gets nothing after the reload")
                await first.shutdown()
                await second.shutdown()
            }
        }

        /// A changed `alerting:` whose receiver cannot be set up (its url_file is missing) fails the
        /// reload as a whole: the old receiver keeps delivering.
        @Test func brokenAlertingSectionKeepsTheOldOne() async throws {
            let receiver = try await RecordingReceiver.start(script: .always(.ok))
            try await AgentHarness.scoped(
                AgentHarness(
                    target: AlertDeliveryTests.target,
                    alerting: AlertDeliveryTests.alerting(webhook: receiver.url())
                )
            ) { harness in
                await harness.eventually("receiving data") { harness.sessions("t", "receiving_data") == 1 }
                let missing = "/nonexistent/wshealth-\(UUID())/url"
                try harness.rewriteConfiguration(
                    target: AlertDeliveryTests.target,
                    alerting: "  receivers:\n    - {name: chat, type: slack, url_file: \(missing)}\n"
                )
                let outcome = await harness.agent.reload()
                #expect(!outcome.succeeded)
                #expect(
                    outcome.problems.contains { $0.contains("chat") && $0.contains(missing) },
                    "\(outcome.problems)"
                )
                #expect(harness.metric("wshealth_config_last_reload_successful") == 0)

                try await harness.backend.apply(.stall(enabled: true))
                let fired = try await receiver.waitForRequests(count: 1, within: .seconds(10))
                #expect(try AlertDeliveryTests.json(fired[0])["receiver"] as? String == "hook")
                await receiver.shutdown()
            }
        }
    }
}
