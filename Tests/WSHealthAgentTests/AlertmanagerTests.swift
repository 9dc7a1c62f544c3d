import Foundation
import NIOCore
import Testing
import WSHealthAlerting
import WSHealthBackend

@testable import WSHealthAgent

#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

extension ExternalProcesses {
    /// A real Alertmanager (Debian's `prometheus-alertmanager`, on loopback, clustering off)
    /// receives the agent's alerts through its v2 API.
    @Suite(.timeLimit(.minutes(1)))
    struct AlertmanagerTests {
        /// The backend refuses the token: `WebSocketAuthFailed` reaches Alertmanager, which lists it
        /// with the agent's labels and fingerprint; after recovery it is resolved there too.
        @Test func alertmanagerReceivesFiringAndResolved() async throws {
            let port = try freePort()
            let alertmanager = try ToolServer(tool: "prometheus-alertmanager") { directory in
                try "route: {receiver: blackhole}\nreceivers: [{name: blackhole}]\n".write(
                    to: directory.appendingPathComponent("alertmanager.yml"),
                    atomically: true,
                    encoding: .utf8
                )
            } arguments: { directory in
                [
                    "--config.file=alertmanager.yml", "--storage.path=\(directory.appendingPathComponent("data").path)",
                    "--web.listen-address=127.0.0.1:\(port)", "--cluster.listen-address=", "--log.level=warn",
                ]
            }
            defer { alertmanager.stop() }
            #expect(await httpStatus("http://127.0.0.1:\(port)/-/ready", within: .seconds(20)) == 200)

            try await AgentHarness.scoped(
                AgentHarness(
                    target: fastTarget(),
                    alerting: """
                          instance: test-agent
                          evaluation_interval: 100ms
                          receivers:
                            - {name: am, type: alertmanager, url: 'http://127.0.0.1:\(port)', resend_interval: 1s}

                        """
                )
            ) { harness in
                await harness.eventually("receiving data") { harness.sessions("t", "receiving_data") == 1 }
                try await harness.backend.apply(.refuseTokens(enabled: true))
                try await harness.backend.apply(.drop)
                await harness.eventually("alert firing") { !harness.agent.firingAlerts.isEmpty }
                let fingerprint = harness.agent.firingAlerts.first { $0.labels["alertname"] == "WebSocketAuthFailed" }?
                    .fingerprint

                let listed = await Self.eventually(within: .seconds(15)) {
                    try await Self.alerts(port).first {
                        ($0["labels"] as? [String: String])?["alertname"] == "WebSocketAuthFailed"
                    }
                }
                let alert = try #require(
                    listed,
                    "Alertmanager never listed the alert; its log:\n\(alertmanager.output)"
                )
                #expect(
                    alert["labels"] as? [String: String]
                        == [
                            "alertname": "WebSocketAuthFailed", "target": "t", "severity": "critical",
                            "instance": "test-agent",
                        ]
                )
                #expect(alert["fingerprint"] as? String == fingerprint, "Alertmanager's fingerprint is ours")
                #expect(((alert["annotations"] as? [String: String])?["summary"] ?? "").isEmpty == false)

                try await harness.backend.apply(.refuseTokens(enabled: false))
                _ = try await harness.agent.targets[0].retry().get()
                let resolved = await Self.eventually(within: .seconds(15)) {
                    try await Self.alerts(port).isEmpty ? true : nil
                }
                #expect(resolved == true, "Alertmanager still lists the alert after recovery")
            }
        }

        /// The alerts Alertmanager lists (active ones; resolved alerts are not listed).
        static func alerts(_ port: Int) async throws -> [[String: Any]] {
            let url = URL(string: "http://127.0.0.1:\(port)/api/v2/alerts")!
            let (data, _) = try await URLSession.shared.data(from: url)
            return try JSONSerialization.jsonObject(with: data) as? [[String: Any]] ?? []
        }

        /// Polls `body` every 100 ms until it returns a value, for at most `timeout`.
        static func eventually<T>(within timeout: Duration, _ body: () async throws -> T?) async -> T? {
            let deadline = ContinuousClock.now + timeout
            while ContinuousClock.now < deadline {
                if let value = try? await body() { return value }
                try? await Task.sleep(for: .milliseconds(100))
            }
            return nil
        }
    }
}
