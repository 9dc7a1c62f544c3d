/// A protocol many WebSocket services speak, written as defaults for a target's own keys
/// (`subprotocols`, `on_open`, `replies`, `data`, `heartbeat`, `expect.json`): the target key
/// `protocol:`. A key the target sets itself wins over the preset's.
public enum ProtocolPreset: Sendable, Equatable {
    /// GraphQL subscriptions over `graphql-transport-ws` (GraphQL over WebSocket): the
    /// subprotocol, `connection_init` answered by `connection_ack`, then `subscribe` with
    /// `query` answered by a first `next` (an `error` instead fails the attempt); the server's
    /// `ping`s answered; `next` messages are data.
    case graphQLTransportWS(query: String)
    /// Socket.IO over Engine.IO v4 (the URL's path `/socket.io/?EIO=4&transport=websocket`):
    /// the server's open packet `0{…}`, the connect `40` to `namespace` answered by `40…`, the
    /// server's pings `2` answered `3`; events `42…` are data (not JSON as a whole).
    case socketIO(namespace: String)
    /// Phoenix channels (serializer 2.0.0, the URL's query `vsn=2.0.0`): `phx_join` to `topic`
    /// answered by an `ok` `phx_reply`, a heartbeat every 30 s that must be answered within
    /// 10 s; the topic's events other than `phx_…` are data.
    case phoenix(topic: String)

    /// The names `protocol:` takes.
    public static let names = ["graphql-transport-ws", "socketio", "phoenix"]

    /// The preset's name, as configured.
    public var name: String {
        switch self {
        case .graphQLTransportWS: "graphql-transport-ws"
        case .socketIO: "socketio"
        case .phoenix: "phoenix"
        }
    }

    /// The subprotocols offered.
    public var subprotocols: [String] {
        if case .graphQLTransportWS = self { return ["graphql-transport-ws"] }
        return []
    }

    /// Whether every message must be JSON: not Socket.IO's, whose packets start with a type.
    public var expectsJSON: Bool {
        if case .socketIO = self { return false }
        return true
    }

    /// The conversation: what is sent, awaited, answered, and which messages are data; a first
    /// data message is awaited for `firstData` where the protocol says the subscription worked
    /// only by sending it.
    public func conversation(firstData: Duration) -> ConversationConfiguration {
        switch self {
        case .graphQLTransportWS(let query):
            let type = { (value: String) in
                MessageMatch.json(AssertionConfiguration(pointer: JSONPointer("/type")!, equals: .string(value)))
            }
            // An execution error arrives as a `next` too, with `errors` and no data.
            let event = MessageMatch.allOf([
                AssertionConfiguration(pointer: JSONPointer("/type")!, equals: .string("next")),
                AssertionConfiguration(pointer: JSONPointer("/payload/errors")!, exists: false),
            ])
            return ConversationConfiguration(
                onOpen: [
                    .init(
                        send: #"{"type":"connection_init","payload":{}}"#,
                        reply: .init(match: type("connection_ack"))
                    ),
                    .init(
                        send: #"{"id":"1","type":"subscribe","payload":{"query":"# + query.jsonQuoted + "}}",
                        reply: .init(match: event, timeout: firstData)
                    ),
                ],
                replies: [.init(match: type("ping"), send: #"{"type":"pong"}"#)],
                data: event
            )
        case .socketIO(let namespace):
            // The default namespace is implicit: `40`, `42[…]`; another is named: `40/chat,`.
            let prefix = namespace == "/" ? "" : namespace + ","
            return ConversationConfiguration(
                onOpen: [
                    .init(reply: .init(match: .prefix("0{"))),
                    .init(send: "40" + prefix, reply: .init(match: .prefix("40" + prefix + "{"))),
                ],
                replies: [.init(match: .regex("^2$"), send: "3")],
                data: .prefix("42" + prefix)
            )
        case .phoenix(let topic):
            let quoted = topic.jsonQuoted
            let escaped = quoted.regexLiteral
            let status = AssertionConfiguration(pointer: JSONPointer("/4/status")!, equals: .string("ok"))
            return ConversationConfiguration(
                onOpen: [.init(send: #"["1","1","# + quoted + #","phx_join",{}]"#, reply: .init(match: .json(status)))],
                // [join_ref, ref, topic, event, payload]: the topic's own events, not its replies.
                data: .regex(#"^\[(null|"[^"]*"),(null|"[^"]*"),"# + escaped + #",\"(?!phx_)"#),
                heartbeat: .init(
                    interval: .seconds(30),
                    send: #"[null,"{{id}}","phoenix","heartbeat",{}]"#,
                    expectReply: .init(match: .regex(#"^\[null,"[0-9]+","phoenix","phx_reply""#), timeout: .seconds(10))
                )
            )
        }
    }
}

extension ProtocolPreset {
    /// Decodes `protocol: socketio` or `protocol: {name: …, query|namespace|topic: …}`.
    static func decode(_ node: ConfigNode) -> ProtocolPreset? {
        let name: String
        var mapping: ConfigMapping?
        if node.isScalar {
            guard let text = node.string() else { return nil }
            name = text
        } else if let map = node.mapping() {
            mapping = map
            guard let text = map["name"]?.string() else {
                if map["name"] == nil {
                    map.report("name", "is required, one of \(Self.names.joined(separator: ", "))")
                }
                return nil
            }
            name = text
        } else {
            return nil
        }
        let preset: ProtocolPreset?
        switch name {
        case "graphql-transport-ws":
            guard let query = mapping?["query"]?.nonEmptyString() else {
                if mapping?["query"] == nil { node.report("graphql-transport-ws needs query, the subscription to run") }
                return nil
            }
            preset = .graphQLTransportWS(query: query)
        case "socketio":
            let namespace = mapping?["namespace"]?.nonEmptyString() ?? "/"
            guard namespace.hasPrefix("/") else {
                mapping?["namespace"]?.report("must start with /, got \(namespace.quoted)")
                return nil
            }
            preset = .socketIO(namespace: namespace)
        case "phoenix":
            guard let topic = mapping?["topic"]?.nonEmptyString() else {
                if mapping?["topic"] == nil { node.report("phoenix needs topic, the channel to join") }
                return nil
            }
            preset = .phoenix(topic: topic)
        default:
            node.report("must be one of \(Self.names.joined(separator: ", ")), got \(name.quoted)")
            return nil
        }
        mapping?.reportUnknownKeys()
        return preset
    }
}
