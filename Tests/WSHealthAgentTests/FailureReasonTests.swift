import Foundation
import Testing
import WSConnectionStateMachine
import WSHealthBackend
import WSHealthConfig

@testable import WSHealthAgent

extension InProcessEndToEnd {
    /// Every failure reason, disconnect cause and message error reason that no other suite drives end
    /// to end, each from a fault of the reference backend: the test asserts the counter that must
    /// move, and that no other series of its family moved.
    ///
    /// Driven elsewhere: failures `auth_failed`, `refused`, `timeout` and disconnects `server_closed`,
    /// `auth_failed`, `network_error` (ping timeout), and `invalid_json` in `SessionLifecycleTests`;
    /// `tls_failure` in `TLSTests`; `stale` in `TokenTests`. `dns_failure` stays unit-level
    /// (`ConnectionErrorClassifierTests`): resolving a name would send a query to the machine's
    /// resolver, which is not on loopback, and these tests never leave 127.0.0.1.
    ///
    /// Serialized: fourteen agent-and-backend pairs at once would load the machine enough to
    /// disturb the timing of other suites' handshakes.
    @Suite(.serialized, .timeLimit(.minutes(1)))
    struct FailureReasonTests {
        /// Enough attempts that a fault held for a while never ends in `error`.
        static let patient = "{initial_delay: 50ms, max_delay: 100ms, max_attempts: 1000}"

        /// An upgrade answered with 503 is `http_error`, and takes the reconnect path.
        @Test func rejectedUpgradeIsAnHTTPError() async throws {
            try await AgentHarness.scoped(AgentHarness(target: fastTarget(reconnect: Self.patient))) { harness in
                await harness.eventually("receiving data") { harness.sessions("t", "receiving_data") == 1 }
                try await harness.backend.apply(.rejectUpgrade(status: 503))
                try await harness.backend.apply(.drop)
                await harness.eventually("http_error counted") {
                    (harness.metric("wshealth_connection_failures_total", ["reason": "http_error"]) ?? 0) >= 1
                }
                #expect(harness.moved(.failures) == ["http_error"])
                #expect(harness.moved(.disconnects) == ["network_error"], "the drop")
                let snapshot = try #require(await harness.agent.targets.first?.snapshots().first)
                #expect(snapshot.lastFailure == .httpError)
                #expect(snapshot.lastFailureDetail == "HTTP 503 Service Unavailable")
                #expect(harness.sessions("t", "error") == 0)
                try await harness.backend.apply(.reset)
                await harness.eventually("back to receiving data") { harness.sessions("t", "receiving_data") == 1 }
            }
        }

        /// A handshake answered with a wrong accept value or with bytes that are not HTTP is a
        /// `protocol_error`; one the server hangs up on without an answer is a `network_error`.
        /// Each with its own sentence for the page and the API.
        @Test(arguments: [
            (
                BadHandshake.wrongAccept, ConnectionFailureReason.protocolError,
                "answered the upgrade with a wrong or missing Sec-WebSocket-Accept"
            ),
            (.notHTTP, .protocolError, "did not answer in HTTP"),
            (.hangUp, .networkError, "closed the connection during the handshake"),
        ])
        func brokenHandshake(kind: BadHandshake, reason: ConnectionFailureReason, detail: String) async throws {
            try await AgentHarness.scoped(AgentHarness(target: fastTarget(reconnect: Self.patient))) { harness in
                await harness.eventually("receiving data") { harness.sessions("t", "receiving_data") == 1 }
                try await harness.backend.apply(.badHandshake(kind))
                try await harness.backend.apply(.drop)
                await harness.eventually("\(reason.rawValue) counted") {
                    (harness.metric("wshealth_connection_failures_total", ["reason": reason.rawValue]) ?? 0) >= 1
                }
                #expect(harness.moved(.failures) == [reason.rawValue])
                #expect(harness.sessions("t", "error") == 0)
                let snapshot = try #require(await harness.agent.targets.first?.snapshots().first)
                #expect(snapshot.lastFailureDetail == "127.0.0.1:\(harness.backendPort) \(detail)")
                try await harness.backend.apply(.reset)
                await harness.eventually("back to receiving data") { harness.sessions("t", "receiving_data") == 1 }
            }
        }

        /// A connection dropped without a close frame is a `network_error` disconnect, then a reconnect.
        @Test func droppedConnectionIsANetworkError() async throws {
            try await AgentHarness.scoped(AgentHarness(target: fastTarget())) { harness in
                await harness.eventually("receiving data") { harness.sessions("t", "receiving_data") == 1 }
                try await harness.backend.apply(.drop)
                await harness.eventually("reconnected") {
                    harness.sessions("t", "receiving_data") == 1
                        && harness.metric("wshealth_connection_attempts_total") == 2
                }
                #expect(harness.metric("wshealth_disconnects_total", ["cause": "network_error"]) == 1)
                #expect(harness.moved(.disconnects) == ["network_error"])
                #expect(harness.moved(.failures) == [])
            }
        }

        /// Every kind of frame RFC 6455 (or RFC 7692) forbids ends the connection as
        /// `protocol_error`, counts no message error, shows the close code the agent answered with
        /// (1007 for text that is not UTF-8, 1002 otherwise) in the session's last failure detail,
        /// and the session reconnects; on connections with and without permessage-deflate.
        @Test(arguments: BadFrame.allCases, [true, false])
        func badFrameIsAProtocolError(kind: BadFrame, compressed: Bool) async throws {
            let target = fastTarget() + (compressed ? "" : "    compression: none\n")
            try await AgentHarness.scoped(AgentHarness(target: target)) { harness in
                await harness.eventually("receiving data") { harness.sessions("t", "receiving_data") == 1 }
                try await harness.backend.apply(.badFrame(kind))
                await harness.eventually("protocol_error counted") {
                    harness.metric("wshealth_disconnects_total", ["cause": "protocol_error"]) == 1
                }
                await harness.eventually("reconnected") {
                    harness.sessions("t", "receiving_data") == 1
                        && harness.metric("wshealth_connection_attempts_total") == 2
                }
                #expect(harness.moved(.disconnects) == ["protocol_error"])
                #expect(harness.moved(.messageErrors) == [])
                #expect(harness.moved(.failures) == [])
                let code = kind == .invalidUTF8 || kind == .invalidCloseReason ? 1007 : 1002
                let snapshot = try #require(await harness.agent.targets.first?.snapshots().first)
                #expect(
                    snapshot.lastFailureDetail?.hasPrefix("closed with \(code): ") == true,
                    "\(snapshot.lastFailureDetail ?? "nil")"
                )
            }
        }

        /// A message of exactly `max_message_bytes` is taken; one byte more is `too_large`, and the
        /// connection ends as `protocol_error` (close 1009), then reconnects.
        @Test func oversizeMessageIsTooLarge() async throws {
            try await AgentHarness.scoped(
                AgentHarness(
                    target: fastTarget(expect: "{interval: 100ms, max_message_bytes: 1024}")
                )
            ) { harness in
                await harness.eventually("receiving data") { harness.sessions("t", "receiving_data") == 1 }
                // The garbage after it arrives on the same connection only if the 1024 bytes were taken.
                try await harness.backend.apply(.oversize(bytes: 1_024))
                try await harness.backend.apply(.garbage)
                await harness.eventually("garbage counted") {
                    harness.metric("wshealth_message_errors_total", ["reason": "invalid_json"]) == 1
                }
                #expect(harness.moved(.messageErrors) == ["invalid_json"])
                #expect(harness.moved(.disconnects) == [])

                try await harness.backend.apply(.oversize(bytes: 1_025))
                await harness.eventually("too_large counted") {
                    harness.metric("wshealth_message_errors_total", ["reason": "too_large"]) == 1
                        && harness.metric("wshealth_disconnects_total", ["cause": "protocol_error"]) == 1
                }
                #expect(harness.moved(.messageErrors) == ["invalid_json", "too_large"])
                #expect(harness.moved(.disconnects) == ["protocol_error"])
                await harness.eventually("reconnected") {
                    harness.sessions("t", "receiving_data") == 1
                        && harness.metric("wshealth_connection_attempts_total") == 2
                }
            }
        }

        /// A message the sessions together have no room for (`--messages.max-buffered-bytes`
        /// below it, `max_message_bytes` above) is refused before it is buffered: the connection
        /// ends as `resource_exhausted` (close 1009, the agent's fault, not a protocol error),
        /// the refusal is counted, nothing stays reserved, and the session reconnects.
        @Test func messageWithoutRoomInTheBuffersIsRefused() async throws {
            try await AgentHarness.scoped(
                AgentHarness(
                    // Uncompressed: compressed, the backend's message (one repeated byte)
                    // would arrive whole in one read and need no buffer at all.
                    target: fastTarget(expect: "{interval: 100ms, max_message_bytes: 1048576}")
                        + "    compression: none\n",
                    maxBufferedBytes: 100_000
                )
            ) { harness in
                await harness.eventually("receiving data") { harness.sessions("t", "receiving_data") == 1 }
                #expect(harness.metric("wshealth_message_buffer_limit_bytes") == 100_000)
                // Larger than one read (64 KiB): it cannot arrive whole, so it must be buffered.
                try await harness.backend.apply(.oversize(bytes: 300_000))
                await harness.eventually("refused") {
                    harness.metric("wshealth_message_buffer_refusals_total") == 1
                        && harness.metric("wshealth_disconnects_total", ["cause": "resource_exhausted"]) == 1
                }
                #expect(harness.moved(.disconnects) == ["resource_exhausted"])
                #expect(harness.moved(.messageErrors) == [])
                let detail = await harness.agent.targets.first?.snapshots().first?.lastFailureDetail
                #expect(detail?.contains("no room in the agent's message buffers") == true, "\(detail ?? "nil")")
                await harness.eventually("reconnected, nothing reserved") {
                    harness.sessions("t", "receiving_data") == 1
                        && harness.metric("wshealth_connection_attempts_total") == 2
                        && harness.metric("wshealth_message_buffer_bytes") == 0
                }
            }
        }

        /// A binary message is `unexpected_binary`; the session stays connected.
        @Test func binaryMessageIsUnexpected() async throws {
            try await AgentHarness.scoped(AgentHarness(target: fastTarget())) { harness in
                await harness.eventually("receiving data") { harness.sessions("t", "receiving_data") == 1 }
                try await harness.backend.apply(.binary)
                await harness.eventually("unexpected_binary counted") {
                    harness.metric("wshealth_message_errors_total", ["reason": "unexpected_binary"]) == 1
                }
                #expect(harness.moved(.messageErrors) == ["unexpected_binary"])
                #expect(harness.moved(.disconnects) == [])
                #expect(harness.sessions("t", "receiving_data") == 1)
                #expect(harness.metric("wshealth_connection_attempts_total") == 1)
            }
        }

        /// The agent's shutdown closes every open session as `user_action`, which starts no
        /// reconnection time.
        @Test func shutdownIsAUserAction() async throws {
            try await AgentHarness.scoped(AgentHarness(target: fastTarget(sessions: 2))) { harness in
                await harness.eventually("receiving data") { harness.sessions("t", "receiving_data") == 2 }
                await harness.shutdown()
                #expect(harness.metric("wshealth_disconnects_total", ["cause": "user_action"]) == 2)
                #expect(harness.moved(.disconnects) == ["user_action"])
                #expect(harness.metric("wshealth_reconnect_duration_seconds_count") == 0)
                #expect(harness.sessions("t", "disconnected") == 2)
            }
        }

        /// A target removed by a reload stops its sessions as `user_action`. Its series go with it
        /// (by design), so the cause is read where `/api/v1/targets` reads it; the kept target is
        /// not disturbed.
        @Test func removedTargetIsAUserAction() async throws {
            try await AgentHarness.scoped(AgentHarness(target: fastTarget(name: "kept") + fastTarget(name: "gone"))) {
                harness in
                await harness.eventually("both receiving data") {
                    harness.sessions("kept", "receiving_data") == 1 && harness.sessions("gone", "receiving_data") == 1
                }
                let gone = try #require(harness.agent.targets.first { $0.configuration.name == "gone" })
                try harness.rewriteConfiguration(target: fastTarget(name: "kept"))
                let outcome = await harness.agent.reload()
                #expect(outcome.removed == 1)
                let snapshots = await gone.snapshots()
                #expect(snapshots.map(\.lastDisconnect) == [.userAction])
                #expect(snapshots.map(\.state) == [.disconnected])
                #expect(
                    harness.metric("wshealth_disconnects_total", ["target": "gone", "cause": "user_action"]) == nil
                )
                #expect(harness.moved(.disconnects, target: "kept") == [])
                #expect(harness.metric("wshealth_connection_attempts_total", ["target": "kept"]) == 1)
            }
        }
    }
}

/// A counter family with one label whose values are all known.
struct CounterFamily {
    let name: String
    let label: String
    let values: [String]

    /// `wshealth_connection_failures_total{reason}`.
    static let failures = CounterFamily(
        name: "wshealth_connection_failures_total",
        label: "reason",
        values: ConnectionFailureReason.allCases.map(\.rawValue)
    )
    /// `wshealth_disconnects_total{cause}`.
    static let disconnects = CounterFamily(
        name: "wshealth_disconnects_total",
        label: "cause",
        values: DisconnectCause.allCases.map(\.rawValue)
    )
    /// `wshealth_message_errors_total{reason}`.
    static let messageErrors = CounterFamily(
        name: "wshealth_message_errors_total",
        label: "reason",
        values: MessageErrorReason.allCases.map(\.rawValue)
    )
}

extension AgentHarness {
    /// The label values of `family` whose counter for `target` is no longer 0.
    func moved(_ family: CounterFamily, target: String = "t") -> Set<String> {
        Set(family.values.filter { (self.metric(family.name, ["target": target, family.label: $0]) ?? 0) > 0 })
    }
}
