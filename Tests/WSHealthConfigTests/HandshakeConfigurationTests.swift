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

    @Test func conversationSteps() throws {
        let target = try Self.target(
            """
            on_open: [{send: init, await: {match: {prefix: ack}, timeout: 2s}}, {send: subscribe}, {await: {match: {regex: '^ok'}}}],
            heartbeat: {interval: 30s, send: ping, expect_reply: {match: {prefix: pong}, timeout: 10s}}
            """
        )
        #expect(
            target.conversation.onOpen == [
                .init(send: "init", reply: .init(match: .prefix("ack"), timeout: .seconds(2))),
                .init(send: "subscribe"),
                .init(reply: .init(match: .regex("^ok"), timeout: ConversationConfiguration.defaultAwaitTimeout)),
            ]
        )
        #expect(
            target.conversation.heartbeat
                == .init(
                    interval: .seconds(30),
                    send: "ping",
                    expectReply: .init(match: .prefix("pong"), timeout: .seconds(10))
                )
        )
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
}
