import NIOCore
import NIOHTTP1
import NIOPosix
import NIOSSL
import NIOWebSocket

/// A small WebSocket client for the tests: it records what the server does as ``ClientEvent``s and
/// answers server close frames like a browser would. Frames it sends are masked, as RFC 6455 requires.
final class TestWebSocketClient: Sendable {
    /// How a token travels.
    enum TokenPlacement: Sendable {
        /// `?token=...`, as the spec's browser client sends it.
        case query
        /// `Authorization: Bearer ...`.
        case bearer
    }

    let channel: any Channel
    private let queue: NIOLoopBoundBox<EventQueue>

    private init(channel: any Channel, queue: NIOLoopBoundBox<EventQueue>) {
        self.channel = channel
        self.queue = queue
    }

    /// Connects (over TLS with `tls`, sending `serverHostname` as SNI and verifying the
    /// certificate for it, or for the IP address when nil) and sends the upgrade request; the
    /// outcome arrives as the first event.
    static func connect(
        to address: SocketAddress,
        path: String = "/api/ws/metrics",
        token: String?,
        placement: TokenPlacement = .query,
        tls: NIOSSLContext? = nil,
        serverHostname: String? = nil
    ) async throws -> TestWebSocketClient {
        let eventLoop = MultiThreadedEventLoopGroup.singleton.next()
        let queue = try await eventLoop.submit {
            NIOLoopBoundBox(EventQueue(eventLoop: eventLoop), eventLoop: eventLoop)
        }
        .get()
        let channel = try await ClientBootstrap(group: eventLoop)
            .connectTimeout(.seconds(5))
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    if let tls {
                        let handler = try NIOSSLClientHandler(context: tls, serverHostname: serverHostname)
                        try channel.pipeline.syncOperations.addHandler(handler)
                    }
                    try Self.configure(channel, queue: queue)
                }
            }
            .connect(to: address).get()
        channel.closeFuture.whenComplete { _ in queue.value.push(.closed) }

        var uri = path
        var headers: HTTPHeaders = ["host": "127.0.0.1", "content-length": "0"]
        switch (token, placement) {
        case (let token?, .query): uri += "?token=\(token)"
        case (let token?, .bearer): headers.add(name: "authorization", value: "Bearer \(token)")
        case (nil, _): break
        }
        let head = HTTPRequestHead(version: .http1_1, method: .GET, uri: uri, headers: headers)
        channel.write(HTTPClientRequestPart.head(head), promise: nil)
        try await channel.writeAndFlush(HTTPClientRequestPart.end(nil)).get()
        return TestWebSocketClient(channel: channel, queue: queue)
    }

    private static func configure(_ channel: any Channel, queue: NIOLoopBoundBox<EventQueue>) throws {
        let upgrader = NIOWebSocketClientUpgrader { channel, _ in
            channel.eventLoop.makeCompletedFuture {
                try channel.pipeline.syncOperations.addHandler(FrameRecorder(queue: queue))
            }
        }
        // Frames that arrive in the same read as the 101 (a close 1008 right after the upgrade)
        // must reach the WebSocket decoder, not be dropped with the HTTP decoder.
        try channel.pipeline.syncOperations.addHTTPClientHandlers(
            leftOverBytesStrategy: .forwardBytes,
            withClientUpgrade: (
                upgraders: [upgrader],
                completionHandler: { context in
                    context.pipeline.syncOperations.removeHandler(name: "http-recorder", promise: nil)
                }
            )
        )
        try channel.pipeline.syncOperations.addHandler(HTTPRecorder(queue: queue), name: "http-recorder")
    }

    /// The next event; throws if none arrives within `timeout`.
    func nextEvent(within timeout: Duration = .seconds(10)) async throws -> ClientEvent {
        guard let event = try await self.nextEventIfAny(within: timeout) else {
            throw TestFailure("no event within \(timeout)")
        }
        return event
    }

    /// The next event, or `nil` if none arrives within `timeout`.
    func nextEventIfAny(within timeout: Duration) async throws -> ClientEvent? {
        let deadline = NIODeadline.now() + TimeAmount(timeout)
        return try await self.channel.eventLoop.flatSubmit { self.queue.value.next(before: deadline) }.get()
    }

    /// Every event that arrives during `window` (stops early once the connection is closed).
    func events(during window: Duration) async throws -> [ClientEvent] {
        let deadline = ContinuousClock.now + window
        var events: [ClientEvent] = []
        while case let remaining = deadline - ContinuousClock.now, remaining > .zero,
            let event = try await self.nextEventIfAny(within: remaining)
        {
            events.append(event)
            if event == .closed { break }
        }
        return events
    }

    /// Skips events until one satisfies `predicate`; throws if none does within `timeout`.
    func firstEvent(
        within timeout: Duration = .seconds(10),
        where predicate: (ClientEvent) -> Bool
    ) async throws
        -> ClientEvent
    {
        let deadline = ContinuousClock.now + timeout
        while case let remaining = deadline - ContinuousClock.now, remaining > .zero {
            guard let event = try await self.nextEventIfAny(within: remaining) else { break }
            if predicate(event) { return event }
        }
        throw TestFailure("no matching event within \(timeout)")
    }

    /// Sends a masked frame.
    func send(_ opcode: WebSocketOpcode, _ text: String = "") async throws {
        var data = self.channel.allocator.buffer(capacity: text.utf8.count)
        data.writeString(text)
        try await self.channel.writeAndFlush(WebSocketFrame(fin: true, opcode: opcode, maskKey: .random(), data: data))
            .get()
    }

    /// Sends a masked close frame with `code`.
    func sendClose(code: UInt16) async throws {
        var data = self.channel.allocator.buffer(capacity: 2)
        data.write(webSocketErrorCode: WebSocketErrorCode(codeNumber: Int(code)))
        let frame = WebSocketFrame(fin: true, opcode: .connectionClose, maskKey: .random(), data: data)
        try await self.channel.writeAndFlush(frame).get()
    }

    /// Closes the TCP connection.
    func close() async {
        try? await self.channel.close()
    }
}

/// Records the HTTP answer to an upgrade request that was not upgraded.
private final class HTTPRecorder: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPClientResponsePart

    private let queue: NIOLoopBoundBox<EventQueue>

    init(queue: NIOLoopBoundBox<EventQueue>) {
        self.queue = queue
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch Self.unwrapInboundIn(data) {
        case .head(let head): self.queue.value.push(.httpResponse(status: Int(head.status.code)))
        case .body: break
        case .end: context.close(promise: nil)
        }
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        // A refused upgrade is reported as an error too; the response itself is what the tests look at.
    }
}

/// Records WebSocket frames and answers a server close, like a browser.
private final class FrameRecorder: ChannelInboundHandler {
    typealias InboundIn = WebSocketFrame
    typealias OutboundOut = WebSocketFrame

    private let queue: NIOLoopBoundBox<EventQueue>
    private var answeredClose = false

    init(queue: NIOLoopBoundBox<EventQueue>) {
        self.queue = queue
    }

    func handlerAdded(context: ChannelHandlerContext) {
        self.queue.value.push(.upgraded)
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let frame = Self.unwrapInboundIn(data)
        var payload = frame.unmaskedData
        let isPlain = frame.fin && !frame.rsv1 && !frame.rsv2 && !frame.rsv3 && frame.maskKey == nil
        switch frame.opcode {
        case .text where isPlain:
            self.queue.value.push(.text(payload.readString(length: payload.readableBytes) ?? ""))
        case .binary where isPlain:
            self.queue.value.push(.binary(payload.readBytes(length: payload.readableBytes) ?? []))
        case .pong:
            self.queue.value.push(.pong(payload.readString(length: payload.readableBytes) ?? ""))
        case .connectionClose:
            let code = payload.readInteger(as: UInt16.self)
            self.queue.value.push(.close(code: code, reason: payload.readString(length: payload.readableBytes) ?? ""))
            guard !self.answeredClose else { return }
            self.answeredClose = true
            var reply = context.channel.allocator.buffer(capacity: 2)
            if let code { reply.writeInteger(code) }
            let frame = WebSocketFrame(fin: true, opcode: .connectionClose, maskKey: .random(), data: reply)
            context.writeAndFlush(Self.wrapOutboundOut(frame), promise: nil)
        case .ping:
            break
        default:
            let rsv: UInt8 = (frame.rsv1 ? 0x40 : 0) | (frame.rsv2 ? 0x20 : 0) | (frame.rsv3 ? 0x10 : 0)
            let firstByte = (frame.fin ? 0x80 : 0) | rsv | UInt8(webSocketOpcode: frame.opcode)
            self.queue.value.push(.frame(firstByte: firstByte, masked: frame.maskKey != nil))
        }
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        context.close(promise: nil)
    }
}
