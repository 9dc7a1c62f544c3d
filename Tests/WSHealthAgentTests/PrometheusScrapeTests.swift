import Foundation
import Testing

@testable import WSHealthAgent

#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

extension ExternalProcesses {
    /// A real Prometheus (the Debian package) scraping a real agent.
    @Suite(.timeLimit(.minutes(1)))
    struct PrometheusScrapeTests {
        /// Prometheus scrapes the agent every second: the target is up, the session's state is
        /// queryable, and the metadata shows OpenMetrics was negotiated (counter and info families
        /// under their OpenMetrics names).
        @Test func prometheusScrapesTheAgent() async throws {
            try await AgentHarness.scoped(AgentHarness(target: fastTarget())) { harness in
                let agentPort = try await harness.agent.listeningPort()
                let apiPort = try freePort()
                let prometheus = try ToolServer.prometheus(port: apiPort) { directory in
                    try """
                    global: {scrape_interval: 1s, scrape_timeout: 1s, evaluation_interval: 1s}
                    scrape_configs:
                      - job_name: wshealth
                        static_configs: [{targets: ['127.0.0.1:\(agentPort)']}]

                    """.write(to: directory.appendingPathComponent("prometheus.yml"), atomically: true, encoding: .utf8)
                }
                defer { prometheus.stop() }

                let api = PrometheusAPI(port: apiPort)
                let scraped = await api.eventually(within: .seconds(40)) {
                    guard try await api.query("up{job=\"wshealth\"}") == "1" else { return false }
                    return try await api.query(
                        "wshealth_sessions{job=\"wshealth\",target=\"t\",state=\"receiving_data\"}"
                    )
                        == "1"
                }
                try #require(
                    scraped,
                    "Prometheus never saw the agent up and receiving data; its log:\n\(prometheus.output)"
                )
                #expect(try await api.metadataType("wshealth_build") == "info")
                #expect(try await api.metadataType("wshealth_state_transitions") == "counter")
                #expect(try await api.query("wshealth_build_info{job=\"wshealth\"}") == "1")
                #expect(try await api.query("count(process_cpu_seconds_total{job=\"wshealth\"})") == "1")
            }
        }
    }
}

/// The parts of Prometheus' HTTP API the test reads.
struct PrometheusAPI {
    let port: Int

    /// The value of the first series an instant query returns, or nil when it returns none.
    func query(_ expression: String) async throws -> String? {
        let data = try await self.get("/api/v1/query", ["query": expression]) as? [String: Any]
        guard let result = data?["result"] as? [[String: Any]], let value = result.first?["value"] as? [Any] else {
            return nil
        }
        return value.last as? String
    }

    /// The type of a metric family as the scrape recorded it.
    func metadataType(_ family: String) async throws -> String? {
        let data = try await self.get(
            "/api/v1/targets/metadata",
            ["match_target": "{job=\"wshealth\"}", "metric": family]
        )
        return (data as? [[String: Any]])?.first?["type"] as? String
    }

    /// Polls `condition` until it holds or `within` passes; errors count as not yet.
    func eventually(within timeout: Duration, _ condition: () async throws -> Bool) async -> Bool {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if (try? await condition()) == true { return true }
            try? await Task.sleep(for: .milliseconds(250))
        }
        return false
    }

    private func get(_ path: String, _ parameters: [String: String]) async throws -> Any {
        var components = URLComponents(string: "http://127.0.0.1:\(self.port)\(path)")!
        components.queryItems = parameters.map { URLQueryItem(name: $0.key, value: $0.value) }
        let (data, _) = try await URLSession.shared.data(from: components.url!)
        guard let body = try JSONSerialization.jsonObject(with: data) as? [String: Any],
            body["status"] as? String == "success"
        else { throw CLIError("Prometheus answered \(String(decoding: data, as: UTF8.self))") }
        return body["data"] ?? NSNull()
    }
}
