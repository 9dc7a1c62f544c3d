import Foundation
import NIOCore
import Testing
import WSHealthTestRawExchange

@testable import WSHealthAgent

extension InProcessEndToEnd {
    /// `/metrics` over HTTP, as Prometheus and promtool see it.
    @Suite(.timeLimit(.minutes(1)))
    struct MetricsEndpointTests {
        /// The text format of a live agent: `promtool check metrics` has nothing to say, and every
        /// family has HELP and TYPE.
        @Test func promtoolFindsNothing() async throws {
            let promtool = try installedTool("promtool")
            try await AgentHarness.scoped(AgentHarness(target: fastTarget(sessions: 2))) { harness in
                await harness.eventually("receiving data") { harness.sessions("t", "receiving_data") == 2 }
                let port = try await harness.agent.listeningPort()
                let response = try await httpGet("http://127.0.0.1:\(port)/metrics")
                #expect(response.status == 200)
                #expect(response.contentType == "text/plain; version=0.0.4; charset=utf-8")
                let (status, output) = try await runTool(promtool, ["check", "metrics"], input: response.body)
                #expect(status == 0)
                #expect(output == "")
                let families = try ExpositionReader.read(response.body, as: .text)
                for family in families.values {
                    #expect(family.type != nil && family.help?.isEmpty == false, "\(family.name) lacks TYPE or HELP")
                }
                #expect(families["process_cpu_seconds_total"]?.type == "counter")
            }
        }

        /// Prometheus' `Accept` header gets OpenMetrics 1.0.0, which the strict reader accepts,
        /// with TYPE and HELP on every family and the same series as the text format.
        @Test func openMetricsForPrometheus() async throws {
            try await AgentHarness.scoped(AgentHarness(target: fastTarget())) { harness in
                await harness.eventually("receiving data") { harness.sessions("t", "receiving_data") == 1 }
                let port = try await harness.agent.listeningPort()
                let openMetrics = try await httpGet("http://127.0.0.1:\(port)/metrics", accept: prometheusAcceptHeader)
                let text = try await httpGet("http://127.0.0.1:\(port)/metrics", accept: "text/plain;version=0.0.4")
                #expect(openMetrics.contentType == "application/openmetrics-text; version=1.0.0; charset=utf-8")
                #expect(openMetrics.body.hasSuffix("\n# EOF\n"))
                let families = try ExpositionReader.read(openMetrics.body, as: .openMetrics)
                for family in families.values {
                    #expect(family.type != nil && family.help?.isEmpty == false, "\(family.name) lacks TYPE or HELP")
                }
                #expect(families["wshealth_state_transitions"]?.type == "counter")
                #expect(families["wshealth_build"]?.type == "info")
                #expect(families["process_cpu_seconds"]?.unit == "seconds")
                #expect(families["wshealth_connection_success_ratio"]?.samples.first?.value == 1)
                let textFamilies = try ExpositionReader.read(text.body, as: .text)
                #expect(Self.series(families) == Self.series(textFamilies))
            }
        }

        /// Requests pipelined on one connection are answered in the order they came; the
        /// connection stays open between them and is closed after a `Connection: close` request.
        @Test func pipelinedRequestsAreAnsweredInOrder() async throws {
            try await AgentHarness.scoped(AgentHarness(target: fastTarget())) { harness in
                await harness.eventually("receiving data") { harness.sessions("t", "receiving_data") == 1 }
                let port = try await harness.agent.listeningPort()
                let paths = ["/-/healthy", "/metrics", "/-/ready", "/metrics", "/metrics", "/-/healthy"]
                let pipeline =
                    paths.map { "GET \($0) HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n" }.joined()
                    + "GET /metrics HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n"
                // `send` returns once the agent has closed the connection, and fails if it does not.
                let answer = try await RawExchange.send(pipeline, to: SocketAddress(ipAddress: "127.0.0.1", port: port))
                let responses = RawHTTPResponse.parse(answer)
                #expect(responses.map(\.status) == Array(repeating: 200, count: paths.count + 1))
                #expect(responses.map { Self.endpoint(of: $0) } == paths + ["/metrics"])
                for response in responses where Self.endpoint(of: response) == "/metrics" {
                    #expect(response.headers["content-type"] == ExpositionFormat.text.contentType)
                    #expect(response.headers["date"]?.hasSuffix(" GMT") == true)
                    #expect(try ExpositionReader.read(response.body, as: .text)["wshealth_sessions"] != nil)
                }
            }
        }

        /// Which endpoint a response's body comes from.
        private static func endpoint(of response: RawHTTPResponse) -> String {
            switch response.body {
            case "Healthy\n": "/-/healthy"
            case "Ready\n": "/-/ready"
            case let body where body.contains("# TYPE wshealth_sessions gauge"): "/metrics"
            default: "?"
            }
        }

        /// Every sample's name and labels, whatever family it belongs to.
        static func series(_ families: [String: ExpositionReader.Family]) -> Set<String> {
            Set(
                families.values.flatMap(\.samples).map { sample in
                    sample.name + "{"
                        + sample.labels.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(
                            separator: ","
                        )
                        + "}"
                }
            )
        }
    }
}
