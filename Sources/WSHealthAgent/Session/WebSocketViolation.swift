/// A frame from the server that RFC 6455 obliges the client to fail the connection for.
enum WebSocketViolation: Error, Hashable, CustomStringConvertible {
    /// RSV1, RSV2 or RSV3 set, with no extension negotiated (§5.2; the agent negotiates none).
    case reservedBits
    /// An opcode RFC 6455 reserves (0x3-0x7, 0xB-0xF).
    case reservedOpcode(UInt8)
    /// A masked frame: servers never mask (§5.1).
    case maskedFrame
    /// A 64-bit payload length with its most significant bit set (§5.2).
    case invalidLength
    /// A control frame without FIN (§5.5).
    case fragmentedControlFrame
    /// A control frame with more than 125 bytes of payload (§5.5).
    case controlFrameTooLong(Int)
    /// A continuation frame with no fragmented message to continue (§5.4).
    case unexpectedContinuation
    /// A new text or binary frame before the fragmented message ended (§5.4).
    case unfinishedMessage
    /// A message over the configured limit: the only violation closed with 1009, not 1002.
    case messageTooLarge(limit: Int)

    var description: String {
        switch self {
        case .reservedBits: "a frame with reserved bits set"
        case .reservedOpcode(let opcode): "a frame with reserved opcode 0x\(String(opcode, radix: 16, uppercase: true))"
        case .maskedFrame: "a masked frame from the server"
        case .invalidLength: "a frame length with its most significant bit set"
        case .fragmentedControlFrame: "a fragmented control frame"
        case .controlFrameTooLong(let length): "a control frame of \(length) bytes (at most 125)"
        case .unexpectedContinuation: "a continuation frame outside a fragmented message"
        case .unfinishedMessage: "a new message before the fragmented one ended"
        case .messageTooLarge(let limit): "a message over the limit of \(limit) bytes"
        }
    }
}
