import NIOHTTP1
import NIOSSL
import Testing
import WSHealthBackend
import WSHealthTestCertificates

@Suite(.timeLimit(.minutes(1)))
struct TLSListenerTests {
    /// A TLS backend upgrades a client that verifies it against the test CA, by DNS name (SNI)
    /// and by IP address (no SNI), and sends it metrics; the admin listener stays plain HTTP.
    @Test func servesVerifyingClients() async throws {
        let certificates = try TestCertificates.make()
        defer { certificates.remove() }
        let tls = try BackendTLS(
            certificateChainFile: certificates.certificateChainFile,
            privateKeyFile: certificates.privateKeyFile
        )
        try await RunningBackend.with(tls: tls) { running in
            var configuration = TLSConfiguration.makeClientConfiguration()
            configuration.trustRoots = .file(certificates.caFile)
            let context = try NIOSSLContext(configuration: configuration)
            for serverHostname in [TestCertificates.dnsName, nil] {
                let client = try await TestWebSocketClient.connect(
                    to: running.addresses.websocket,
                    token: try await running.token(),
                    tls: context,
                    serverHostname: serverHostname
                )
                #expect(try await client.nextEvent() == .upgraded)
                let message = try await client.nextEvent()
                guard case .text(let text) = message, text.contains("\"active_connections\"") else {
                    Issue.record("expected a metrics message over TLS, got \(message)")
                    return
                }
                await client.close()
            }
            #expect(try await running.admin(.GET, "/status").status == 200)
        }
    }

    /// A client that does not speak TLS is never upgraded: the connection just closes.
    @Test func plainClientIsNotUpgraded() async throws {
        let certificates = try TestCertificates.make()
        defer { certificates.remove() }
        let tls = try BackendTLS(
            certificateChainFile: certificates.certificateChainFile,
            privateKeyFile: certificates.privateKeyFile
        )
        try await RunningBackend.with(tls: tls) { running in
            let client = try await running.connect()
            #expect(try await client.nextEvent() == .closed)
            #expect(await running.backend.status().handshakesAccepted == 0)
        }
    }

    /// A private key that does not belong to the certificate is a configuration error, named as
    /// such, before anything is bound.
    @Test func mismatchedKeyIsRejected() throws {
        let certificates = try TestCertificates.make()
        let other = try TestCertificates.make()
        defer {
            certificates.remove()
            other.remove()
        }
        let tls = try BackendTLS(
            certificateChainFile: certificates.certificateChainFile,
            privateKeyFile: other.privateKeyFile
        )
        let configuration = ReferenceBackendConfiguration(
            port: 0,
            adminPort: 0,
            jwtSecret: RunningBackend.secret,
            tls: tls
        )
        #expect {
            try configuration.validate()
        } throws: { error in
            (error as? ReferenceBackendError)?.isInvalidConfiguration == true && "\(error)".contains("tls:")
        }
    }

    /// Unreadable files are named in the error.
    @Test func missingFilesAreNamed() {
        #expect {
            _ = try BackendTLS(certificateChainFile: "/nonexistent/chain.pem", privateKeyFile: "/nonexistent/key.pem")
        } throws: { error in
            "\(error)".contains("/nonexistent/chain.pem")
        }
    }
}
