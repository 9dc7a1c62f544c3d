import Testing

@testable import WSHealthBackend

@Suite struct ReferenceBackendConfigurationTests {
    private static let secret = Array("a-configuration-test-secret-of-32+bytes".utf8)

    /// The defaults are the spec's backend: port 8000, /api/ws/metrics, every 5 s, admin on loopback.
    @Test func defaultsMatchTheSpec() throws {
        let configuration = ReferenceBackendConfiguration(jwtSecret: Self.secret)
        #expect(configuration.host == "127.0.0.1")
        #expect(configuration.port == 8000)
        #expect(configuration.adminHost == "127.0.0.1")
        #expect(configuration.adminPort == 8001)
        #expect(configuration.path == "/api/ws/metrics")
        #expect(configuration.interval == .seconds(5))
        try configuration.validate()
    }

    /// An admin host that is not loopback is rejected with a message naming the key and the value.
    @Test(arguments: [
        "0.0.0.0", "192.168.1.10", "10.0.0.1", "::", "example.com", "128.0.0.1", "127.0.0", "127.0.0.256",
    ])
    func nonLoopbackAdminHostIsRejected(host: String) {
        let configuration = ReferenceBackendConfiguration(adminHost: host, jwtSecret: Self.secret)
        #expect(throws: ReferenceBackendError.self) { try configuration.validate() }
        do {
            try configuration.validate()
        } catch {
            #expect(error.isInvalidConfiguration)
            #expect(error.description.contains("adminHost: must be a loopback address"))
            #expect(error.description.contains("\"\(host)\""))
        }
    }

    /// Loopback admin hosts are accepted: 127.0.0.0/8, ::1 and localhost.
    @Test(arguments: ["127.0.0.1", "127.1.2.3", "localhost", "LOCALHOST", "::1"])
    func loopbackAdminHostIsAccepted(host: String) throws {
        try ReferenceBackendConfiguration(adminHost: host, jwtSecret: Self.secret).validate()
    }

    /// Other bad fields are named in the error.
    @Test func otherBadFieldsAreNamed() {
        let cases: [(ReferenceBackendConfiguration, String)] = [
            (
                ReferenceBackendConfiguration(port: 70_000, jwtSecret: Self.secret),
                "port: must be between 0 and 65535, got 70000"
            ),
            (
                ReferenceBackendConfiguration(adminPort: -1, jwtSecret: Self.secret),
                "adminPort: must be between 0 and 65535, got -1"
            ),
            (ReferenceBackendConfiguration(path: "api", jwtSecret: Self.secret), "path: must start with"),
            (ReferenceBackendConfiguration(interval: .zero, jwtSecret: Self.secret), "interval: must be positive"),
            (
                ReferenceBackendConfiguration(jwtSecret: Array("short".utf8)),
                "jwtSecret: must be at least 32 bytes for HS256, got 5"
            ),
        ]
        for (configuration, message) in cases {
            do {
                try configuration.validate()
                Issue.record("expected \(message)")
            } catch {
                #expect(error.description.contains(message))
            }
        }
    }

    /// The description never shows the secret.
    @Test func descriptionRedactsTheSecret() {
        let configuration = ReferenceBackendConfiguration(jwtSecret: Array("top-secret-value-top-secret-value".utf8))
        #expect(!"\(configuration)".contains("top-secret"))
        #expect("\(configuration)".contains("<redacted>"))
    }

    /// A backend with a non-loopback admin host refuses to run, and says why.
    @Test func runRejectsNonLoopbackAdminHost() async throws {
        let backend = ReferenceBackend(
            configuration: ReferenceBackendConfiguration(
                port: 0,
                adminHost: "0.0.0.0",
                adminPort: 0,
                jwtSecret: Self.secret
            )
        )
        await #expect(throws: ReferenceBackendError.self) { try await backend.run() }
        await #expect(throws: ReferenceBackendError.self) { try await backend.boundAddresses() }
    }

    /// Minting a token with a key too short for HS256 fails instead of tripping jwt-kit's assertion.
    @Test func tokenWithShortSecretIsRejected() async {
        await #expect(throws: ReferenceBackendError.self) {
            _ = try await BackendToken.make(subject: "tester", secret: Array("short".utf8))
        }
    }
}
