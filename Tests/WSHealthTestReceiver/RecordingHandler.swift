import NIOCore
import NIOHTTP1

/// The per-connection handler of ``RecordingReceiver``: assembles each request, records it,
/// and carries out the script's reply.
final class RecordingHandler: ChannelInboundHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = HTTPServerResponsePart

    private let receiver: RecordingReceiver
    private var head: HTTPRequestHead?
    private var body: [UInt8] = []

    init(receiver: RecordingReceiver) {
        self.receiver = receiver
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch self.unwrapInboundIn(data) {
        case .head(let head):
            self.head = head
            self.body = []
        case .body(let buffer):
            self.body.append(contentsOf: buffer.readableBytesView)
        case .end:
            guard let head = self.head else { return }
            self.head = nil
            let request = RecordedRequest(
                method: head.method.rawValue,
                uri: head.uri,
                headers: head.headers.map { HeaderField(name: $0.name, value: $0.value) },
                body: self.body,
                receivedAt: .now
            )
            self.body = []
            let reply = self.receiver.record(request)
            let keepAlive = head.isKeepAlive
            if reply.delay > .zero {
                let nanoseconds =
                    reply.delay.components.seconds * 1_000_000_000
                    + reply.delay.components.attoseconds / 1_000_000_000
                context.eventLoop.assumeIsolated().scheduleTask(in: .nanoseconds(nanoseconds)) {
                    Self.carryOut(reply.action, keepAlive: keepAlive, context: context, handler: self)
                }
            } else {
                Self.carryOut(reply.action, keepAlive: keepAlive, context: context, handler: self)
            }
        }
    }

    private static func carryOut(
        _ action: ReceiverReply.Action,
        keepAlive: Bool,
        context: ChannelHandlerContext,
        handler: RecordingHandler
    ) {
        switch action {
        case .respond(let status, let fields, let body):
            var headers = HTTPHeaders(fields.map { ($0.name, $0.value) })
            headers.replaceOrAdd(name: "Content-Length", value: String(body.count))
            if !keepAlive { headers.replaceOrAdd(name: "Connection", value: "close") }
            let head = HTTPResponseHead(
                version: .http1_1,
                status: HTTPResponseStatus(statusCode: status),
                headers: headers
            )
            context.write(handler.wrapOutboundOut(.head(head)), promise: nil)
            if !body.isEmpty {
                context.write(handler.wrapOutboundOut(.body(.byteBuffer(ByteBuffer(bytes: body)))), promise: nil)
            }
            let written = context.writeAndFlush(handler.wrapOutboundOut(.end(nil)))
            if !keepAlive {
                written.assumeIsolated().whenComplete { _ in context.close(promise: nil) }
            }
        case .noAnswer:
            break
        case .closeConnection:
            context.close(promise: nil)
        }
    }
}
