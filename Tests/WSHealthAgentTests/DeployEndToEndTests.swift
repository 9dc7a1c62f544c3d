import Foundation
import Testing
import WSHealthBackend
import WSHealthTestReceiver

@testable import WSHealthAgent

#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

extension ExternalProcesses {
    /// The shipped deployment, end to end: a real Prometheus with `deploy/prometheus/` (scrape
    /// config and rules) scraping an agent, a real Alertmanager with `deploy/alertmanager/`, and the
    /// agent's own alerting. Taking the backend down fires both the Prometheus-side alert (through
    /// Alertmanager to its webhook) and the agent's (to the agent's webhook); bringing it back
    /// resolves both.
    @Suite(.timeLimit(.minutes(4)))
    struct DeployEndToEndTests {
        /// The repository's `deploy/` folder, found from this source file.
        static let deploy = URL(fileURLWithPath: #filePath)
            .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("deploy")

        @Test func backendDownFiresAndResolvesOnBothSides() async throws {
            let amHook = try await RecordingReceiver.start(script: .always(.ok))
            let agentHook = try await RecordingReceiver.start(script: .always(.ok))
            let alertmanagerPort = try freePort()
            let alertmanager = try ToolServer(tool: "prometheus-alertmanager") { directory in
                try Self.shipped(
                    "alertmanager/alertmanager.yml",
                    replacing: [
                        "http://127.0.0.1:5001/alerts": amHook.url(path: "/alerts"),
                        "group_wait: 30s": "group_wait: 1s",
                        "group_interval: 5m": "group_interval: 1s",
                    ],
                    to: directory.appendingPathComponent("alertmanager.yml")
                )
            } arguments: { directory in
                [
                    "--config.file=alertmanager.yml", "--storage.path=\(directory.appendingPathComponent("data").path)",
                    "--web.listen-address=127.0.0.1:\(alertmanagerPort)", "--cluster.listen-address=",
                    "--log.level=warn",
                ]
            }
            defer { alertmanager.stop() }

            // Sessions keep retrying through the outage (no `error`), as a target that is down does.
            try await AgentHarness.scoped(
                AgentHarness(
                    target: fastTarget(reconnect: "{initial_delay: 100ms, max_delay: 500ms, max_attempts: 1000}"),
                    alerting: """
                          instance: e2e-agent
                          evaluation_interval: 100ms
                          receivers:
                            - {name: hook, type: webhook, url: '\(agentHook.url())'}
                          rules:
                            target_down: {for: 2s}

                        """
                )
            ) { harness in
                let agentPort = try await harness.agent.listeningPort()
                let prometheusPort = try freePort()
                let prometheus = try ToolServer.prometheus(port: prometheusPort) { directory in
                    try Self.shipped(
                        "prometheus/prometheus.yml",
                        replacing: [
                            "\"wshealth:10052\"": "\"127.0.0.1:\(agentPort)\"",
                            "\"alertmanager:9093\"": "\"127.0.0.1:\(alertmanagerPort)\"",
                            "scrape_interval: 15s": "scrape_interval: 1s",
                            "scrape_timeout: 10s": "scrape_timeout: 1s",
                            "evaluation_interval: 15s": "evaluation_interval: 1s",
                        ],
                        to: directory.appendingPathComponent("prometheus.yml")
                    )
                    for rules in ["wshealth.recording.yml", "wshealth.alerts.yml"] {
                        try Self.shipped(
                            "prometheus/\(rules)",
                            replacing: [:],
                            to: directory.appendingPathComponent(rules)
                        )
                    }
                }
                defer { prometheus.stop() }
                let api = PrometheusAPI(port: prometheusPort)
                let healthy = await api.eventually(within: .seconds(40)) {
                    try await api.query("sum(wshealth_sessions{job=\"wshealth\",state=\"receiving_data\"})") == "1"
                }
                try #require(healthy, "Prometheus never saw the session receiving data:\n\(prometheus.output)")

                // Down long enough for the shipped rule's `for: 1m`; brought back by `reset` below.
                try await harness.backend.apply(.down(duration: .seconds(600)))
                let agentFiring = try await Self.alert(from: agentHook, status: "firing", within: .seconds(30))
                #expect(agentFiring.labels["instance"] == "e2e-agent")
                #expect(agentFiring.labels["job"] == nil, "the agent's own alert")

                let amFiring = try await Self.alert(from: amHook, status: "firing", within: .seconds(120))
                #expect(amFiring.labels["job"] == "wshealth", "the Prometheus-side alert, routed by the shipped config")
                #expect(amFiring.labels["target"] == "t")
                #expect(amFiring.labels["severity"] == "critical")

                try await harness.backend.apply(.reset)
                _ = try await Self.alert(from: agentHook, status: "resolved", within: .seconds(30))
                let amResolved = try await Self.alert(from: amHook, status: "resolved", within: .seconds(60))
                #expect(amResolved.labels["job"] == "wshealth")

                await amHook.shutdown()
                await agentHook.shutdown()
            }
        }

        /// One alert of a webhook notification (Alertmanager's payload, which the agent's webhook
        /// receivers send too).
        struct WebhookAlert {
            var status: String
            var labels: [String: String]
        }

        /// Copies `deploy/PATH` to `destination` with each key of `replacing` replaced by its
        /// value; a key missing from the shipped file fails the test (it would test something else).
        static func shipped(_ path: String, replacing: [String: String], to destination: URL) throws {
            var text = try String(contentsOf: Self.deploy.appendingPathComponent(path), encoding: .utf8)
            for (old, new) in replacing {
                guard text.contains(old) else { throw CLIError("deploy/\(path) no longer contains \(old)") }
                text = text.replacingOccurrences(of: old, with: new)
            }
            try text.write(to: destination, atomically: true, encoding: .utf8)
        }

        static func alerts(_ request: RecordedRequest) throws -> [WebhookAlert] {
            let payload = try JSONSerialization.jsonObject(with: Data(request.body)) as? [String: Any]
            return (payload?["alerts"] as? [[String: Any]] ?? []).map {
                WebhookAlert(status: $0["status"] as? String ?? "", labels: $0["labels"] as? [String: String] ?? [:])
            }
        }

        /// The first `WebSocketTargetDown` alert with `status` that `receiver` got. Other alerts
        /// may come first: on a loaded machine the fast test target's data can go stale.
        static func alert(
            from receiver: RecordingReceiver,
            status: String,
            within timeout: Duration
        ) async throws -> WebhookAlert {
            let deadline = ContinuousClock.now + timeout
            while ContinuousClock.now < deadline {
                for request in receiver.requests() {
                    let match = try Self.alerts(request).first {
                        $0.status == status && $0.labels["alertname"] == "WebSocketTargetDown"
                    }
                    if let match { return match }
                }
                try await Task.sleep(for: .milliseconds(200))
            }
            throw CLIError(
                "no \(status) WebSocketTargetDown within \(timeout); got \(receiver.requests().count) requests"
            )
        }
    }
}
