import NIOCore
import WSHealthWebSocket

/// One connection to the fuzzing server, as WebSocket libraries take the suite: every text and
/// binary message is sent back as it arrived (uncompressed: RFC 7692 lets a client send any
/// message without compression), everything else is the agent's own handling.
final class EchoConnection: WebSocketClientDelegate {
    /// Completed with how the connection ended.
    let ended: EventLoopPromise<WebSocketEnding>
    /// The first text message, for `/getCaseCount`.
    private(set) var firstText: String?

    init(ended: EventLoopPromise<WebSocketEnding>) {
        self.ended = ended
    }

    func webSocketReceived(_ message: InboundMessage, connection id: UInt64, context: ChannelHandlerContext) {
        let (opcode, payload): (UInt8, ByteBuffer)
        switch message {
        case .text(let text):
            if self.firstText == nil { self.firstText = String(buffer: text) }
            (opcode, payload) = (FrameHeader.text, text)
        case .binary(let bytes):
            (opcode, payload) = (FrameHeader.binary, bytes ?? ByteBuffer())
        case .ping, .pong, .close:
            return
        }
        context.writeAndFlush(
            NIOAny(context.channel.allocator.clientFrame(opcode: opcode, payload: payload)),
            promise: nil
        )
    }

    func webSocketEnded(_ ending: WebSocketEnding, connection id: UInt64) {
        self.finish(ending)
    }

    /// Completes `ended` the first time only: the handler reports first, the channel's close after.
    func finish(_ ending: WebSocketEnding) {
        guard !self.isFinished else { return }
        self.isFinished = true
        self.ended.succeed(ending)
    }

    private var isFinished = false
}

@available(*, unavailable)
extension EchoConnection: Sendable {}
