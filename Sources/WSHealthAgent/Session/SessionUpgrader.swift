import Foundation
import NIOCore
import NIOHTTP1
import NIOWebSocket
import WSConnectionStateMachine
import WSHealthWebSocket

/// The client side of the WebSocket upgrade: NIO's upgrader checks the handshake's key and
/// accept headers, this one the extension the server agreed to, and a successful upgrade leaves
/// one handler on the channel, a ``WebSocketClientHandler`` reporting to the session.
///
/// NIO's own `upgrade` would add its frame encoder and decoder, five handler contexts and a
/// boxed frame per hop for every message of every session, where the handler reads frames itself.
struct SessionUpgrader: NIOHTTPClientProtocolUpgrader {
    let supportedProtocol = "websocket"
    let requiredUpgradeHeaders: [String] = []

    private let handshake = NIOWebSocketClientUpgrader { channel, _ in channel.eventLoop.makeSucceededVoidFuture() }
    private let session: Session
    private let connectionID: UInt64

    init(session: Session, connectionID: UInt64) {
        self.session = session
        self.connectionID = connectionID
    }

    func addCustom(upgradeRequestHeaders: inout HTTPHeaders) {
        self.handshake.addCustom(upgradeRequestHeaders: &upgradeRequestHeaders)
        if let offer = self.session.settings.compression {
            upgradeRequestHeaders.add(name: "Sec-WebSocket-Extensions", value: offer.headerValue)
        }
        let subprotocols = self.session.settings.subprotocols
        if !subprotocols.isEmpty {
            upgradeRequestHeaders.add(name: "Sec-WebSocket-Protocol", value: subprotocols.joined(separator: ", "))
        }
    }

    func shouldAllowUpgrade(upgradeResponse: HTTPResponseHead) -> Bool {
        guard self.handshake.shouldAllowUpgrade(upgradeResponse: upgradeResponse) else { return false }
        // A refusal is reported here, with the reason: NIO then fails the upgrade with a
        // generic error, which the session no longer listens to.
        let endpoint = self.session.settings.endpoint
        let peer = ConnectionErrorClassifier.peer(host: endpoint.host, port: endpoint.port)
        do {
            _ = try self.agreement(in: upgradeResponse)
        } catch {
            self.session.connectionFailed(
                self.connectionID,
                .protocolError,
                detail: "\(peer) answered with an extension the client cannot accept: \(error)"
            )
            return false
        }
        do {
            _ = try Self.subprotocol(in: upgradeResponse, offered: self.session.settings.subprotocols)
        } catch {
            self.session.connectionFailed(self.connectionID, .protocolError, detail: "\(peer) \(error)")
            return false
        }
        return true
    }

    func upgrade(context: ChannelHandlerContext, upgradeResponse: HTTPResponseHead) -> EventLoopFuture<Void> {
        context.eventLoop.makeCompletedFuture {
            let agreement = try self.agreement(in: upgradeResponse)
            let reader = InboundMessageReader(
                maxMessageBytes: self.session.settings.maxMessageBytes,
                inflater: agreement.map { self.session.loop.sharedInflater(windowBits: $0.serverMaxWindowBits) },
                contextTakeover: agreement.map { !$0.serverNoContextTakeover } ?? false
            )
            let handler = WebSocketClientHandler(
                delegate: self.session,
                connection: self.connectionID,
                reader: reader,
                buffers: self.session.loop.messageBuffers
            )
            try context.pipeline.syncOperations.addHandler(handler)
            let subprotocol = try Self.subprotocol(in: upgradeResponse, offered: self.session.settings.subprotocols)
            self.session.connectionUpgraded(self.connectionID, compression: agreement, subprotocol: subprotocol)
        }
    }

    /// What the server agreed to of the session's offer: nil without compression.
    private func agreement(
        in response: HTTPResponseHead
    ) throws(PerMessageDeflate.Refusal) -> PerMessageDeflate.Agreement? {
        let values = response.headers["Sec-WebSocket-Extensions"]
        guard let offer = self.session.settings.compression else {
            guard values.allSatisfy({ $0.allSatisfy { $0 == " " || $0 == "," } }) else {
                throw PerMessageDeflate.Refusal(
                    description: "an extension that was not offered: \(values.joined(separator: ", "))"
                )
            }
            return nil
        }
        return try PerMessageDeflate.agreement(in: values, offer: offer)
    }

    /// The subprotocol the server chose: one of those `offered`, as a browser requires (RFC 6455
    /// §4.1; Chromium also fails a handshake whose answer names none when some were offered);
    /// nil when none was offered and none chosen.
    static func subprotocol(in response: HTTPResponseHead, offered: [String]) throws(SubprotocolRefusal) -> String? {
        let values = response.headers["Sec-WebSocket-Protocol"].flatMap { $0.split(separator: ",") }
            .map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        guard !offered.isEmpty else {
            guard values.isEmpty else {
                throw SubprotocolRefusal(
                    "answered with subprotocol \(values.joined(separator: ", ")), none was offered"
                )
            }
            return nil
        }
        guard let chosen = values.first else {
            throw SubprotocolRefusal("answered without a subprotocol (offered \(offered.joined(separator: ", ")))")
        }
        guard values.count == 1, offered.contains(chosen) else {
            throw SubprotocolRefusal(
                "answered with subprotocol \(values.joined(separator: ", ")), not one offered (\(offered.joined(separator: ", ")))"
            )
        }
        return chosen
    }

    /// Why the server's answer about subprotocols cannot be accepted.
    struct SubprotocolRefusal: Error, CustomStringConvertible {
        var description: String
        init(_ description: String) { self.description = description }
    }
}
