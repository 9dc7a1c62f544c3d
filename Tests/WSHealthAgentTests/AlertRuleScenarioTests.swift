import NIOCore
import Testing
import WSHealthAlerting
import WSHealthBackend

@testable import WSHealthAgent

extension InProcessEndToEnd {
    /// Each built-in rule fires on a fault of the reference backend and resolves when it is over,
    /// seen through the agent's own firing list and `wshealth_alerts_firing`.
    @Suite(.timeLimit(.minutes(1)))
    struct AlertRuleScenarioTests {
        /// Evaluation every 100 ms; `rules` are indented YAML lines under `rules:`.
        static func alerting(rules: String = "") -> String {
            "  evaluation_interval: 100ms\n  rules:\n    data_stale: {enabled: true}\n" + rules
        }

        static func isFiring(_ harness: AgentHarness, _ alertname: String) -> Bool {
            harness.agent.firingAlerts.contains { $0.labels["alertname"] == alertname }
                && harness.metric("wshealth_alerts_firing", ["alertname": alertname, "target": "t"]) == 1
        }

        static func isResolved(_ harness: AgentHarness, _ alertname: String) -> Bool {
            !harness.agent.firingAlerts.contains { $0.labels["alertname"] == alertname }
                && harness.metric("wshealth_alerts_firing", ["alertname": alertname, "target": "t"]) == 0
        }

        @Test func authFailed() async throws {
            try await AgentHarness.scoped(AgentHarness(target: fastTarget(), alerting: Self.alerting())) { harness in
                await harness.eventually("receiving data") { harness.sessions("t", "receiving_data") == 1 }
                try await harness.backend.apply(.refuseTokens(enabled: true))
                try await harness.backend.apply(.drop)
                await harness.eventually("fires") { Self.isFiring(harness, "WebSocketAuthFailed") }
                let alert = harness.agent.firingAlerts.first { $0.labels["alertname"] == "WebSocketAuthFailed" }
                #expect(alert?.labels["severity"] == "critical")
                try await harness.backend.apply(.refuseTokens(enabled: false))
                _ = try await harness.agent.targets[0].retry().get()
                await harness.eventually("resolves") { Self.isResolved(harness, "WebSocketAuthFailed") }
            }
        }

        @Test func maxRetriesExceeded() async throws {
            try await AgentHarness.scoped(
                AgentHarness(
                    target: fastTarget(reconnect: "{initial_delay: 50ms, max_delay: 50ms, max_attempts: 2}"),
                    alerting: Self.alerting()
                )
            ) { harness in
                await harness.eventually("receiving data") { harness.sessions("t", "receiving_data") == 1 }
                try await harness.backend.apply(.down(duration: .seconds(60)))
                await harness.eventually("fires") { Self.isFiring(harness, "WebSocketMaxRetriesExceeded") }
                let description =
                    harness.agent.firingAlerts.first { $0.labels["alertname"] == "WebSocketMaxRetriesExceeded" }?
                    .annotations["description"] ?? ""
                #expect(description.contains("2"), "the attempts are in the description: \(description)")
                try await harness.backend.apply(.reset)
                _ = try await harness.agent.targets[0].retry().get()
                await harness.eventually("resolves") { Self.isResolved(harness, "WebSocketMaxRetriesExceeded") }
            }
        }

        @Test func dataStale() async throws {
            try await AgentHarness.scoped(AgentHarness(target: fastTarget(), alerting: Self.alerting())) { harness in
                await harness.eventually("receiving data") { harness.sessions("t", "receiving_data") == 1 }
                try await harness.backend.apply(.stall(enabled: true))
                await harness.eventually("fires") { Self.isFiring(harness, "WebSocketDataStale") }
                try await harness.backend.apply(.stall(enabled: false))
                await harness.eventually("resolves") { Self.isResolved(harness, "WebSocketDataStale") }
            }
        }

        @Test func targetDown() async throws {
            try await AgentHarness.scoped(
                AgentHarness(
                    target: fastTarget(reconnect: "{initial_delay: 50ms, max_delay: 100ms, max_attempts: 100}"),
                    alerting: Self.alerting(rules: "    target_down: {for: 200ms}\n")
                )
            ) { harness in
                await harness.eventually("receiving data") { harness.sessions("t", "receiving_data") == 1 }
                try await harness.backend.apply(.down(duration: .seconds(60)))
                await harness.eventually("fires") { Self.isFiring(harness, "WebSocketTargetDown") }
                try await harness.backend.apply(.reset)
                await harness.eventually("resolves") { Self.isResolved(harness, "WebSocketTargetDown") }
            }
        }

        @Test func flapping() async throws {
            try await AgentHarness.scoped(
                AgentHarness(
                    // Retries without end: on a loaded machine a handshake may time out, and a session
                    // that ran out of attempts would sit in `error` instead of flapping.
                    target: fastTarget(
                        reconnect: "{initial_delay: 50ms, max_delay: 100ms, max_attempts: 1000}",
                        handshakeTimeout: "500ms"
                    ),
                    alerting: Self.alerting(rules: "    flapping: {disconnects: 2, window: 3s}\n")
                )
            ) { harness in
                // Windows count from the first evaluation, after the start-up grace (500 ms + 300 ms).
                try await Task.sleep(for: .seconds(1))
                for round in 1...2 {
                    await harness.eventually("receiving data (\(round))") {
                        harness.sessions("t", "receiving_data") == 1
                    }
                    try await harness.backend.apply(.drop)
                    await harness.eventually("disconnect \(round) counted") {
                        (harness.metric("wshealth_disconnects_total", ["cause": "network_error"]) ?? 0) >= Double(round)
                    }
                }
                await harness.eventually("fires") { Self.isFiring(harness, "WebSocketFlapping") }
                // Quiet for the window: the disconnects leave it and the alert resolves.
                await harness.eventually("resolves", timeout: .seconds(15)) {
                    Self.isResolved(harness, "WebSocketFlapping")
                }
            }
        }

        @Test func lowSuccessRatio() async throws {
            try await AgentHarness.scoped(
                AgentHarness(
                    target: fastTarget(),
                    alerting: Self.alerting(
                        rules: "    low_success_ratio: {threshold: 0.9, window: 3s, min_attempts: 1}\n"
                    )
                )
            ) { harness in
                await harness.eventually("receiving data") { harness.sessions("t", "receiving_data") == 1 }
                // Give the start-up connection time to leave the window first.
                try await Task.sleep(for: .seconds(3))
                try await harness.backend.apply(.refuseTokens(enabled: true))
                try await harness.backend.apply(.drop)
                await harness.eventually("fires") { Self.isFiring(harness, "WebSocketLowSuccessRatio") }
                try await harness.backend.apply(.refuseTokens(enabled: false))
                _ = try await harness.agent.targets[0].retry().get()
                await harness.eventually("resolves", timeout: .seconds(15)) {
                    Self.isResolved(harness, "WebSocketLowSuccessRatio")
                }
            }
        }
    }
}
