import Foundation
import Testing
import WSHealthConfig

@testable import WSHealthAgent

#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

extension InProcessEndToEnd {
    /// Configuration reload: added targets start, removed ones stop, changed ones restart,
    /// unchanged sessions are not disturbed; a broken file changes nothing.
    @Suite(.timeLimit(.minutes(1)))
    struct ReloadTests {
        /// A reload that adds, removes, changes and keeps targets.
        @Test func reloadAppliesTheDifference() async throws {
            try await AgentHarness.scoped(
                AgentHarness(
                    target: fastTarget(name: "keep") + fastTarget(name: "drop") + fastTarget(name: "change")
                )
            ) { harness in
                await harness.eventually("three targets live") {
                    ["keep", "drop", "change"].allSatisfy { harness.sessions($0, "receiving_data") == 1 }
                }
                try harness.rewriteConfiguration(
                    target: fastTarget(name: "keep") + fastTarget(name: "change", sessions: 2) + fastTarget(name: "add")
                )
                let outcome = await harness.agent.reload()
                #expect(outcome.succeeded)
                #expect(outcome.added == 1)
                #expect(outcome.removed == 1)
                #expect(outcome.changed == 1)
                #expect(outcome.unchanged == 1)
                await harness.eventually("new configuration live") {
                    harness.sessions("change", "receiving_data") == 2 && harness.sessions("add", "receiving_data") == 1
                }
                #expect(harness.sessions("drop", "receiving_data") == nil, "a removed target's series are gone")
                // The unchanged target kept its one connection.
                #expect(harness.metric("wshealth_connection_attempts_total", ["target": "keep"]) == 1)
                #expect(harness.sessions("keep", "receiving_data") == 1)
                #expect(harness.metric("wshealth_config_last_reload_successful") == 1)
                #expect(harness.agent.targets.map(\.configuration.name) == ["keep", "change", "add"])
            }
        }

        /// A broken file keeps the old configuration running and sets the reload gauge to 0; the
        /// HTTP endpoint answers 500 with the problems, then 200 once the file is fixed.
        @Test func brokenFileKeepsTheOldConfiguration() async throws {
            try await AgentHarness.scoped(AgentHarness(target: fastTarget(name: "a"))) { harness in
                await harness.eventually("live") { harness.sessions("a", "receiving_data") == 1 }
                try harness.rewriteConfiguration(target: fastTarget(name: "a", sessions: 0))
                let port = try await harness.agent.listeningPort()
                let reload = "http://127.0.0.1:\(port)/-/reload"
                let (status, body) = try await httpPost(reload)
                #expect(status == 500)
                #expect(body.contains("targets[0].sessions: must be at least 1, got 0"))
                #expect(harness.metric("wshealth_config_last_reload_successful") == 0)
                #expect(harness.sessions("a", "receiving_data") == 1)
                #expect(harness.metric("wshealth_connection_attempts_total", ["target": "a"]) == 1)

                try harness.rewriteConfiguration(target: fastTarget(name: "a") + fastTarget(name: "b"))
                #expect(try await httpPost(reload).status == 200)
                #expect(harness.metric("wshealth_config_last_reload_successful") == 1)
                await harness.eventually("b live") { harness.sessions("b", "receiving_data") == 1 }
            }
        }
    }
}
