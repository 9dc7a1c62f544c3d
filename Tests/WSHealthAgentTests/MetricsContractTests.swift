import Foundation
import Testing
import WSHealthTestReceiver

@testable import WSHealthAgent

extension InProcessEndToEnd {
    /// The README's metric table is the contract of `/metrics`.
    @Suite(.timeLimit(.minutes(1)))
    struct MetricsContractTests {
        /// One row of the table: name, type and label names.
        struct Row {
            var name: String
            var type: String
            var labels: Set<String>
        }

        /// The enumerations the README documents.
        static let states = ["disconnected", "connecting", "connected", "receiving_data", "reconnecting", "error"]
        static let reasons = [
            "auth_failed", "refused", "timeout", "dns_failure", "tls_failure", "http_error", "network_error",
            "protocol_error", "resource_exhausted", "conversation_failed",
        ]
        static let causes = [
            "network_error", "server_closed", "auth_failed", "stale", "protocol_error", "user_action",
            "resource_exhausted",
        ]
        static let messageErrors = [
            "invalid_json", "too_large", "unexpected_binary", "invalid_timestamp", "assertion_failed",
        ]

        /// At start-up, with a healthy target and one whose backend is down (waiting out a long
        /// backoff), the text format has exactly the table's metrics, each with its type and
        /// exactly its labels, every state, reason and cause of both targets, and the healthy
        /// target's failures, disconnects and refused messages at 0.
        @Test func readmeTableAtStartUp() async throws {
            let rows = try Self.readmeTable()
            #expect(rows.count >= 26)
            let down = """
                  - name: down
                    url: ws://127.0.0.1:\(try refusingLoopbackPort())/api/ws/metrics
                    reconnect: {initial_delay: 1h, max_delay: 1h, max_attempts: 3}

                """
            // A receiver nobody listens on: its series exist whether or not it can be reached.
            let alerting =
                "  receivers: [{name: hook, type: webhook, url: 'http://127.0.0.1:\(try refusingLoopbackPort())/'}]\n"
            try await AgentHarness.scoped(AgentHarness(target: fastTarget() + down, alerting: alerting)) { harness in
                await harness.eventually("the first rule evaluation") {
                    harness.metric("wshealth_alerts_firing", ["target": "down"]) != nil
                }
                let port = try await harness.agent.listeningPort()
                let response = try await httpGet("http://127.0.0.1:\(port)/metrics")
                let families = try ExpositionReader.read(response.body, as: .text)
                #expect(Set(families.keys) == Set(rows.map(\.name)), "the families are the table's")
                for row in rows {
                    let family = try #require(families[row.name], "\(row.name) is missing")
                    #expect(family.type == row.type, "\(row.name) is a \(family.type ?? "untyped")")
                    #expect(!family.samples.isEmpty, "\(row.name) has no series")
                    for sample in family.samples {
                        let labels = Set(sample.labels.keys).subtracting(sample.name.hasSuffix("_bucket") ? ["le"] : [])
                        #expect(labels == row.labels, "\(sample.name) has labels \(labels.sorted())")
                    }
                    if row.labels.contains("target") {
                        #expect(Set(family.samples.compactMap { $0.labels["target"] }) == ["t", "down"], "\(row.name)")
                    }
                }
                for target in ["t", "down"] {
                    #expect(
                        Self.values(families, "wshealth_sessions", "state", target).keys.sorted()
                            == Self.states.sorted()
                    )
                    #expect(
                        Self.values(families, "wshealth_connection_failures_total", "reason", target).keys.sorted()
                            == Self.reasons.sorted()
                    )
                    #expect(
                        Self.values(families, "wshealth_disconnects_total", "cause", target).keys.sorted()
                            == Self.causes.sorted()
                    )
                    #expect(
                        Self.values(families, "wshealth_message_errors_total", "reason", target).keys.sorted()
                            == Self.messageErrors.sorted()
                    )
                }
                for (family, label) in [
                    ("wshealth_connection_failures_total", "reason"), ("wshealth_disconnects_total", "cause"),
                    ("wshealth_message_errors_total", "reason"),
                ] {
                    #expect(Self.values(families, family, label, "t").values.allSatisfy { $0 == 0 }, "\(family) of t")
                }
                let transitions = try #require(families["wshealth_state_transitions_total"]).samples
                #expect(
                    transitions.allSatisfy {
                        Self.states.contains($0.labels["from"]!) && Self.states.contains($0.labels["to"]!)
                    }
                )
                #expect(families["wshealth_build_info"]?.samples.first?.value == 1)
                #expect(families["wshealth_config_last_reload_successful"]?.samples.first?.value == 1)
            }
        }

        /// The values of `family` for `target`, by the value of `label`.
        static func values(
            _ families: [String: ExpositionReader.Family],
            _ family: String,
            _ label: String,
            _ target: String
        ) -> [String: Double] {
            let samples = families[family]?.samples.filter { $0.labels["target"] == target } ?? []
            return Dictionary(samples.map { ($0.labels[label] ?? "", $0.value) }) { first, _ in first }
        }

        /// The rows of the first table of the README's Metrics section.
        static func readmeTable() throws -> [Row] {
            let readme = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
                .deletingLastPathComponent().appendingPathComponent("README.md")
            let text = try String(contentsOf: readme, encoding: .utf8)
            let section = try #require(text.components(separatedBy: "\n## Metrics\n").dropFirst().first)
                .components(separatedBy: "\n## ")[0]
            return section.split(separator: "\n").filter { $0.hasPrefix("| `") }.map { line in
                let cells = line.split(separator: "|", omittingEmptySubsequences: false).map {
                    $0.trimmingCharacters(in: .whitespaces)
                }
                let labels = cells[3].split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces.union(["`"])) }
                return Row(
                    name: cells[1].trimmingCharacters(in: ["`"]),
                    type: cells[2],
                    labels: Set(labels.filter { !$0.isEmpty })
                )
            }
        }
    }
}
