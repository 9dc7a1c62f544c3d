import Foundation
import Testing
import WSHealthAgent
import WSHealthBackend

#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// The status and JSON object of an HTTP request to the agent.
func requestJSON(_ url: String, method: String = "GET") async throws -> (status: Int, body: [String: Any]) {
    var request = URLRequest(url: URL(string: url)!)
    request.httpMethod = method
    // A session of its own, invalidated at once: no idle connection is left for shutdown to cut.
    let session = URLSession(configuration: .ephemeral)
    defer { session.invalidateAndCancel() }
    let (data, response) = try await session.data(for: request)
    let object = try JSONSerialization.jsonObject(with: data) as? [String: Any]
    return ((response as? HTTPURLResponse)?.statusCode ?? 0, try #require(object, "not a JSON object"))
}

extension InProcessEndToEnd {
    /// `GET /api/v1/targets` and `POST /api/v1/targets/{name}/retry` against real sessions.
    @Suite(.timeLimit(.minutes(1)))
    struct TargetsAPITests {
        static let targetKeys: Set = [
            "name", "url", "sessions_by_state", "max_reconnect_attempts", "last_message_at", "data_at",
            "stale_sessions", "sessions",
        ]
        static let sessionKeys: Set = [
            "index", "state", "reconnect_attempt", "error_reason", "error_message", "last_failure_reason",
            "last_failure_detail", "last_disconnect_cause", "last_message_at", "data_at", "data_stale",
            "extensions", "subprotocol",
        ]

        /// The base URL of the harness's agent.
        func base(_ harness: AgentHarness) async throws -> String {
            "http://127.0.0.1:\(try await harness.agent.listeningPort())"
        }

        /// The only target of the report, after checking the report's own shape.
        func onlyTarget(_ harness: AgentHarness) async throws -> [String: Any] {
            let (status, report) = try await requestJSON("\(try await self.base(harness))/api/v1/targets")
            #expect(status == 200)
            #expect(Set(report.keys) == ["generated_at", "targets"])
            #expect(try rfc3339(report["generated_at"]) != nil)
            let targets = try #require(report["targets"] as? [[String: Any]])
            try #require(targets.count == 1)
            #expect(Set(targets[0].keys) == Self.targetKeys)
            for session in targets[0]["sessions"] as? [[String: Any]] ?? [] {
                #expect(Set(session.keys) == Self.sessionKeys)
            }
            return targets[0]
        }

        /// Fast messages whose data these tests read as fresh: a slow moment of a loaded machine
        /// must not make it stale (stale data has tests of its own).
        static func target(sessions: Int) -> String {
            fastTarget(sessions: sessions, expect: "{interval: 100ms, stale_after: 10s}")
        }

        /// A healthy target: every key present, counts by state, live sessions with a recent message.
        @Test func healthyTarget() async throws {
            try await AgentHarness.scoped(AgentHarness(target: Self.target(sessions: 2))) { harness in
                await harness.eventually("receiving data") { harness.sessions("t", "receiving_data") == 2 }
                let target = try await self.onlyTarget(harness)
                #expect(target["name"] as? String == "t")
                #expect(target["url"] as? String == "ws://127.0.0.1:\(harness.backendPort)/api/ws/metrics")
                #expect(target["max_reconnect_attempts"] as? Int == 3)
                #expect(target["stale_sessions"] as? Int == 0)
                #expect(
                    target["sessions_by_state"] as? [String: Int] == [
                        "disconnected": 0, "connecting": 0, "connected": 0, "receiving_data": 2, "reconnecting": 0,
                        "error": 0,
                    ]
                )
                let lastMessage = try #require(try rfc3339(target["last_message_at"]))
                #expect(abs(lastMessage.timeIntervalSinceNow) < 10)
                let sessions = try #require(target["sessions"] as? [[String: Any]])
                #expect(sessions.map { $0["index"] as? Int } == [0, 1])
                for session in sessions {
                    #expect(session["state"] as? String == "receiving_data")
                    #expect(session["reconnect_attempt"] as? Int == 0)
                    #expect(session["data_stale"] as? Bool == false)
                    #expect(try rfc3339(session["last_message_at"]) != nil)
                    for key in ["error_reason", "error_message", "last_failure_reason", "last_failure_detail"] {
                        #expect(session[key] is NSNull, "\(key) should be null")
                    }
                    #expect(session["last_disconnect_cause"] is NSNull)
                }
            }
        }

        /// A refused token: `error` with the spec's message; Retry over HTTP leaves it once tokens
        /// are accepted again, and a second Retry finds nothing to do.
        @Test func errorTargetAndRetry() async throws {
            try await AgentHarness.scoped(AgentHarness(target: Self.target(sessions: 1))) { harness in
                let base = try await self.base(harness)
                await harness.eventually("receiving data") { harness.sessions("t", "receiving_data") == 1 }
                try await harness.backend.apply(.refuseTokens(enabled: true))
                try await harness.backend.apply(.drop)
                await harness.eventually("error") { harness.sessions("t", "error") == 1 }

                let target = try await self.onlyTarget(harness)
                #expect((target["sessions_by_state"] as? [String: Int])?["error"] == 1)
                #expect(try rfc3339(target["last_message_at"]) != nil, "the last message is kept across the failure")
                let session = try #require((target["sessions"] as? [[String: Any]])?.first)
                #expect(session["state"] as? String == "error")
                #expect(session["error_reason"] as? String == "auth_failed")
                #expect(session["error_message"] as? String == "Authentication failed")
                #expect(session["last_failure_reason"] as? String == "auth_failed")
                #expect(session["last_failure_detail"] as? String == "HTTP 403 Forbidden")
                #expect(["server_closed", "network_error"].contains(session["last_disconnect_cause"] as? String))
                #expect(session["data_stale"] as? Bool == false)

                try await harness.backend.apply(.refuseTokens(enabled: false))
                let (status, body) = try await requestJSON("\(base)/api/v1/targets/t/retry", method: "POST")
                #expect(status == 200)
                #expect(body["target"] as? String == "t")
                #expect(body["retried"] as? Int == 1)
                await harness.eventually("receiving data after Retry") { harness.sessions("t", "receiving_data") == 1 }
                let after = try #require((try await self.onlyTarget(harness)["sessions"] as? [[String: Any]])?.first)
                #expect(after["state"] as? String == "receiving_data")
                #expect(after["error_reason"] is NSNull && after["error_message"] is NSNull)

                let (again, repeated) = try await requestJSON("\(base)/api/v1/targets/t/retry", method: "POST")
                #expect(again == 200 && repeated["retried"] as? Int == 0)
                #expect(harness.sessions("t", "receiving_data") == 1)
            }
        }

        /// Target names are one percent-encoded path segment; an unknown name is a JSON 404.
        @Test func retryAddressesTargetsByName() async throws {
            let target = """
                  - name: 'edge/1 é'
                    url: URL
                    token: {jwt: {secret_file: SECRET_FILE}}

                """
            try await AgentHarness.scoped(AgentHarness(target: target)) { harness in
                let base = try await self.base(harness)
                let (status, body) = try await requestJSON(
                    "\(base)/api/v1/targets/edge%2F1%20%C3%A9/retry",
                    method: "POST"
                )
                #expect(status == 200)
                #expect(body["target"] as? String == "edge/1 é" && body["retried"] as? Int == 0)
                let (missing, error) = try await requestJSON("\(base)/api/v1/targets/nope/retry", method: "POST")
                #expect(missing == 404)
                #expect(error["error"] as? String == "no target named \"nope\"")
            }
        }
    }
}

/// An RFC 3339 time with fractional seconds, as the API writes it; nil for JSON `null`.
func rfc3339(_ value: Any?) throws -> Date? {
    if value is NSNull { return nil }
    let text = try #require(value as? String, "not a string: \(String(describing: value))")
    return try Date(text, strategy: Date.ISO8601FormatStyle(includingFractionalSeconds: true))
}
