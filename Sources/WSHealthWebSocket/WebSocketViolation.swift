/// A frame from the server that RFC 6455 (or RFC 7692, with compression) obliges the client to
/// fail the connection for, and the close code the client fails it with.
package enum WebSocketViolation: Error, Hashable, CustomStringConvertible {
    /// RSV2 or RSV3 set, or RSV1 without permessage-deflate negotiated (§5.2).
    case reservedBits
    /// RSV1 on a control or continuation frame: only a message's first frame says whether the
    /// message is compressed (RFC 7692 §6).
    case misplacedCompressionBit
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
    /// A message over the configured limit (after inflation, if compressed).
    case messageTooLarge(limit: Int)
    /// A text message, or a close frame's reason, that is not valid UTF-8 (§8.1).
    case invalidUTF8
    /// A close frame whose payload is one byte: a status code needs two (§5.5.1).
    case truncatedCloseCode
    /// A close frame with a status code no endpoint may send (§7.4).
    case invalidCloseCode(UInt16)
    /// A compressed message zlib cannot inflate (RFC 7692 §7.2.2).
    case invalidCompressedData

    /// The status code of the close frame the client fails the connection with: 1009 for a
    /// message over the limit, 1007 for text that is not UTF-8, 1002 for every other violation.
    package var closeCode: UInt16 {
        switch self {
        case .messageTooLarge: 1009
        case .invalidUTF8: 1007
        default: 1002
        }
    }

    package var description: String {
        switch self {
        case .reservedBits: "a frame with reserved bits set"
        case .misplacedCompressionBit: "RSV1 on a control or continuation frame"
        case .reservedOpcode(let opcode): "a frame with reserved opcode 0x\(String(opcode, radix: 16, uppercase: true))"
        case .maskedFrame: "a masked frame from the server"
        case .invalidLength: "a frame length with its most significant bit set"
        case .fragmentedControlFrame: "a fragmented control frame"
        case .controlFrameTooLong(let length): "a control frame of \(length) bytes (at most 125)"
        case .unexpectedContinuation: "a continuation frame outside a fragmented message"
        case .unfinishedMessage: "a new message before the fragmented one ended"
        case .messageTooLarge(let limit): "a message over the limit of \(limit) bytes"
        case .invalidUTF8: "text that is not valid UTF-8"
        case .truncatedCloseCode: "a close frame of one byte"
        case .invalidCloseCode(let code): "a close frame with the invalid code \(code)"
        case .invalidCompressedData: "a compressed message that does not inflate"
        }
    }
}
