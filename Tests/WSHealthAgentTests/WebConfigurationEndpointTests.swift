import Foundation
import HummingbirdBcrypt
import Testing
import WSHealthTestCertificates
import WSHealthTestReceiver

extension InProcessEndToEnd {
    /// `--web.config.file` end to end: the `wshealth` binary serves its endpoints over TLS with a
    /// certificate made in the test, behind basic authentication with a real bcrypt hash; curl is
    /// the client, as an operator's probe would be.
    @Suite(.timeLimit(.minutes(1)))
    struct WebConfigurationEndpointTests {
        static let user = "prometheus"
        static let password = "correct horse battery staple"

        @Test func tlsAndBasicAuthProtectEveryEndpoint() async throws {
            let certificates = try TestCertificates.make()
            defer { certificates.remove() }
            let webConfig = """
                tls_server_config:
                  cert_file: \(certificates.certificateChainFile)
                  key_file: \(certificates.privateKeyFile)
                basic_auth_users:
                  \(Self.user): '\(Bcrypt.hash(Self.password, cost: 4))'
                """
            let webPort = try freePort()
            let base = "https://127.0.0.1:\(webPort)"
            try await withTemporaryFile(webConfig) { webConfigPath in
                try await withTemporaryFile(
                    "targets: [{name: a, url: 'ws://127.0.0.1:\(try refusingLoopbackPort())/x'}]"
                ) {
                    path in
                    let process = Process()
                    process.executableURL = try wshealthBinary()
                    process.arguments = [
                        "run", "--config.file=\(path)", "--web.listen-address=127.0.0.1:\(webPort)",
                        "--web.config.file=\(webConfigPath)",
                    ]
                    process.standardError = FileHandle.nullDevice
                    try process.run()
                    defer {
                        if process.isRunning { process.terminate() }
                        process.waitUntilExit()
                    }
                    let client = Curl(caFile: certificates.caFile)
                    let authorized = "\(Self.user):\(Self.password)"
                    #expect(try await client.status("\(base)/-/ready", user: authorized, within: .seconds(15)) == 200)
                    for endpoint in ["/metrics", "/", "/api/v1/targets", "/-/healthy"] {
                        #expect(
                            try await client.status(base + endpoint, user: nil) == 401,
                            "\(endpoint) without credentials"
                        )
                        #expect(
                            try await client.status(base + endpoint, user: "\(Self.user):wrong") == 401,
                            "\(endpoint) with a wrong password"
                        )
                        #expect(try await client.status(base + endpoint, user: authorized) == 200, "\(endpoint)")
                    }
                    #expect(try await client.status("\(base)/metrics", user: "nobody:\(Self.password)") == 401)
                    // Plain HTTP on the TLS port gets no answer, and an unknown CA is refused.
                    #expect(try await client.status("http://127.0.0.1:\(webPort)/metrics", user: authorized) == nil)
                    #expect(try await Curl(caFile: nil).status("\(base)/metrics", user: authorized) == nil)
                }
            }
        }
    }
}

/// curl with a CA file, printing only the status code; nil when no HTTP answer came.
private struct Curl {
    let caFile: String?

    func status(_ url: String, user: String?, within timeout: Duration = .zero) async throws -> Int? {
        var arguments = ["-s", "-o", "/dev/null", "-w", "%{http_code}", "--max-time", "5"]
        if let caFile { arguments += ["--cacert", caFile] }
        if let user { arguments += ["-u", user] }
        let deadline = ContinuousClock.now + timeout
        while true {
            let (_, output) = try await runTool(URL(fileURLWithPath: "/usr/bin/curl"), arguments + [url], input: "")
            if let code = Int(output), code != 0 { return code }
            if ContinuousClock.now >= deadline { return nil }
            try await Task.sleep(for: .milliseconds(50))
        }
    }
}
