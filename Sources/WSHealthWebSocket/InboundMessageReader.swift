package import NIOCore

/// What the server sent, once a whole frame (or a whole fragmented message) has arrived.
package enum InboundMessage: Equatable {
    /// A text message, valid UTF-8: a view of the received bytes, or of the reassembled
    /// fragments, or the inflated message.
    case text(ByteBuffer)
    /// A binary message; its bytes only when the reader keeps them (a monitor only counts it).
    case binary(ByteBuffer?)
    /// A ping, with the payload its pong must carry.
    case ping(ByteBuffer)
    /// A pong.
    case pong
    /// A valid close frame, with its status code if it carried one and its reason (UTF-8,
    /// at most 123 bytes; empty when it had none).
    case close(code: UInt16?, reason: String)
}

/// Reads the server's side of a WebSocket connection from bytes: frame headers, every rule of
/// RFC 6455 a client must enforce (UTF-8 text, close codes, control frames, fragmentation), the
/// reassembly of fragmented messages and, once agreed, permessage-deflate (RFC 7692).
///
/// One value owned by the connection's only handler: no handler context and no boxed frame per
/// hop, and a complete uncompressed frame is handed on as a slice of the bytes it arrived in.
/// Only a fragmented text message (or a compressed one) is copied, into a buffer that lives
/// until its last fragment. Text is validated as its bytes arrive, so invalid UTF-8 fails the
/// connection at the first byte that shows it, not when the message ends.
package struct InboundMessageReader {
    /// The largest message accepted, fragments included, after inflation.
    package let maxMessageBytes: Int
    /// Whether binary messages are delivered with their bytes.
    package let keepsBinary: Bool
    /// Set when permessage-deflate was agreed: RSV1 on a message's first frame then means the
    /// message is compressed.
    private let inflater: MessageInflater?
    /// The server's window, kept between messages when the server keeps its context.
    private var window: CompressionWindow?
    private let allocator = ByteBufferAllocator()
    /// The message being reassembled.
    private var fragmented: Fragment?
    /// The text being validated, across frames and partial frames.
    private var utf8 = UTF8Validator()
    /// How much of the payload of the frame that has not fully arrived was validated already.
    private var validatedPayload = 0

    private struct Fragment {
        var isText: Bool
        var isCompressed: Bool
        /// The bytes so far, when they are kept (text, compressed, or binary when kept).
        var bytes: ByteBuffer?
        var length: Int
    }

    /// Creates a reader; `inflater` when permessage-deflate was agreed, `contextTakeover` when
    /// the server's messages may refer to its earlier ones (no `server_no_context_takeover`).
    package init(
        maxMessageBytes: Int,
        keepsBinary: Bool = false,
        inflater: MessageInflater? = nil,
        contextTakeover: Bool = false
    ) {
        self.maxMessageBytes = maxMessageBytes
        self.keepsBinary = keepsBinary
        self.inflater = inflater
        self.window = inflater.flatMap { contextTakeover ? CompressionWindow(bits: $0.windowBits) : nil }
    }

    /// A compressed message may be a little larger than what it inflates to (stored blocks
    /// cost 5 bytes in 64 KiB); beyond this it is over the limit whatever it holds.
    private var compressedLimit: Int { self.maxMessageBytes + self.maxMessageBytes / 1024 + 64 }

    /// Reads the next message from `buffer`, consuming its bytes; `nil` when `buffer` holds no
    /// complete frame (what is left is the start of one). A violation ends the connection: the
    /// reader must not be used after it throws.
    package mutating func read(from buffer: inout ByteBuffer) throws(WebSocketViolation) -> InboundMessage? {
        while let header = try FrameHeader(peekingAt: buffer) {
            try self.check(header)
            let arrived = buffer.readableBytes - header.headerLength
            guard arrived >= header.payloadLength else {
                if self.isPlainText(header) && arrived > self.validatedPayload {
                    let start = buffer.readerIndex + header.headerLength + self.validatedPayload
                    try self.validate(buffer.readableBytesView[start..<(start + arrived - self.validatedPayload)])
                    self.validatedPayload = arrived
                }
                return nil
            }
            buffer.moveReaderIndex(forwardBy: header.headerLength)
            let payload = buffer.readSlice(length: header.payloadLength)!
            if let message = try self.accept(header, payload: payload) { return message }
        }
        return nil
    }

    /// What the connection will hold until its unfinished message is complete: the fragments
    /// kept so far, and the whole frame (by its declared length) whose start is `pending`.
    /// 0 between messages.
    package func bytesToBuffer(pending: ByteBuffer?) -> Int {
        var total = self.fragmented?.bytes?.readableBytes ?? 0
        if let pending, pending.readableBytes > 0 {
            if let header = try? FrameHeader(peekingAt: pending) {
                total += header.headerLength + header.payloadLength
            } else {
                total += pending.readableBytes
            }
        }
        return total
    }

    /// Whether the frame's payload is text that is not compressed: validated as it arrives.
    private func isPlainText(_ header: FrameHeader) -> Bool {
        switch header.opcode {
        case FrameHeader.text: !header.rsv1
        case FrameHeader.continuation: self.fragmented.map { $0.isText && !$0.isCompressed } ?? false
        default: false
        }
    }

    /// The rules that can be checked from the header alone, before the payload has arrived: an
    /// oversized message fails at once instead of being buffered.
    private func check(_ header: FrameHeader) throws(WebSocketViolation) {
        if header.rsv1 {
            guard self.inflater != nil else { throw .reservedBits }
            guard header.opcode == FrameHeader.text || header.opcode == FrameHeader.binary else {
                throw .misplacedCompressionBit
            }
        }
        if header.isControl {
            guard header.fin else { throw .fragmentedControlFrame }
            guard header.payloadLength <= 125 else { throw .controlFrameTooLong(header.payloadLength) }
            return
        }
        let isContinuation = header.opcode == FrameHeader.continuation
        if isContinuation && self.fragmented == nil { throw .unexpectedContinuation }
        if !isContinuation && self.fragmented != nil { throw .unfinishedMessage }
        let compressed = isContinuation ? self.fragmented!.isCompressed : header.rsv1
        let before = self.fragmented?.length ?? 0
        guard header.payloadLength <= (compressed ? self.compressedLimit : self.maxMessageBytes) - before else {
            throw .messageTooLarge(limit: self.maxMessageBytes)
        }
    }

    private mutating func accept(
        _ header: FrameHeader,
        payload: ByteBuffer
    ) throws(WebSocketViolation) -> InboundMessage? {
        switch header.opcode {
        case FrameHeader.text, FrameHeader.binary:
            // The validator is at a character boundary: every text message before ended on one.
            let isText = header.opcode == FrameHeader.text
            if isText && !header.rsv1 { try self.validateRest(of: payload) }
            if header.fin { return try self.finish(isText: isText, compressed: header.rsv1, payload) }
            var bytes: ByteBuffer?
            if isText || header.rsv1 || self.keepsBinary {
                var buffer = self.allocator.buffer(capacity: payload.readableBytes * 2)
                buffer.writeImmutableBuffer(payload)
                bytes = buffer
            }
            self.fragmented = Fragment(
                isText: isText,
                isCompressed: header.rsv1,
                bytes: bytes,
                length: payload.readableBytes
            )
            return nil
        case FrameHeader.continuation:
            guard var message = self.fragmented else { throw .unexpectedContinuation }
            self.fragmented = nil  // `message.bytes` is now uniquely referenced: appending does not copy
            if message.isText && !message.isCompressed { try self.validateRest(of: payload) }
            message.length += payload.readableBytes
            message.bytes?.writeImmutableBuffer(payload)
            guard header.fin else {
                self.fragmented = message
                return nil
            }
            return try self.finish(isText: message.isText, compressed: message.isCompressed, message.bytes)
        case FrameHeader.ping:
            return .ping(payload)
        case FrameHeader.pong:
            return .pong
        default:  // close: `FrameHeader` admits no other opcode
            let code = try CloseFrame.code(of: payload)
            return .close(code: code, reason: code == nil ? "" : CloseFrame.reason(of: payload))
        }
    }

    /// The whole message: inflated if compressed, its text checked to end on a character.
    private mutating func finish(
        isText: Bool,
        compressed: Bool,
        _ bytes: ByteBuffer?
    ) throws(WebSocketViolation) -> InboundMessage {
        var message = bytes
        if compressed, let inflater = self.inflater, let bytes {
            let inflated = try inflater.inflate(
                bytes,
                window: &self.window,
                limit: self.maxMessageBytes,
                allocator: self.allocator
            )
            if isText { try self.validate(inflated.readableBytesView) }
            message = inflated
        }
        guard isText else { return .binary(self.keepsBinary ? message : nil) }
        guard self.utf8.isAtBoundary else { throw .invalidUTF8 }
        return .text(message ?? ByteBuffer())
    }

    /// Validates what was not validated yet of a complete frame's payload.
    private mutating func validateRest(of payload: ByteBuffer) throws(WebSocketViolation) {
        let view = payload.readableBytesView
        let rest = view[(view.startIndex + min(self.validatedPayload, view.count))...]
        self.validatedPayload = 0
        try self.validate(rest)
    }

    private mutating func validate(_ bytes: ByteBufferView) throws(WebSocketViolation) {
        guard self.utf8.validate(bytes) else { throw .invalidUTF8 }
    }
}

/// A frame's header (RFC 6455 §5.2), read without consuming it.
package struct FrameHeader {
    package static let continuation: UInt8 = 0x0
    package static let text: UInt8 = 0x1
    package static let binary: UInt8 = 0x2
    package static let close: UInt8 = 0x8
    package static let ping: UInt8 = 0x9
    package static let pong: UInt8 = 0xA

    var fin: Bool
    /// RSV1: with permessage-deflate, the message is compressed.
    var rsv1: Bool
    var opcode: UInt8
    var headerLength: Int
    var payloadLength: Int

    var isControl: Bool { self.opcode & 0x8 != 0 }

    /// The header at the start of `buffer`'s readable bytes; `nil` if it has not all arrived.
    /// Throws for what makes the frame unreadable or forbidden whatever follows.
    init?(peekingAt buffer: ByteBuffer) throws(WebSocketViolation) {
        guard let (first, second) = buffer.getMultipleIntegers(at: buffer.readerIndex, as: (UInt8, UInt8).self)
        else { return nil }
        // RSV2 and RSV3 belong to no extension the client offers.
        guard first & 0x30 == 0 else { throw .reservedBits }
        self.fin = first & 0x80 != 0
        self.rsv1 = first & 0x40 != 0
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
