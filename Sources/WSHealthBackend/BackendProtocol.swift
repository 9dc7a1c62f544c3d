import Foundation
import NIOCore
import WSHealthConfig

/// What the reference backend speaks on top of WebSocket: the spec's plain stream of metrics
/// messages, or one of the protocols the agent has presets for, so the demo and the tests can
/// run those against a server of ours too. Each protocol's backend is its smallest faithful
/// server: the opening the client must perform, the metrics wrapped as that protocol's events,
/// and its keepalives answered.
public enum BackendProtocol: String, CaseIterable, Sendable, Hashable {
    /// The spec: every client gets the metrics message as it is, from the upgrade on.
    case spec
    /// `graphql-transport-ws`: `connection_init` → `connection_ack`, `subscribe` → `next`
    /// events with the metrics as `payload.data.metrics`; `ping` → `pong`. The subprotocol
    /// must be offered (else the connection is closed with 4406).
    case graphQLTransportWS = "graphql-transport-ws"
    /// Socket.IO over Engine.IO v4: the open packet `0{…}` at once, a namespace connect `40…`
    /// answered `40…{"sid":…}`, then `42…["metrics",{…}]` events.
    case socketIO = "socketio"
    /// Phoenix channels (serializer 2.0.0): `phx_join` answered by an `ok` `phx_reply`, then
    /// `[null,null,topic,"metrics",{…}]` events; heartbeats on topic `phoenix` answered.
    case phoenix

    /// The subprotocol the upgrade must select, if any.
    var subprotocol: String? { self == .graphQLTransportWS ? "graphql-transport-ws" : nil }
}

/// Where one client is in its protocol's opening, and how its events are wrapped: on the
/// client's event loop only.
struct ProtocolPeer {
    let protocolKind: BackendProtocol
    /// Wraps a metrics message once the client has subscribed: (before, after) the JSON.
    private(set) var envelope: (String, String)?
    private let sid = UUID().uuidString

    init(_ protocolKind: BackendProtocol) {
        self.protocolKind = protocolKind
        if protocolKind == .spec { self.envelope = ("", "") }
    }

    /// What the server sends as soon as the connection is open.
    var greeting: String? {
        guard self.protocolKind == .socketIO else { return nil }
        return #"0{"sid":""# + self.sid
            + #"","upgrades":[],"pingInterval":25000,"pingTimeout":20000,"maxPayload":1000000}"#
    }

    /// The answer to the client's text `message`, if any; subscribes the client when the
    /// message does.
    mutating func answer(to message: String) -> String? {
        switch self.protocolKind {
        case .spec:
            return nil
        case .graphQLTransportWS:
            guard let object = Self.json(message) as? [String: Any], let type = object["type"] as? String else {
                return nil
            }
            switch type {
            case "connection_init": return #"{"type":"connection_ack"}"#
            case "ping": return #"{"type":"pong"}"#
            case "subscribe":
                let id = (object["id"] as? String ?? "").jsonQuoted
                self.envelope = (#"{"id":"# + id + #","type":"next","payload":{"data":{"metrics":"#, "}}}")
                return nil
            default: return nil
            }
        case .socketIO:
            guard message.hasPrefix("40") else { return nil }
            // `40` for the default namespace, `40/live,` (and an optional auth object) for another.
            let rest = message.dropFirst(2)
            let namespace = rest.hasPrefix("/") ? String(rest.prefix { $0 != "," }) + "," : ""
            self.envelope = ("42" + namespace + #"["metrics","#, "]")
            return "40" + namespace + #"{"sid":""# + self.sid + #""}"#
        case .phoenix:
            guard let array = Self.json(message) as? [Any], array.count == 5,
                let topic = array[2] as? String, let event = array[3] as? String
            else { return nil }
            let joinRef = (array[0] as? String)?.jsonQuoted ?? "null"
            let ref = (array[1] as? String)?.jsonQuoted ?? "null"
            let reply =
                "[" + joinRef + "," + ref + "," + topic.jsonQuoted
                + #","phx_reply",{"response":{},"status":"ok"}]"#
            switch (topic, event) {
            case ("phoenix", "heartbeat"):
                return reply
            case (_, "phx_join"):
                self.envelope = ("[null,null," + topic.jsonQuoted + #","metrics","#, "]")
                return reply
            default:
                return nil
            }
        }
    }

    /// `metrics` as this client's event; nil until it has subscribed.
    func event(_ metrics: String) -> String? {
        self.envelope.map { $0.0 + metrics + $0.1 }
    }

    private static func json(_ text: String) -> Any? {
        try? JSONSerialization.jsonObject(with: Data(text.utf8), options: [.fragmentsAllowed])
    }
}
