public import NIOCore
import NIOPosix

/// Sends raw bytes and collects every byte the server answers until it closes the connection:
/// for answers no HTTP or WebSocket client would let through unchanged, and for requests no
/// client would send that way (several pipelined in one write).
public enum RawExchange {
    /// The server had not closed the connection when the time was up.
    public struct NotClosed: Error, CustomStringConvertible {
        public let timeout: Duration
        public var description: String { "the server did not close within \(self.timeout)" }
    }

    /// The bytes `address` answers to `request`, as text; fails if it has not closed within `timeout`.
    public static func send(
        _ request: String,
        to address: SocketAddress,
        timeout: Duration = .seconds(10)
    ) async throws
        -> String
    {
        let eventLoop = MultiThreadedEventLoopGroup.singleton.next()
        let promise = eventLoop.makePromise(of: String.self)
        let timer = eventLoop.scheduleTask(in: TimeAmount(timeout)) {
            promise.fail(NotClosed(timeout: timeout))
        }
        defer { timer.cancel() }
        let channel = try await ClientBootstrap(group: eventLoop)
            .connectTimeout(.seconds(5))
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(Collector(promise: promise))
                }
            }
            .connect(to: address).get()
        defer { channel.close(promise: nil) }
        try await channel.writeAndFlush(ByteBuffer(string: request)).get()
        return try await promise.futureResult.get()
    }

    private final class Collector: ChannelInboundHandler {
        typealias InboundIn = ByteBuffer

        private let promise: EventLoopPromise<String>
        private var received = ByteBuffer()

        init(promise: EventLoopPromise<String>) {
            self.promise = promise
        }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            var bytes = Self.unwrapInboundIn(data)
            self.received.writeBuffer(&bytes)
        }

        func channelInactive(context: ChannelHandlerContext) {
            self.promise.succeed(String(buffer: self.received))
        }

        func errorCaught(context: ChannelHandlerContext, error: any Error) {
            context.close(promise: nil)
        }
    }
}
