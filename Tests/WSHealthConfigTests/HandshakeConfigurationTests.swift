import Testing
import WSHealthConfig

/// `subprotocols`, `origin` and `headers`: what a target's handshake carries besides the
/// protocol's own headers and the token.
struct HandshakeConfigurationTests {
    static func target(_ keys: String, environment: [String: String] = [:]) throws -> TargetConfiguration {
        let yaml = "targets: [{name: a, url: ws://h/x, \(keys)}]"
        return try #require(try AgentConfiguration.parse(yaml: yaml, environment: environment).targets.first)
    }

    @Test func defaultsOfferAndSendNothing() throws {
        let target = try Self.target("sessions: 1")
        #expect(target.subprotocols.isEmpty)
        #expect(target.origin == nil)
        #expect(target.headers.isEmpty)
    }

    @Test func everyForm() throws {
        let target = try Self.target(
            """
            subprotocols: [graphql-transport-ws, graphql-ws], origin: 'https://dashboard.example:8443',
            headers: {X-Tenant: blue, X-Api-Key: {file: /run/secrets/key}, Cookie: {env: COOKIE}, X-Raw: {value: v}}
            """,
            environment: ["COOKIE": "session=abc"]
        )
        #expect(target.subprotocols == ["graphql-transport-ws", "graphql-ws"])
        #expect(target.origin == "https://dashboard.example:8443")
        #expect(
            target.headers == [
                HeaderConfiguration(name: "X-Tenant", source: .value("blue")),
                HeaderConfiguration(name: "X-Api-Key", source: .file("/run/secrets/key")),
                HeaderConfiguration(name: "Cookie", source: .environment(name: "COOKIE", value: "session=abc")),
                HeaderConfiguration(name: "X-Raw", source: .value("v")),
            ]
        )
    }

    /// Each problem names its key; a header's value is a secret and never shown.
    @Test(arguments: [
        (
            "subprotocols: ['two words']",
            #"targets[0].subprotocols[0]: not a valid subprotocol name (an HTTP token), got "two words""#
        ),
        ("subprotocols: [a, a]", #"targets[0].subprotocols[1]: duplicate subprotocol "a""#),
        ("subprotocols: a", "targets[0].subprotocols: must be a list, got \"a\""),
        (
            "origin: 'https://x.example/path'",
            #"targets[0].origin: must be an origin like https://dashboard.example.com (scheme, host, port), got "https://x.example/path""#
        ),
        (
            "origin: 'ftp://x.example'",
            #"targets[0].origin: must be an origin like https://dashboard.example.com (scheme, host, port), got "ftp://x.example""#
        ),
        (
            "headers: {'Bad Name': s3cret}",
            #"targets[0].headers.Bad Name: not a valid HTTP header name, got "Bad Name""#
        ),
        ("headers: {Origin: s3cret}", #"targets[0].headers.Origin: "Origin" cannot be set here (set by origin)"#),
        (
            "headers: {Sec-WebSocket-Protocol: s3cret}",
            #"targets[0].headers.Sec-WebSocket-Protocol: "Sec-WebSocket-Protocol" cannot be set here (set by subprotocols)"#
        ),
        ("headers: {X-A: {file: /a, env: B}}", "targets[0].headers.X-A: exactly one of value, file, env is required"),
        ("headers: {X-A: {env: MISSING}}", #"targets[0].headers.X-A.env: environment variable "MISSING" is not set"#),
        ("headers: {X-A: {jwt: x}}", "targets[0].headers.X-A.jwt: unknown key"),
        (
            "token: {value: t, header: X-Key}, headers: {x-key: s3cret}",
            #"targets[0].headers: "X-Key" is already the token's header (token.header)"#
        ),
    ])
    func badValuesNameTheKey(keys: String, message: String) {
        let error = #expect(throws: ConfigurationError.self) {
            try AgentConfiguration.parse(yaml: "targets: [{name: a, url: ws://h/x, \(keys)}]", environment: [:])
        }
        #expect(error?.messages.contains(message) == true, "\(error?.messages ?? [])")
        #expect(error?.messages.contains { $0.contains("s3cret") } == false)
    }
}
