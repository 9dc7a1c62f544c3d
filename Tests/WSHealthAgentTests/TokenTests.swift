import Foundation
import Testing
import WSHealthBackend

@testable import WSHealthAgent

extension InProcessEndToEnd {
    /// Every token source and placement, against the backend's real JWT check.
    @Suite(.timeLimit(.minutes(1)))
    struct TokenTests {
        /// A literal token sent as the spec's `?token=` query parameter.
        @Test func valueInQueryParameter() async throws {
            let token = try await BackendToken.make(subject: "value", secret: AgentHarness.secret)
            try await AgentHarness.scoped(AgentHarness(target: fastTarget(token: "{value: '\(token)'}"))) { harness in
                await harness.eventually("receiving data") { harness.sessions("t", "receiving_data") == 1 }
            }
        }

        /// A token from the environment, sent as `Authorization: Bearer …`.
        @Test func environmentInAuthorizationHeader() async throws {
            let token = try await BackendToken.make(subject: "env", secret: AgentHarness.secret)
            try await AgentHarness.scoped(
                AgentHarness(
                    target: fastTarget(token: "{env: WS_TOKEN, header: Authorization}"),
                    environment: ["WS_TOKEN": token]
                )
            ) { harness in
                await harness.eventually("receiving data") { harness.sessions("t", "receiving_data") == 1 }
            }
        }

        /// A token file is re-read at connect time: a rotated file is picked up on the next
        /// attempt, without a restart.
        @Test func rotatedTokenFile() async throws {
            let file = FileManager.default.temporaryDirectory.appendingPathComponent("wshealth-\(UUID()).token")
            defer { try? FileManager.default.removeItem(at: file) }
            try "not-a-jwt\n".write(to: file, atomically: true, encoding: .utf8)
            try await AgentHarness.scoped(AgentHarness(target: fastTarget(token: "{file: '\(file.path)'}"))) {
                harness in
                await harness.eventually("refused token") { harness.sessions("t", "error") == 1 }
                #expect(harness.metric("wshealth_connection_failures_total", ["reason": "auth_failed"]) == 1)

                try "\(try await harness.validToken())\n".write(to: file, atomically: true, encoding: .utf8)
                // The operator's Retry: the next attempt reads the new file (within its 1 s cache).
                await harness.eventually("receiving data with the rotated token") {
                    for target in harness.agent.targets { target.retry() }
                    return harness.sessions("t", "receiving_data") == 1
                }
            }
        }

        /// A minted JWT keeps working; the backend sees the configured subject's token.
        @Test func mintedJWT() async throws {
            try await AgentHarness.scoped(AgentHarness(target: fastTarget(sessions: 2))) { harness in
                await harness.eventually("receiving data") { harness.sessions("t", "receiving_data") == 2 }
                #expect(await harness.backend.status().handshakesAccepted == 2)
            }
        }

        /// `on_stale: reconnect` turns stale data into a reconnect with cause `stale`.
        @Test func staleDataReconnects() async throws {
            try await AgentHarness.scoped(
                AgentHarness(
                    target: fastTarget(
                        expect: "{interval: 100ms, stale_after: 300ms, on_stale: reconnect}",
                        ping: "{interval: 0s}"
                    )
                )
            ) { harness in
                await harness.eventually("receiving data") { harness.sessions("t", "receiving_data") == 1 }
                try await harness.backend.apply(.stall(enabled: true))
                await harness.eventually("stale disconnect") {
                    harness.metric("wshealth_disconnects_total", ["cause": "stale"]) == 1
                }
                try await harness.backend.apply(.stall(enabled: false))
                await harness.eventually("reconnected") {
                    harness.sessions("t", "receiving_data") == 1
                        && (harness.metric("wshealth_connection_attempts_total") ?? 0) >= 2
                }
                #expect(harness.metric("wshealth_data_stale_sessions") == 0)
            }
        }
    }
}
