import Foundation
import Testing
import WSHealthTestReceiver

extension ExternalProcesses {
    /// The `wshealth` binary under a descriptor limit too low for its sessions: those without a
    /// socket fail as `resource_exhausted` (spending no reconnect attempt, so none gives up),
    /// `/metrics` and the status page keep answering, the agent pages its own shortage instead
    /// of the target, and every session connects once there are fewer of them than descriptors.
    @Suite(.timeLimit(.minutes(1)))
    struct DescriptorExhaustionTests {
        static let sessions = 300

        @Test func sessionsWithoutADescriptorFailAsResourceExhaustedAndThePagesKeepAnswering() async throws {
            let secret = Array(String(repeating: "descriptor-secret-", count: 2).utf8)
            // 300 sessions at 500 ms: the backend runs in this process, which must stay free to
            // make the test's requests on time even under ThreadSanitizer.
            let (_, backendTask, backendPort) = try await AgentProcess.startBackend(
                secret: secret,
                interval: .milliseconds(500)
            )
            defer { backendTask.cancel() }
            let (directory, secretFile) = try AgentProcess.makeDirectory(secret: secret)
            defer { try? FileManager.default.removeItem(at: directory) }
            let config = directory.appendingPathComponent("wshealth.yml")
            func configure(sessions: Int) throws {
                try """
                targets:
                  - name: t
                    url: ws://127.0.0.1:\(backendPort)/api/ws/metrics
                    sessions: \(sessions)
                    token: {jwt: {secret_file: \(secretFile.path)}}
                    expect: {interval: 500ms, stale_after: 2s}
                    reconnect: {initial_delay: 500ms, max_delay: 1s, max_attempts: 2}

                """.write(to: config, atomically: true, encoding: .utf8)
            }
            try configure(sessions: Self.sessions)
            let webPort = try freePort()
            // 256 descriptors: after the reserve the agent keeps for itself, far fewer than
            // 300 sessions. The hard limit too: the agent raises its soft limit to the hard one.
            let agent = try AgentProcess.start(
                config: config,
                webPort: webPort,
                storage: directory.appendingPathComponent("data"),
                shell: "ulimit -n 256"
            )
            defer { terminate(agent) }
            let base = "http://127.0.0.1:\(webPort)"
            #expect(await httpStatus("\(base)/-/healthy", within: .seconds(15)) == 200)

            // Sessions that got a socket receive data; the others fail as the agent's own fault,
            // many more times than `max_attempts` each, and the agent pages itself.
            let exhausted = await AlertRestartTests.eventually(within: .seconds(20)) { () -> MetricText? in
                let text = MetricText(try await httpGet("\(base)/metrics").body)
                let failures = text.value(
                    "wshealth_connection_failures_total",
                    ["target": "t", "reason": "resource_exhausted"]
                )
                let receiving = text.value("wshealth_sessions", ["target": "t", "state": "receiving_data"])
                let paged = text.value(
                    "wshealth_alerts_firing",
                    ["target": "t", "alertname": "WSHealthResourceExhausted"]
                )
                return (failures ?? 0) >= 1000 && (receiving ?? 0) >= 50 && paged == 1 ? text : nil
            }
            let last = MetricText(try await httpGet("\(base)/metrics").body)
            let text = try #require(
                exhausted,
                """
                no session was refused a descriptor, none received data, or no page: \
                \(last.value("wshealth_connection_failures_total", ["target": "t", "reason": "resource_exhausted"]) ?? -1) \
                refused, \(last.value("wshealth_sessions", ["target": "t", "state": "receiving_data"]) ?? -1) \
                receiving, alert \(last.value("wshealth_alerts_firing", ["target": "t", "alertname": "WSHealthResourceExhausted"]) ?? -1)
                """
            )
            #expect(
                text.value("wshealth_sessions", ["target": "t", "state": "receiving_data"]) ?? 0 < Double(Self.sessions)
            )
            for reason in ["network_error", "refused", "timeout"] {
                #expect(text.value("wshealth_connection_failures_total", ["target": "t", "reason": reason]) == 0)
            }
            #expect(text.value("wshealth_sessions", ["target": "t", "state": "error"]) == 0, "nobody gave up")
            #expect(text.value("wshealth_handshake_success_ratio", ["target": "t"]) == 1, "the target failed nothing")
            for alertname in ["WebSocketTargetDown", "WebSocketMaxRetriesExceeded", "WebSocketLowSuccessRatio"] {
                #expect(text.value("wshealth_alerts_firing", ["target": "t", "alertname": alertname]) == 0)
            }
            // Every page keeps answering while the sessions are starved, many times over.
            for _ in 0..<5 {
                #expect(try await httpGet("\(base)/metrics").status == 200)
                #expect(try await httpGet("\(base)/").status == 200)
                #expect(try await httpGet("\(base)/api/v1/targets").status == 200)
            }
            let api = try await httpGet("\(base)/api/v1/targets").body
            let targets = try #require(try JSONSerialization.jsonObject(with: Data(api.utf8)) as? [String: Any])
            let sessions = ((targets["targets"] as? [[String: Any]])?.first?["sessions"] as? [[String: Any]]) ?? []
            let starved = sessions.filter { $0["last_failure_reason"] as? String == "resource_exhausted" }
            #expect(!starved.isEmpty, "the API names the reason")
            #expect(
                starved.allSatisfy {
                    ($0["last_failure_detail"] as? String)?.contains("no file descriptor left") == true
                },
                "and says what ran out: \(starved.first ?? [:])"
            )

            // Fewer sessions than descriptors (raising a hard limit would take a privilege the
            // tests may not have): every session connects.
            try configure(sessions: 60)
            #expect(try await httpPost("\(base)/-/reload").status == 200)
            let recovered = await AlertRestartTests.eventually(within: .seconds(20)) { () -> Bool? in
                let text = MetricText(try await httpGet("\(base)/metrics").body)
                return text.value("wshealth_sessions", ["target": "t", "state": "receiving_data"]) == 60 ? true : nil
            }
            #expect(recovered == true, "not every session connected once descriptors were free")
        }

        /// A soft limit below the hard one (a shell's or a unit's default) is raised to it at
        /// start, as Go's exporters do: `process_max_fds` reads the hard limit.
        @Test func theSoftLimitIsRaisedToTheHardOne() async throws {
            let (directory, _) = try AgentProcess.makeDirectory(secret: Array("unused".utf8))
            defer { try? FileManager.default.removeItem(at: directory) }
            let config = directory.appendingPathComponent("wshealth.yml")
            // A target nothing listens on: the agent needs one, not a backend.
            try "targets: [{name: t, url: 'ws://127.0.0.1:\(try refusingLoopbackPort())/x'}]\n"
                .write(to: config, atomically: true, encoding: .utf8)
            let webPort = try freePort()
            let agent = try AgentProcess.start(
                config: config,
                webPort: webPort,
                storage: directory.appendingPathComponent("data"),
                shell: "ulimit -S -n 300 && ulimit -H -n 3000"
            )
            defer { terminate(agent) }
            let base = "http://127.0.0.1:\(webPort)"
            #expect(await httpStatus("\(base)/-/healthy", within: .seconds(15)) == 200)
            let text = MetricText(try await httpGet("\(base)/metrics").body)
            #expect(text.value("process_max_fds", [:]) == 3000)
        }
    }
}
