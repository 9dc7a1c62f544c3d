import Foundation
import Testing
import WSConnectionStateMachine
import WSHealthBackend
import WSHealthTestCertificates
import WSHealthTestReceiver

@testable import WSHealthAgent

extension ExternalProcesses {
    /// `wshealth probe` run as an operator runs it, against the reference backend: every verdict
    /// with its exit code and JSON document, and secrets redacted from what it prints.
    @Suite(.serialized, .timeLimit(.minutes(2)))
    struct ProbeTests {
        /// Runs the probe; returns its exit status and its JSON document.
        static func probe(_ arguments: [String]) async throws -> (status: Int32, report: [String: Any]) {
            try Self.parse(try await runWSHealth(["probe", "--format=json"] + arguments))
        }

        static func parse(_ result: (Int32, String)) throws -> (status: Int32, report: [String: Any]) {
            let report = try JSONSerialization.jsonObject(with: Data(result.1.utf8)) as? [String: Any]
            return (result.0, try #require(report, "not a JSON document: \(result.1)"))
        }

        static func steps(_ report: [String: Any], _ kind: String) -> [[String]] {
            (report["steps"] as? [[String: Any]] ?? []).filter { $0["step"] as? String == kind }.compactMap {
                $0["lines"] as? [String]
            }
        }

        /// The probe of the harness's target `t`, after `fault`.
        static func probe(
            _ harness: AgentHarness,
            after fault: BackendFault? = nil,
            duration: String = "5s"
        ) async throws -> (status: Int32, report: [String: Any]) {
            try await harness.backend.apply(.reset)
            if let fault { try await harness.backend.apply(fault) }
            return try await Self.probe(
                ["--config.file=\(harness.configurationFile.path)", "--target=t", "--duration=\(duration)"]
            )
        }

        /// A healthy target: the steps in order, the token redacted, verdict `ok`, exit 0.
        @Test func healthyTarget() async throws {
            try await AgentHarness.scoped(AgentHarness(target: fastTarget())) { harness in
                let (status, report) = try await Self.probe(harness)
                #expect(status == 0)
                #expect(report["verdict"] as? String == "ok" && report["exit_code"] as? Int == 0)
                let kinds = (report["steps"] as? [[String: Any]] ?? []).compactMap { $0["step"] as? String }
                #expect(Array(kinds.prefix(5)) == ["state", "tcp", "request", "response", "state"])
                #expect(kinds.filter { $0 == "message" }.count == 3, "three valid messages by default")
                let request = try #require(Self.steps(report, "request").first)
                #expect(request.first?.hasPrefix("GET /api/ws/metrics?token=<redacted> HTTP/1.1") == true)
                #expect(request.contains("Sec-WebSocket-Version: 13"))
                #expect(Self.steps(report, "response").first?.first == "HTTP/1.1 101 Switching Protocols")
                let token = try await harness.validToken()
                let everything = String(decoding: try JSONSerialization.data(withJSONObject: report), as: UTF8.self)
                #expect(!everything.contains(token.prefix(20)), "the token leaked")
            }
        }

        /// Over TLS: the protocol version and the server certificate's subject and expiry.
        @Test func tlsDetails() async throws {
            let target = fastTarget(handshakeTimeout: "10s") + "    tls: {ca_file: CA_FILE}\n"
            try await AgentHarness.scoped(AgentHarness(target: target, tls: .localhostAndLoopbackIP)) { harness in
                let (status, report) = try await Self.probe(harness)
                #expect(status == 0, "\(report)")
                let tls = try #require(Self.steps(report, "tls").first)
                let tls13Suites = ["TLS_AES_128_GCM_SHA256", "TLS_AES_256_GCM_SHA384", "TLS_CHACHA20_POLY1305_SHA256"]
                #expect(tls13Suites.contains { tls.first == "TLS 1.3, \($0), ALPN none" }, "\(tls)")
                #expect(tls.contains { $0.hasPrefix("certificate: subject ") && $0.contains("SAN ") }, "\(tls)")
                #expect(tls.contains { $0.hasPrefix("expires: ") && $0.contains(" days)") }, "\(tls)")
            }
        }

        /// Every way the handshake fails, with its own verdict and exit code.
        @Test func failedHandshakes() async throws {
            try await AgentHarness.scoped(AgentHarness(target: fastTarget(handshakeTimeout: "1s"))) { harness in
                let cases: [(BackendFault, String, Int32)] = [
                    (.refuseTokens(enabled: true), "auth_failed", 10),
                    (.slowHandshake(delay: .seconds(3)), "timeout", 12),
                    (.rejectUpgrade(status: 503), "http_error", 15),
                    (.badHandshake(.hangUp), "network_error", 16),
                    (.badHandshake(.wrongAccept), "protocol_error", 17),
                ]
                for (fault, verdict, code) in cases {
                    let (status, report) = try await Self.probe(harness, after: fault)
                    #expect(status == code, "\(fault)")
                    #expect(report["verdict"] as? String == verdict, "\(fault)")
                    #expect(report["exit_code"] as? Int == Int(code), "\(fault)")
                }
                let refused = try await Self.probe(harness, after: .refuseTokens(enabled: true)).report
                #expect(Self.steps(refused, "response").first?.first == "HTTP/1.1 403 Forbidden")
                #expect(Self.steps(refused, "state").contains { $0.contains("failed: auth_failed (HTTP 403)") })
            }
        }

        /// What happens after the upgrade: no data, a server's close with its code, a message
        /// that is not JSON, a message larger than the probe's `--messages.max-buffered-bytes`.
        /// The backend sends nothing on its own here (an hour's interval).
        @Test func afterTheUpgrade() async throws {
            try await AgentHarness.scoped(
                AgentHarness(
                    interval: .seconds(3600),
                    // Uncompressed: compressed, the backend's large message (one repeated byte)
                    // would arrive whole in one read and need no buffer at all.
                    target: fastTarget(expect: "{interval: 10s, max_message_bytes: 1000000}")
                        + "    compression: none\n"
                )
            ) { harness in
                let silent = try await Self.probe(harness, duration: "500ms")
                #expect(silent.status == 19 && silent.report["verdict"] as? String == "no_data")

                for (fault, verdict, code) in [
                    (BackendFault.close(code: 1011, reason: "maintenance"), "server_closed", Int32(18)),
                    (BackendFault.garbage, "invalid_data", Int32(20)),
                    // Larger than one read, so it must be buffered: no room in 100 kB.
                    (BackendFault.oversize(bytes: 300_000), "resource_exhausted", Int32(22)),
                ] {
                    try await harness.backend.apply(.reset)
                    // The agent's own session, closed by the previous fault too, is back first:
                    // the next connection the backend counts is the probe's.
                    await harness.eventually("the agent's session connected") {
                        harness.sessions("t", "connected") == 1
                    }
                    let before = await harness.backend.status().connectedClients
                    let arguments = [
                        "probe", "--format=json", "--config.file=\(harness.configurationFile.path)", "--target=t",
                        "--messages.max-buffered-bytes=100000",
                    ]
                    let probe = Task { try await runWSHealth(arguments + ["--duration=3s"]) }
                    // Bounded: 10 s at most, then the fault goes anyway and the verdict tells.
                    for _ in 0..<400 where await harness.backend.status().connectedClients <= before {
                        try await Task.sleep(for: .milliseconds(25))
                    }
                    try await harness.backend.apply(fault)
                    let (status, report) = try Self.parse(try await probe.value)
                    #expect(status == code, "\(fault)")
                    #expect(report["verdict"] as? String == verdict, "\(fault)")
                    if verdict == "server_closed" {
                        #expect(report["detail"] as? String == "closed with 1011: maintenance")
                    }
                    if verdict == "resource_exhausted" {
                        #expect(
                            report["detail"] as? String
                                == "closed with 1009: no room in the agent's message buffers for 300010 bytes "
                                + "(--messages.max-buffered-bytes)"
                        )
                    }
                }
            }
        }

        /// A conversation whose opening is not answered: upgraded, then `conversation_failed`
        /// with the step named, as the agent's sessions fail it.
        @Test func unansweredOpening() async throws {
            let target =
                fastTarget(expect: "{interval: 10s}")
                + "    on_open: [{send: hello, await: {match: {pointer: /type, equals: welcome}, timeout: 300ms}}]\n"
            try await AgentHarness.scoped(AgentHarness(interval: .seconds(3600), target: target)) { harness in
                let (status, report) = try await Self.probe(harness)
                #expect(status == 21 && report["verdict"] as? String == "conversation_failed", "\(report)")
                #expect(report["exit_code"] as? Int == 21)
                #expect(report["detail"] as? String == "no reply to on_open step 1 within 300ms", "\(report)")
                #expect(Self.steps(report, "response").first?.first == "HTTP/1.1 101 Switching Protocols")
            }
        }

        /// A URL instead of a configured target: refused, unknown host, TLS against a plain
        /// server; and the usage errors (64).
        @Test func urlsAndUsage() async throws {
            let port = try refusingLoopbackPort()
            let refused = try await Self.probe(["ws://127.0.0.1:\(port)/x"])
            #expect(refused.status == 11 && refused.report["verdict"] as? String == "refused")
            let unknown = try await Self.probe(["ws://no-such-host.invalid:8000/x", "--duration=5s"])
            #expect(unknown.status == 13 && unknown.report["verdict"] as? String == "dns_failure")
            try await AgentHarness.scoped(AgentHarness(target: fastTarget())) { harness in
                let tls = try await Self.probe(["wss://127.0.0.1:\(harness.backendPort)/api/ws/metrics"])
                #expect(tls.status == 14 && tls.report["verdict"] as? String == "tls_failure")
                let header = try await Self.probe([
                    "ws://127.0.0.1:\(harness.backendPort)/api/ws/metrics", "--header=X-Api-Key: hunter2",
                    "--origin=https://dashboard.example", "--duration=1s",
                ])
                #expect(header.status == 10, "no token: refused")
                let request = Self.steps(header.report, "request").first ?? []
                #expect(request.contains("X-Api-Key: <redacted>"))
                #expect(request.contains("Origin: https://dashboard.example"))
            }
            let starved = try await runWSHealth(
                ["probe", "ws://127.0.0.1:1/"],
                includingStandardError: true,
                limits: ["--nofile=16:16"]
            )
            #expect(starved.0 == 22, "the probe's own shortage: resource_exhausted")
            #expect(starved.1.contains("the open-files limit is 16"), "\(starved.1)")
            #expect(try await runWSHealth(["probe"]).0 == 64)
            #expect(try await runWSHealth(["probe", "ws://127.0.0.1:1/", "--duration=0s"]).0 == 64)
            let (status, output) = try await runWSHealth(
                ["probe", "--config.file=/nonexistent.yml", "--target=t"],
                includingStandardError: true
            )
            #expect(status == 64 && output.contains("/nonexistent.yml"))
        }
    }
}

/// The probe's verdicts name failures as the metrics do, and keep their exit codes.
struct ProbeVerdictTests {
    @Test func everyFailureReasonIsAVerdictOfItsName() {
        for reason in ConnectionFailureReason.allCases {
            #expect(ProbeVerdict(reason).rawValue == reason.rawValue)
        }
    }

    @Test func exitCodes() {
        let codes = Dictionary(uniqueKeysWithValues: ProbeVerdict.allCases.map { ($0.rawValue, $0.exitCode) })
        #expect(codes["ok"] == 0 && codes["auth_failed"] == 10 && codes["invalid_data"] == 20)
        #expect(Set(codes.values).count == ProbeVerdict.allCases.count, "one code per verdict")
    }
}
