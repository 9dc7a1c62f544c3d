import Testing
import WSHealthConfig

/// The exporter toolkit's web configuration file.
struct WebConfigurationTests {
    static let hash = "$2y$10$" + String(repeating: "a", count: 53)

    /// TLS and users decode.
    @Test func fullFile() throws {
        let configuration = try WebConfiguration.parse(
            yaml: """
                tls_server_config: {cert_file: /etc/tls.crt, key_file: /etc/tls.key}
                basic_auth_users:
                  prometheus: '\(Self.hash)'
                """
        )
        #expect(configuration.tlsServer == .init(certFile: "/etc/tls.crt", keyFile: "/etc/tls.key"))
        #expect(configuration.basicAuthUsers == ["prometheus": Self.hash])
    }

    /// An empty file means plain HTTP without authentication.
    @Test func emptyFile() throws {
        #expect(try WebConfiguration.parse(yaml: "") == WebConfiguration())
    }

    /// Every problem, with its key path; hashes and passwords are never echoed.
    @Test func problems() {
        do {
            _ = try WebConfiguration.parse(
                yaml: """
                    tls_server_config: {cert_file: /etc/tls.crt, min_versio: TLS13}
                    basic_auth_users: {alice: plaintext-password}
                    http_server_config: {}
                    """
            )
            Issue.record("accepted a broken file")
        } catch {
            #expect(
                error.messages == [
                    "tls_server_config.key_file: is required",
                    "tls_server_config.min_versio: unknown key",
                    "basic_auth_users.alice: must be a bcrypt hash ($2a$, $2b$ or $2y$), got <redacted>",
                    "http_server_config: unknown key",
                ]
            )
            #expect(!error.description.contains("plaintext-password"))
        }
    }
}
