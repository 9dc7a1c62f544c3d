import NIOCore
import NIOHTTP1

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// Serves the admin endpoints: `POST /faults/...` switches faults, `GET /status` reports.
///
/// Each answer is a short JSON body and closes the connection; the admin listener sees a handful of
/// requests from tests and people, so simplicity beats keep-alive.
final class AdminHTTPHandler: ChannelInboundHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = HTTPServerResponsePart

    /// The body of every fault answer and of every error.
    private struct Reply: Encodable {
        var ok: Bool
        var fault: String?
        var error: String?
    }

    private let backend: ReferenceBackend
    private var head: HTTPRequestHead?

    init(backend: ReferenceBackend) {
        self.backend = backend
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch Self.unwrapInboundIn(data) {
        case .head(let head):
            self.head = head
        case .body:
            break
        case .end:
            guard let head = self.head else {
                return
            }
            self.head = nil
            self.handle(head, context: context)
        }
    }

    private func handle(_ head: HTTPRequestHead, context: ChannelHandlerContext) {
        let route: AdminRoute
        do {
            route = try AdminRoute.parse(method: head.method, uri: head.uri)
        } catch {
            self.respond(error.status, Reply(ok: false, error: error.message), context: context)
            return
        }
        switch route {
        case .status:
            self.respond(.ok, self.backend.currentStatus(), context: context)
        case .fault(let fault):
            self.backend.applyValidated(fault).hop(to: context.eventLoop).assumeIsolated().whenComplete { result in
                switch result {
                case .success:
                    self.respond(.ok, Reply(ok: true, fault: fault.name), context: context)
                case .failure(let error):
                    self.respond(.internalServerError, Reply(ok: false, error: "\(error)"), context: context)
                }
            }
        }
    }

    private func respond(_ status: HTTPResponseStatus, _ body: some Encodable, context: ChannelHandlerContext) {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let json = (try? encoder.encode(body)) ?? Data("{\"ok\":false}".utf8)
        var buffer = context.channel.allocator.buffer(capacity: json.count + 1)
        buffer.writeBytes(json)
        buffer.writeString("\n")
        let head = HTTPResponseHead(
            version: .http1_1,
            status: status,
            headers: [
                "content-type": "application/json",
                "content-length": "\(buffer.readableBytes)",
                "connection": "close",
            ]
        )
        context.write(Self.wrapOutboundOut(.head(head)), promise: nil)
        context.write(Self.wrapOutboundOut(.body(.byteBuffer(buffer))), promise: nil)
        context.writeAndFlush(Self.wrapOutboundOut(.end(nil))).assumeIsolated().whenComplete { _ in
            context.close(promise: nil)
        }
    }
}
