import Foundation
import Testing
import WSHealthBackend
import WSHealthTestReceiver

@testable import WSHealthAgent

/// A target block with fast timings; each section can be replaced.
func fastTarget(
    name: String = "t",
    sessions: Int = 1,
    token: String = "{jwt: {secret_file: SECRET_FILE}}",
    expect: String = "{interval: 100ms}",
    reconnect: String = "{initial_delay: 50ms, max_delay: 100ms, max_attempts: 3}",
    handshakeTimeout: String = "2s",
    ping: String? = "{interval: 10s, timeout: 5s}"
) -> String {
    """
      - name: \(name)
        url: URL
        sessions: \(sessions)
        token: \(token)
        expect: \(expect)
        reconnect: \(reconnect)
        handshake_timeout: \(handshakeTimeout)
    \(ping.map { "    ping: \($0)" } ?? "")

    """
}

extension InProcessEndToEnd {
    /// Real sessions against the reference backend, one scenario of the spec each.
    @Suite(.timeLimit(.minutes(1)))
    struct SessionLifecycleTests {
        /// A healthy backend: every session reaches `receiving_data` and messages are counted.
        @Test func healthySessionsReceiveData() async throws {
            try await AgentHarness.scoped(AgentHarness(target: fastTarget(sessions: 3))) { harness in
                await harness.eventually("3 sessions receiving data") { harness.sessions("t", "receiving_data") == 3 }
                await harness.eventually("messages counted") {
                    (harness.metric("wshealth_messages_received_total") ?? 0) >= 6
                }
                #expect(harness.metric("wshealth_connection_failures_total", ["reason": "refused"]) == 0)
                #expect(harness.metric("wshealth_connection_success_ratio") == 1)
            }
        }

        /// By default the sessions offer permessage-deflate as a browser does, the backend (like
        /// uvicorn) agrees and compresses every message, and the messages are read as JSON; with
        /// `compression: none` nothing is offered and the same messages arrive uncompressed.
        @Test(arguments: [("", "permessage-deflate"), ("    compression: none\n", nil)] as [(String, String?)])
        func compressionIsNegotiatedByDefault(setting: String, agreed: String?) async throws {
            try await AgentHarness.scoped(AgentHarness(target: fastTarget() + setting)) { harness in
                await harness.eventually("messages counted") {
                    (harness.metric("wshealth_messages_received_total") ?? 0) >= 3
                }
                #expect(harness.metric("wshealth_message_errors_total", ["reason": "invalid_json"]) == 0)
                let snapshot = try #require(await harness.agent.targets.first?.snapshots().first)
                #expect(snapshot.extensions == agreed)
            }
        }

        /// The backend goes down: sessions reconnect with backoff and come back once it is up.
        @Test func backendDownAndBack() async throws {
            try await AgentHarness.scoped(
                AgentHarness(
                    target: fastTarget(reconnect: "{initial_delay: 100ms, max_delay: 200ms, max_attempts: 50}")
                )
            ) { harness in
                await harness.eventually("receiving data") { harness.sessions("t", "receiving_data") == 1 }
                try await harness.backend.apply(.down(duration: .milliseconds(800)))
                await harness.eventually("connection lost") {
                    (harness.metric("wshealth_disconnects_total", ["cause": "server_closed"]) ?? 0)
                        + (harness.metric("wshealth_disconnects_total", ["cause": "network_error"]) ?? 0) >= 1
                }
                await harness.eventually("refused while down") {
                    (harness.metric("wshealth_connection_failures_total", ["reason": "refused"]) ?? 0) >= 1
                }
                await harness.eventually("back to receiving data") {
                    harness.sessions("t", "receiving_data") == 1
                        && (harness.metric("wshealth_reconnect_duration_seconds_count") ?? 0) >= 1
                }
                #expect(harness.sessions("t", "error") == 0)
            }
        }

        /// An invalid token answered with HTTP 403 ends in `error` (that no attempt follows before
        /// `error_retry_after` is SessionEmbeddedTests', on the embedded loop's clock).
        @Test func authFailureHTTP403() async throws {
            try await AgentHarness.scoped(AgentHarness(target: fastTarget())) { harness in
                await harness.eventually("receiving data") { harness.sessions("t", "receiving_data") == 1 }
                try await harness.backend.apply(.refuseTokens(enabled: true))
                try await harness.backend.apply(.drop)
                await harness.eventually("error") { harness.sessions("t", "error") == 1 }
                #expect(harness.metric("wshealth_connection_failures_total", ["reason": "auth_failed"]) == 1)
            }
        }

        /// A close frame 1008 after the upgrade is an auth failure too: `error`, cause `auth_failed`.
        @Test func authFailureClose1008() async throws {
            try await AgentHarness.scoped(AgentHarness(target: fastTarget())) { harness in
                await harness.eventually("receiving data") { harness.sessions("t", "receiving_data") == 1 }
                try await harness.backend.apply(.authMode(.close1008))
                try await harness.backend.apply(.refuseTokens(enabled: true))
                try await harness.backend.apply(.drop)
                await harness.eventually("error") { harness.sessions("t", "error") == 1 }
                #expect(harness.metric("wshealth_disconnects_total", ["cause": "auth_failed"]) == 1)
            }
        }

        /// Nothing listening: 1 + max_attempts refused attempts, then `error` (max retries exceeded).
        @Test func nothingListening() async throws {
            let port = try refusingLoopbackPort()
            try await AgentHarness.scoped(AgentHarness(target: fastTarget(), backendPort: port)) { harness in
                await harness.eventually("error") { harness.sessions("t", "error") == 1 }
                #expect(harness.metric("wshealth_connection_attempts_total") == 4)
                #expect(harness.metric("wshealth_connection_failures_total", ["reason": "refused"]) == 4)
                #expect(harness.metric("wshealth_max_retries_exceeded_total") == 1)
                #expect(harness.metric("wshealth_connection_success_ratio") == 0)
                #expect(harness.metric("wshealth_handshake_success_ratio") == 0)
                // What a user reads is a sentence of ours naming the peer, not NIO's description.
                let snapshot = try #require(await harness.agent.targets.first?.snapshots().first)
                #expect(snapshot.lastFailureDetail == "connection refused by 127.0.0.1:\(port)")
            }
        }

        /// A non-JSON message is counted and the session stays.
        @Test func nonJSONMessageIsCounted() async throws {
            try await AgentHarness.scoped(AgentHarness(target: fastTarget())) { harness in
                await harness.eventually("receiving data") { harness.sessions("t", "receiving_data") == 1 }
                try await harness.backend.apply(.garbage)
                await harness.eventually("counted") {
                    harness.metric("wshealth_message_errors_total", ["reason": "invalid_json"]) == 1
                }
                #expect(harness.sessions("t", "receiving_data") == 1)
                #expect(harness.metric("wshealth_connection_attempts_total") == 1)
            }
        }
    }
}

/// A TCP port free now, for a server the test starts: bound, read, closed.
func freePort() throws -> Int {
    let (fd, port) = try boundLoopbackSocket(listening: false)
    close(fd)
    return port
}
