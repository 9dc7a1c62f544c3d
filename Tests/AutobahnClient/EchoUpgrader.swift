import NIOCore
import NIOHTTP1
import NIOWebSocket
import WSHealthWebSocket

/// The upgrade as the agent's sessions do it: NIO's key and accept check, the browser's
/// permessage-deflate offer and the agent's checks of the answer, then the agent's frame
/// handler on the channel.
struct EchoUpgrader: NIOHTTPClientProtocolUpgrader {
    let supportedProtocol = "websocket"
    let requiredUpgradeHeaders: [String] = []

    private let handshake = NIOWebSocketClientUpgrader { channel, _ in channel.eventLoop.makeSucceededVoidFuture() }
    let offer: PerMessageDeflate.Offer?
    let connection: NIOLoopBound<EchoConnection>

    func addCustom(upgradeRequestHeaders: inout HTTPHeaders) {
        self.handshake.addCustom(upgradeRequestHeaders: &upgradeRequestHeaders)
        if let offer { upgradeRequestHeaders.add(name: "Sec-WebSocket-Extensions", value: offer.headerValue) }
    }

    func shouldAllowUpgrade(upgradeResponse: HTTPResponseHead) -> Bool {
        self.handshake.shouldAllowUpgrade(upgradeResponse: upgradeResponse)
            && (try? self.agreement(upgradeResponse)) != nil
    }

    func upgrade(context: ChannelHandlerContext, upgradeResponse: HTTPResponseHead) -> EventLoopFuture<Void> {
        context.eventLoop.makeCompletedFuture {
            let agreement = try self.agreement(upgradeResponse) ?? nil
            // The suite's largest messages are 16 MiB.
            let reader = InboundMessageReader(
                maxMessageBytes: 64 << 20,
                keepsBinary: true,
                inflater: agreement.map { MessageInflater(windowBits: $0.serverMaxWindowBits) },
                contextTakeover: agreement.map { !$0.serverNoContextTakeover } ?? false
            )
            try context.pipeline.syncOperations.addHandler(
                WebSocketClientHandler(delegate: self.connection.value, connection: 1, reader: reader)
            )
        }
    }

    /// The agreement, wrapped: `.some(nil)` when the server agreed to no extension.
    private func agreement(_ response: HTTPResponseHead) throws -> PerMessageDeflate.Agreement?? {
        let values = response.headers["Sec-WebSocket-Extensions"]
        guard let offer else { return values.isEmpty ? .some(nil) : nil }
        return .some(try PerMessageDeflate.agreement(in: values, offer: offer))
    }
}

/// Sends the upgrade request once the connection is up; an answer that is not an upgrade ends it.
final class UpgradeRequestWriter: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPClientResponsePart
    typealias OutboundOut = HTTPClientRequestPart

    let head: HTTPRequestHead

    init(head: HTTPRequestHead) { self.head = head }

    func channelActive(context: ChannelHandlerContext) {
        context.write(Self.wrapOutboundOut(.head(self.head)), promise: nil)
        context.writeAndFlush(Self.wrapOutboundOut(.end(nil)), promise: nil)
        context.fireChannelActive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        context.close(promise: nil)
    }
}
