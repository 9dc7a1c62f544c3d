import NIOCore
import NIOWebSocket

/// Rejects the frames RFC 6455 forbids a client to accept that NIO's frame decoder passes on:
/// reserved bits set with no extension negotiated (§5.2; the agent negotiates none), a reserved
/// opcode (§5.2), a masked frame from the server (§5.1).
///
/// It sits between the frame decoder and the aggregator, so every fragment is checked. A broken
/// frame goes no further, and neither does anything after it: the validator fires a
/// ``WebSocketViolation``, and the frame handler fails the connection with 1002.
final class InboundFrameValidator: ChannelInboundHandler {
    typealias InboundIn = WebSocketFrame
    typealias InboundOut = WebSocketFrame

    private var failed = false

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard !self.failed else { return }
        guard let violation = Self.violation(in: Self.unwrapInboundIn(data)) else {
            context.fireChannelRead(data)
            return
        }
        self.failed = true
        context.fireErrorCaught(violation)
    }

    /// The rule `frame` breaks, if any.
    static func violation(in frame: WebSocketFrame) -> WebSocketViolation? {
        if frame.rsv1 || frame.rsv2 || frame.rsv3 { return .reservedBits }
        if frame.maskKey != nil { return .maskedFrame }
        switch frame.opcode {
        case .continuation, .text, .binary, .connectionClose, .ping, .pong: return nil
        default: return .reservedOpcode(UInt8(webSocketOpcode: frame.opcode))
        }
    }
}

/// A frame from the server that RFC 6455 obliges the client to fail the connection for.
enum WebSocketViolation: Error, Hashable, CustomStringConvertible {
    /// RSV1, RSV2 or RSV3 set, with no extension negotiated.
    case reservedBits
    /// An opcode RFC 6455 reserves (0x3-0x7, 0xB-0xF).
    case reservedOpcode(UInt8)
    /// A masked frame: servers never mask.
    case maskedFrame

    var description: String {
        switch self {
        case .reservedBits: "a frame with reserved bits set"
        case .reservedOpcode(let opcode): "a frame with reserved opcode 0x\(String(opcode, radix: 16, uppercase: true))"
        case .maskedFrame: "a masked frame from the server"
        }
    }
}

@available(*, unavailable)
extension InboundFrameValidator: Sendable {}
