import NIOCore
import NIOHTTP1
import NIOWebSocket
import WSHealthWebSocket

/// Answers the HTTP requests of the WebSocket listener that were not upgraded: 403 for a refused
/// token (what FastAPI answers when a handler closes before accepting), 404 for any other target,
/// 400 for a malformed upgrade request, and whatever the `reject-upgrade` and `bad-handshake`
/// faults ask for. It is removed from the pipeline when an upgrade succeeds.
final class HandshakeResponder: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = HTTPServerResponsePart

    /// What the handshake decided for this connection's upgrade request.
    enum Verdict: Equatable {
        /// The request targets another path.
        case wrongPath
        /// The token was refused and the refusal is an HTTP 403.
        case forbidden
        /// The token was refused and the refusal is a close frame 1008 after the upgrade.
        case refusedAfterUpgrade
        /// The `reject-upgrade` fault: the request is answered with this status.
        case rejected(HTTPResponseStatus)
        /// The `bad-handshake` fault: the request gets a broken answer.
        case broken(BadHandshake)
        /// The token was accepted.
        case accepted
    }

    /// Set by the upgrader's `shouldUpgrade` before the request reaches this handler.
    var verdict: Verdict?
    /// The compression agreed in the upgrade's answer, if any.
    var compression: PerMessageDeflate.Agreement?
    /// Whether the upgrade selected the protocol's subprotocol (the client offered it).
    var subprotocolAgreed = false
    private var sawMalformedUpgrade = false
    private var responded = false

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard case .end = Self.unwrapInboundIn(data), !self.responded else {
            return
        }
        self.responded = true
        let status: HTTPResponseStatus
        let detail: String
        switch (self.verdict, self.sawMalformedUpgrade) {
        case (.broken(let kind), _):
            self.answerBroken(kind, context: context)
            return
        case (.forbidden, _): (status, detail) = (.forbidden, "Forbidden")
        case (.rejected(let rejection), _): (status, detail) = (rejection, rejection.reasonPhrase)
        case (_, true): (status, detail) = (.badRequest, "Bad WebSocket upgrade request")
        default: (status, detail) = (.notFound, "Not Found")
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
        self.closeAfter(context.writeAndFlush(Self.wrapOutboundOut(.end(nil))), context: context)
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

    private func answerBroken(_ kind: BadHandshake, context: ChannelHandlerContext) {
        switch kind {
        case .off, .hangUp:
            context.close(promise: nil)
        case .wrongAccept:
            let head = HTTPResponseHead(
                version: .http1_1,
                status: .switchingProtocols,
                headers: [
                    "upgrade": "websocket",
                    "connection": "upgrade",
                    "sec-websocket-accept": BadHandshake.wrongAcceptValue,
                ]
            )
            context.write(Self.wrapOutboundOut(.head(head)), promise: nil)
            self.closeAfter(context.writeAndFlush(Self.wrapOutboundOut(.end(nil))), context: context)
        case .notHTTP:
            // Written below the HTTP encoder (through TLS, if any), as raw bytes.
            guard let outlet = try? context.pipeline.syncOperations.context(handlerType: HTTPResponseEncoder.self)
            else {
                context.close(promise: nil)
                return
            }
            let greeting = context.channel.allocator.buffer(string: BadHandshake.notHTTPGreeting)
            self.closeAfter(outlet.writeAndFlush(NIOAny(greeting)), context: context)
        }
    }

    private func closeAfter(_ write: EventLoopFuture<Void>, context: ChannelHandlerContext) {
        write.assumeIsolated().whenComplete { _ in
            context.close(promise: nil)
        }
    }
}
