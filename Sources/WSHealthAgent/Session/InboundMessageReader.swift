import NIOCore

/// What the server sent, once a whole frame (or a whole fragmented message) has arrived.
enum InboundMessage: Equatable {
    /// A text message, as a view of the received bytes (or of the reassembled fragments).
    case text(ByteBuffer)
    /// A binary message: the agent only counts it, so its bytes are not kept.
    case binary
    case ping(ByteBuffer)
    case pong
    /// A close frame, with its status code if it carried one.
    case close(code: UInt16?)
}

/// Reads the server's side of a WebSocket connection from bytes: frame headers, the rules of
/// RFC 6455 a client must enforce, and the reassembly of fragmented messages.
///
/// It replaces a pipeline of NIO's frame decoder, a validator and NIO's aggregator with one
/// value owned by the session's only handler: no handler context, no boxed frame per hop, and
/// a complete frame is handed on as a slice of the bytes it arrived in. Only a fragmented
/// text message is copied, into a buffer that lives until its last fragment.
struct InboundMessageReader {
    /// The largest message accepted, fragments included.
    let maxMessageBytes: Int
    /// The message being reassembled: whether it is text, and its bytes so far (text only).
    private var fragmented: (isText: Bool, bytes: ByteBuffer, length: Int)?

    init(maxMessageBytes: Int) {
        self.maxMessageBytes = maxMessageBytes
    }

    /// Reads the next message from `buffer`, consuming its bytes; `nil` when `buffer` holds no
    /// complete frame (what is left is the start of one). A violation ends the connection: the
    /// reader must not be used after it throws.
    mutating func read(from buffer: inout ByteBuffer) throws(WebSocketViolation) -> InboundMessage? {
        while let header = try FrameHeader(peekingAt: buffer) {
            try self.check(header)
            guard buffer.readableBytes - header.headerLength >= header.payloadLength else { return nil }
            buffer.moveReaderIndex(forwardBy: header.headerLength)
            let payload = buffer.readSlice(length: header.payloadLength)!
            if let message = try self.accept(header, payload: payload) { return message }
        }
        return nil
    }

    /// The rules that can be checked from the header alone, before the payload has arrived: an
    /// oversized message fails at once instead of being buffered.
    private func check(_ header: FrameHeader) throws(WebSocketViolation) {
        if header.isControl {
            guard header.fin else { throw .fragmentedControlFrame }
            guard header.payloadLength <= 125 else { throw .controlFrameTooLong(header.payloadLength) }
            return
        }
        let isContinuation = header.opcode == FrameHeader.continuation
        if isContinuation && self.fragmented == nil { throw .unexpectedContinuation }
        if !isContinuation && self.fragmented != nil { throw .unfinishedMessage }
        let before = self.fragmented?.length ?? 0
        guard header.payloadLength <= self.maxMessageBytes - before else {
            throw .messageTooLarge(limit: self.maxMessageBytes)
        }
    }

    private mutating func accept(
        _ header: FrameHeader,
        payload: ByteBuffer
    ) throws(WebSocketViolation)
        -> InboundMessage?
    {
        switch header.opcode {
        case FrameHeader.text, FrameHeader.binary:
            let isText = header.opcode == FrameHeader.text
            if header.fin { return isText ? .text(payload) : .binary }
            var bytes = ByteBuffer()
            if isText {
                bytes.reserveCapacity(payload.readableBytes * 2)
                bytes.writeImmutableBuffer(payload)
            }
            self.fragmented = (isText, bytes, payload.readableBytes)
            return nil
        case FrameHeader.continuation:
            guard var message = self.fragmented else { throw .unexpectedContinuation }
            self.fragmented = nil  // `message.bytes` is now uniquely referenced: appending does not copy
            message.length += payload.readableBytes
            if message.isText { message.bytes.writeImmutableBuffer(payload) }
            guard header.fin else {
                self.fragmented = message
                return nil
            }
            return message.isText ? .text(message.bytes) : .binary
        case FrameHeader.ping:
            return .ping(payload)
        case FrameHeader.pong:
            return .pong
        default:  // close: `FrameHeader` admits no other opcode
            var payload = payload
            return .close(code: payload.readInteger(as: UInt16.self))
        }
    }
}

/// A frame's header (RFC 6455 §5.2), read without consuming it.
struct FrameHeader {
    static let continuation: UInt8 = 0x0
    static let text: UInt8 = 0x1
    static let binary: UInt8 = 0x2
    static let close: UInt8 = 0x8
    static let ping: UInt8 = 0x9
    static let pong: UInt8 = 0xA

    var fin: Bool
    var opcode: UInt8
    var headerLength: Int
    var payloadLength: Int

    var isControl: Bool { self.opcode & 0x8 != 0 }

    /// The header at the start of `buffer`'s readable bytes; `nil` if it has not all arrived.
    /// Throws for what makes the frame unreadable or forbidden whatever follows.
    init?(peekingAt buffer: ByteBuffer) throws(WebSocketViolation) {
        guard let (first, second) = buffer.getMultipleIntegers(at: buffer.readerIndex, as: (UInt8, UInt8).self)
        else { return nil }
        guard first & 0x70 == 0 else { throw .reservedBits }
        self.fin = first & 0x80 != 0
        self.opcode = first & 0x0F
        switch self.opcode {
        case Self.continuation, Self.text, Self.binary, Self.close, Self.ping, Self.pong: break
        default: throw .reservedOpcode(self.opcode)
        }
        guard second & 0x80 == 0 else { throw .maskedFrame }
        let start = buffer.readerIndex + 2
        switch second & 0x7F {
        case 126:
            guard let length = buffer.getInteger(at: start, as: UInt16.self) else { return nil }
            (self.headerLength, self.payloadLength) = (4, Int(length))
        case 127:
            guard let length = buffer.getInteger(at: start, as: UInt64.self) else { return nil }
            guard length >> 63 == 0 else { throw .invalidLength }
            (self.headerLength, self.payloadLength) = (10, Int(length))
        case let length:
            (self.headerLength, self.payloadLength) = (2, Int(length))
        }
    }
}
