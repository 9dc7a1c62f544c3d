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

    /// A preset fills the keys the target leaves out, and only those.
    @Test func presetsAreDefaultsOnly() throws {
        let socketIO = try Self.target("protocol: {name: socketio, namespace: /live}")
        #expect(socketIO.protocolPreset == .socketIO(namespace: "/live"))
        #expect(socketIO.expect.json == false)
        #expect(socketIO.conversation.data == .prefix("42/live,"))
        #expect(socketIO.conversation.onOpen.map(\.send) == [nil, "40/live,"])
        #expect(socketIO.conversation.replies == [.init(match: .regex("^2$"), send: "3")])

        let graphQL = try Self.target(
            #"protocol: {name: graphql-transport-ws, query: 'subscription { m(n: "a") { v } }'}, subprotocols: [mine], replies: []"#
        )
        #expect(graphQL.subprotocols == ["mine"], "the target's own key wins")
        #expect(graphQL.conversation.replies.isEmpty)
        #expect(graphQL.expect.json)
        #expect(
            graphQL.conversation.onOpen.last?.send
                == #"{"id":"1","type":"subscribe","payload":{"query":"subscription { m(n: \"a\") { v } }"}}"#
        )
        #expect(graphQL.conversation.onOpen.last?.reply?.timeout == graphQL.expect.staleAfter)
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
