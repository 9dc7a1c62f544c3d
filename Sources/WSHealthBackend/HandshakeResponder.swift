import NIOCore
import NIOHTTP1
import NIOWebSocket

/// Answers the HTTP requests of the WebSocket listener that were not upgraded: 403 for a refused
/// token (what FastAPI answers when a handler closes before accepting), 404 for any other target,
/// 400 for a malformed upgrade request. It is removed from the pipeline when an upgrade succeeds.
final class HandshakeResponder: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = HTTPServerResponsePart

    /// What the handshake decided for this connection's upgrade request.
    enum Verdict {
        /// The request targets another path.
        case wrongPath
        /// The token was refused and the refusal is an HTTP 403.
        case forbidden
        /// The token was refused and the refusal is a close frame 1008 after the upgrade.
        case refusedAfterUpgrade
        /// The token was accepted.
        case accepted
    }

    /// Set by the upgrader's `shouldUpgrade` before the request reaches this handler.
    var verdict: Verdict?
    private var sawMalformedUpgrade = false
    private var responded = false

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard case .end = Self.unwrapInboundIn(data), !self.responded else {
            return
        }
        self.responded = true
        let (status, detail): (HTTPResponseStatus, String) =
            switch (self.verdict, self.sawMalformedUpgrade) {
            case (.forbidden, _): (.forbidden, "Forbidden")
            case (_, true): (.badRequest, "Bad WebSocket upgrade request")
            default: (.notFound, "Not Found")
            }
        let body = context.channel.allocator.buffer(string: "{\"detail\":\"\(detail)\"}")
        let head = HTTPResponseHead(
            version: .http1_1,
            status: status,
            headers: [
                "content-type": "application/json",
                "content-length": "\(body.readableBytes)",
                "connection": "close",
            ]
        )
        context.write(Self.wrapOutboundOut(.head(head)), promise: nil)
        context.write(Self.wrapOutboundOut(.body(.byteBuffer(body))), promise: nil)
        context.writeAndFlush(Self.wrapOutboundOut(.end(nil))).assumeIsolated().whenComplete { _ in
            context.close(promise: nil)
        }
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        switch error as? NIOWebSocketUpgradeError {
        case .some(.unsupportedWebSocketTarget):
            // Our own `shouldUpgrade` said no: the request follows and gets its answer.
            break
        case .some(.invalidUpgradeHeader):
            self.sawMalformedUpgrade = true
        default:
            context.close(promise: nil)
        }
    }
}
