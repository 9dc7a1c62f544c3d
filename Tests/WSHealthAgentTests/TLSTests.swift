import Testing
import WSHealthTestCertificates

@testable import WSHealthAgent

/// The target of `fastTarget()` with a `tls:` section, if any; `CA_FILE` is the harness's test CA.
/// A generous handshake timeout: a TLS handshake on a loaded machine must fail as what it is,
/// never as `timeout`.
private func tlsTarget(_ tls: String? = nil) -> String {
    fastTarget(handshakeTimeout: "10s") + (tls.map { "    tls: \($0)\n" } ?? "")
}

extension InProcessEndToEnd {
    /// `wss://` targets against the reference backend serving TLS with the certificate of a
    /// throwaway CA. NIOSSL accepts a certificate whose IP address entry matches the connected
    /// address whatever name it expected, so the tests of name checks use a certificate that names
    /// only `localhost`.
    @Suite(.timeLimit(.minutes(1)))
    struct TLSTests {
        /// `wss://127.0.0.1` verified with the test CA: an IP address is never sent as SNI (NIOSSL
        /// would refuse it), and the certificate is checked against its IP address entry.
        @Test func ipAddressVerifiedWithCA() async throws {
            try await AgentHarness.scoped(
                AgentHarness(target: tlsTarget("{ca_file: CA_FILE}"), tls: .localhostAndLoopbackIP)
            ) { harness in
                await Self.expectReceivingData(harness)
            }
        }

        /// `wss://localhost` verified with the test CA: the host name is sent as SNI and is what the
        /// certificate is checked against (it has no IP address entry to fall back on).
        @Test func hostNameVerifiedWithCA() async throws {
            try await AgentHarness.scoped(
                AgentHarness(
                    target: tlsTarget("{ca_file: CA_FILE}"),
                    tls: .localhostOnly,
                    urlHost: "localhost"
                )
            ) { harness in
                await Self.expectReceivingData(harness)
            }
        }

        /// `server_name` replaces an IP address host for SNI and verification.
        @Test func serverNameReplacesTheHost() async throws {
            try await AgentHarness.scoped(
                AgentHarness(
                    target: tlsTarget("{ca_file: CA_FILE, server_name: localhost}"),
                    tls: .localhostOnly
                )
            ) { harness in
                await Self.expectReceivingData(harness)
            }
        }

        /// Without `ca_file` the system trust store does not know the test CA: every attempt is a
        /// `tls_failure`, no session gets past the handshake, and the retries run out.
        @Test func unknownCAIsATLSFailure() async throws {
            try await AgentHarness.scoped(AgentHarness(target: tlsTarget(), tls: .localhostAndLoopbackIP)) { harness in
                await Self.expectOnlyTLSFailures(harness)
            }
        }

        /// `insecure_skip_verify` accepts a certificate nobody vouches for.
        @Test func insecureSkipVerifyAcceptsAnyCertificate() async throws {
            try await AgentHarness.scoped(
                AgentHarness(
                    target: tlsTarget("{insecure_skip_verify: true}"),
                    tls: .localhostAndLoopbackIP
                )
            ) { harness in
                await Self.expectReceivingData(harness)
            }
        }

        /// A `server_name` the certificate does not hold fails verification even with the right CA,
        /// and counts as `tls_failure`, not as a network error.
        @Test func wrongServerNameIsATLSFailure() async throws {
            try await AgentHarness.scoped(
                AgentHarness(
                    target: tlsTarget("{ca_file: CA_FILE, server_name: wrong.example}"),
                    tls: .localhostOnly
                )
            ) { harness in
                await Self.expectOnlyTLSFailures(harness)
            }
        }

        private static func expectReceivingData(
            _ harness: AgentHarness,
            sourceLocation: SourceLocation = #_sourceLocation
        ) async {
            await harness.eventually("receiving data over TLS", sourceLocation: sourceLocation) {
                harness.sessions("t", "receiving_data") == 1
                    && (harness.metric("wshealth_messages_received_total") ?? 0) >= 1
            }
            #expect(
                harness.metric("wshealth_connection_failures_total", ["reason": "tls_failure"]) == 0,
                sourceLocation: sourceLocation
            )
        }

        /// Waits for the session to give up (1 + 3 attempts, all `tls_failure`) and checks that it
        /// never reached `connected`, let alone `receiving_data`.
        private static func expectOnlyTLSFailures(
            _ harness: AgentHarness,
            sourceLocation: SourceLocation = #_sourceLocation
        ) async {
            await harness.eventually("retries exhausted", sourceLocation: sourceLocation) {
                harness.sessions("t", "error") == 1
            }
            #expect(harness.metric("wshealth_connection_attempts_total") == 4, sourceLocation: sourceLocation)
            #expect(
                harness.metric("wshealth_connection_failures_total", ["reason": "tls_failure"]) == 4,
                sourceLocation: sourceLocation
            )
            #expect(harness.sessions("t", "receiving_data") == 0, sourceLocation: sourceLocation)
            #expect(
                harness.metric("wshealth_state_transitions_total", ["to": "connected"]) == 0,
                sourceLocation: sourceLocation
            )
            #expect(harness.metric("wshealth_connection_success_ratio") == 0, sourceLocation: sourceLocation)
        }
    }
}
