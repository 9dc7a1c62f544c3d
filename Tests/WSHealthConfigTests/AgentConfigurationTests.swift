import Foundation
import Testing
import WSHealthConfig

/// Decoding of valid configurations: every key, and every default.
struct AgentConfigurationTests {
    /// The environment the tests decode against.
    static let environment = ["WS_TOKEN": "env-s3cret-token"]

    /// A configuration that sets every key, in three targets with the three other token sources.
    static let fullExample = """
        targets:
          - name: dashboard
            url: ws://127.0.0.1:8000/api/ws/metrics
            sessions: 3
            token:
              file: /run/secrets/ws-token
              param: token
            expect:
              interval: 5s
              stale_after: 20s
              json: false
              max_message_bytes: 2048
              on_stale: reconnect
            handshake_timeout: 3s
            ping: {interval: 0s, timeout: 2s}
            reconnect: {initial_delay: 500ms, max_delay: 1m, max_attempts: 5, jitter: 0.25}
            error_retry_after: 0s
          - name: secure
            url: wss://metrics.example.com/api/ws/metrics
            token:
              jwt: {secret_file: /run/secrets/jwt-secret, algorithm: HS256, subject: probe, ttl: 1h30m}
              header: Authorization
            tls: {ca_file: /etc/ssl/ca.pem, insecure_skip_verify: true, server_name: metrics.internal}
          - name: from-env
            url: ws://h:9000/x?a=b
            token: {env: WS_TOKEN}
            expect: {interval: 2s}
          - name: literal
            url: wss://h/x
            token: {value: literal-s3cret-token, header: X-Token}
            tls: {server_name: ""}
        """

    /// Every key of the full example lands in the model.
    @Test func decodesFullExample() throws {
        let configuration = try AgentConfiguration.parse(yaml: Self.fullExample, environment: Self.environment)
        let expected = AgentConfiguration(targets: [
            TargetConfiguration(
                name: "dashboard",
                url: try #require(URL(string: "ws://127.0.0.1:8000/api/ws/metrics")),
                sessions: 3,
                token: TokenConfiguration(source: .file("/run/secrets/ws-token"), placement: .queryParameter("token")),
                expect: ExpectConfiguration(
                    interval: .seconds(5),
                    staleAfter: .seconds(20),
                    json: false,
                    maxMessageBytes: 2048,
                    onStale: .reconnect
                ),
                handshakeTimeout: .seconds(3),
                ping: PingConfiguration(interval: nil, timeout: .seconds(2)),
                reconnect: ReconnectConfiguration(
                    initialDelay: .milliseconds(500),
                    maxDelay: .seconds(60),
                    maxAttempts: 5,
                    jitter: 0.25
                ),
                errorRetryAfter: nil
            ),
            TargetConfiguration(
                name: "secure",
                url: try #require(URL(string: "wss://metrics.example.com/api/ws/metrics")),
                token: TokenConfiguration(
                    source: .jwt(
                        JWTConfiguration(
                            secretFile: "/run/secrets/jwt-secret",
                            algorithm: .hs256,
                            subject: "probe",
                            ttl: .seconds(5400)
                        )
                    ),
                    placement: .header("Authorization")
                ),
                tls: TLSConfiguration(
                    caFile: "/etc/ssl/ca.pem",
                    insecureSkipVerify: true,
                    serverName: "metrics.internal"
                )
            ),
            TargetConfiguration(
                name: "from-env",
                url: try #require(URL(string: "ws://h:9000/x?a=b")),
                token: TokenConfiguration(source: .environment(name: "WS_TOKEN", value: "env-s3cret-token")),
                expect: ExpectConfiguration(interval: .seconds(2), staleAfter: .seconds(6))
            ),
            TargetConfiguration(
                name: "literal",
                url: try #require(URL(string: "wss://h/x")),
                token: TokenConfiguration(source: .value("literal-s3cret-token"), placement: .header("X-Token")),
                tls: TLSConfiguration()
            ),
        ])
        #expect(configuration == expected)
        #expect(configuration.targets.map(\.isSecure) == [false, true, false, true])
    }

    /// The minimal configuration gets every default of the spec.
    @Test func minimalConfigurationGetsDefaults() throws {
        let configuration = try AgentConfiguration.parse(yaml: "targets: [{name: a, url: ws://h/x}]", environment: [:])
        let target = try #require(configuration.targets.first)
        #expect(configuration.targets.count == 1)
        #expect(target.name == "a")
        #expect(target.url.absoluteString == "ws://h/x")
        #expect(target.sessions == 1)
        #expect(target.token == nil)
        #expect(target.expect.interval == .seconds(5))
        #expect(target.expect.staleAfter == .seconds(15))
        #expect(target.expect.json)
        #expect(target.expect.maxMessageBytes == 1_048_576)
        #expect(target.expect.onStale == .mark)
        #expect(target.handshakeTimeout == .seconds(10))
        #expect(target.ping.interval == .seconds(15))
        #expect(target.ping.timeout == .seconds(5))
        #expect(configuration.warnings.isEmpty)
        #expect(target.reconnect.initialDelay == .seconds(1))
        #expect(target.reconnect.maxDelay == .seconds(30))
        #expect(target.reconnect.maxAttempts == 10)
        #expect(target.reconnect.jitter == 0)
        #expect(target.errorRetryAfter == .seconds(300))
        #expect(target.tls == nil)
        #expect(!target.isSecure)
        let url = try #require(URL(string: "ws://h/x"))
        #expect(configuration == AgentConfiguration(targets: [TargetConfiguration(name: "a", url: url)]))
    }

    /// A token with only a source gets the query parameter `token` and the JWT defaults.
    @Test func tokenDefaults() throws {
        let yaml = "targets: [{name: a, url: ws://h/x, token: {jwt: {secret_file: s}}}]"
        let token = try #require(try AgentConfiguration.parse(yaml: yaml, environment: [:]).targets.first?.token)
        let jwt = JWTConfiguration(secretFile: "s", algorithm: .hs256, subject: "wshealth", ttl: .seconds(3600))
        #expect(token == TokenConfiguration(source: .jwt(jwt), placement: .queryParameter("token")))
    }

    /// Null values (`key:`) count as absent, so the defaults stay.
    @Test func nullValuesAreDefaults() throws {
        let yaml = """
            targets:
              - name: a
                url: ws://h/x
                sessions:
                token: ~
                expect:
                tls:
            """
        let url = try #require(URL(string: "ws://h/x"))
        let configuration = try AgentConfiguration.parse(yaml: yaml, environment: [:])
        #expect(configuration == AgentConfiguration(targets: [TargetConfiguration(name: "a", url: url)]))
    }

    /// YAML anchors and aliases work: shared settings can be written once.
    @Test func aliasesAreResolved() throws {
        let yaml = """
            targets:
              - {name: a, url: ws://h/a, reconnect: &backoff {max_attempts: 3}}
              - {name: b, url: ws://h/b, reconnect: *backoff}
            """
        let configuration = try AgentConfiguration.parse(yaml: yaml, environment: [:])
        #expect(configuration.targets.map(\.reconnect.maxAttempts) == [3, 3])
    }

    /// YAML merge keys share settings: merged keys fill in, the target's own keys win, earlier merges win.
    @Test func mergeKeysFillIn() throws {
        let yaml = """
            targets:
              - &base {name: a, url: ws://h/a, sessions: 4, handshake_timeout: 2s}
              - {<<: *base, name: b, sessions: 2}
              - {<<: [{ping: {timeout: 1s}, sessions: 5}, *base], name: c}
            """
        let targets = try AgentConfiguration.parse(yaml: yaml, environment: [:]).targets
        #expect(targets.map(\.name) == ["a", "b", "c"])
        #expect(targets.map(\.url.absoluteString) == ["ws://h/a", "ws://h/a", "ws://h/a"])
        #expect(targets.map(\.sessions) == [4, 2, 5])
        #expect(targets.map(\.handshakeTimeout) == [.seconds(2), .seconds(2), .seconds(2)])
        #expect(targets.map(\.ping.timeout) == [.seconds(5), .seconds(5), .seconds(1)])
    }

    /// Printing or dumping a configuration never shows a literal token or an environment variable's value.
    @Test func descriptionsRedactSecrets() throws {
        let configuration = try AgentConfiguration.parse(yaml: Self.fullExample, environment: Self.environment)
        var dumped = ""
        dump(configuration, to: &dumped)
        for text in [String(describing: configuration), String(reflecting: configuration), dumped] {
            #expect(!text.contains("s3cret"))
            #expect(text.contains("<redacted>"))
        }
    }

    /// `load(path:)` reads a file and decodes it like `parse(yaml:)`.
    @Test func loadsFile() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("wshealth-\(UUID()).yml").path
        try "targets: [{name: a, url: ws://h/x}]".write(toFile: path, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: path) }
        #expect(try AgentConfiguration.load(path: path, environment: [:]).targets.map(\.name) == ["a"])
    }

    /// `load(path:)` on a missing file names the path; on a directory says so.
    @Test func loadReportsUnreadableFiles() {
        let missing = "/nonexistent/wshealth-\(UUID()).yml"
        #expect(
            throws: ConfigurationError(problems: [
                .init(path: missing, message: "cannot read config file: no such file")
            ])
        ) {
            try AgentConfiguration.load(path: missing, environment: [:])
        }
        let directory = FileManager.default.temporaryDirectory.path
        let error = #expect(throws: ConfigurationError.self) {
            try AgentConfiguration.load(path: directory, environment: [:])
        }
        #expect(error?.messages == ["\(directory): cannot read config file: is a directory"])
    }

    /// The error's description is one `path: message` line per problem.
    @Test func errorDescriptionListsEveryProblem() {
        let error = ConfigurationError(problems: [
            .init(path: "targets[0].sessions", message: "must be at least 1, got 0"),
            .init(path: "yaml", message: "line 1, column 2: oops"),
        ])
        #expect(error.description == "targets[0].sessions: must be at least 1, got 0\nyaml: line 1, column 2: oops")
    }
}
