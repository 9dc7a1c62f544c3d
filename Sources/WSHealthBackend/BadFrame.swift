import NIOCore

/// The frames the `bad-frame` fault sends: each breaks a rule of RFC 6455 (or RFC 7692) that
/// obliges a client to fail the connection, and each is caught at a different place in a
/// client's pipeline.
public enum BadFrame: String, Sendable, Hashable, CaseIterable {
    /// A data frame with opcode 0x3, reserved for future use (5.2).
    case reservedOpcode = "reserved-opcode"
    /// A text frame with RSV2 set: no extension defines it (5.2).
    case reservedBits = "reserved-bits"
    /// A ping without FIN: control frames must not be fragmented (5.5).
    case fragmentedControl = "fragmented-control"
    /// A final continuation frame that continues no message (5.4).
    case orphanContinuation = "orphan-continuation"
    /// A masked text frame: a server must never mask (5.1), and a client must close on one.
    case masked
    /// A text message that is not UTF-8 (8.1): a client fails the connection with 1007.
    case invalidUTF8 = "invalid-utf8"
    /// A close frame with code 1004, which RFC 6455 reserves (7.4.1): 1002.
    case invalidCloseCode = "invalid-close-code"
    /// A close frame 1000 whose reason is not UTF-8 (5.5.1): 1007.
    case invalidCloseReason = "invalid-close-reason"
    /// A text frame with RSV1 set and an uncompressed payload: on a connection without
    /// permessage-deflate RSV1 is reserved (5.2); with it, the payload does not inflate.
    case rsv1WithoutExtension = "rsv1-without-extension"
    /// A compressed text frame (RSV1) whose payload is not deflate data (RFC 7692 7.2.2).
    case corruptCompressed = "corrupt-compressed"

    /// The frame, encoded once for every client.
    func encoded(allocator: ByteBufferAllocator) -> ByteBuffer {
        // The payloads are valid JSON, so a client that ignored the rule would count a message.
        let payload = ByteBuffer(string: #"{"bad_frame":"\#(self.rawValue)"}"#)
        switch self {
        case .reservedOpcode:
            return EncodedFrame.make(firstByte: 0x83, payload: payload, allocator: allocator)
        case .reservedBits:
            return EncodedFrame.make(firstByte: 0xA1, payload: payload, allocator: allocator)
        case .fragmentedControl:
            return EncodedFrame.make(firstByte: 0x09, payload: payload, allocator: allocator)
        case .orphanContinuation:
            return EncodedFrame.make(firstByte: 0x80, payload: payload, allocator: allocator)
        case .masked:
            return EncodedFrame.make(
                firstByte: 0x81,
                payload: payload,
                maskingKey: [0x5A, 0x17, 0xC3, 0x8E],
                allocator: allocator
            )
        case .invalidUTF8:
            // JSON but for one byte: 0xC0 0x80 is an overlong NUL, never valid UTF-8.
            var text = ByteBuffer(string: #"{"bad_frame":"invalid-utf8 "#)
            text.writeBytes([0xC0, 0x80])
            text.writeString(#""}"#)
            return EncodedFrame.make(firstByte: 0x81, payload: text, allocator: allocator)
        case .invalidCloseCode:
            var close = ByteBuffer()
            close.writeInteger(UInt16(1004))
            return EncodedFrame.make(firstByte: 0x88, payload: close, allocator: allocator)
        case .invalidCloseReason:
            var close = ByteBuffer()
            close.writeInteger(UInt16(1000))
            close.writeBytes([0x62, 0x79, 0x65, 0xED, 0xA0, 0x80])  // "bye" and a surrogate
            return EncodedFrame.make(firstByte: 0x88, payload: close, allocator: allocator)
        case .rsv1WithoutExtension:
            return EncodedFrame.make(firstByte: 0xC1, payload: payload, allocator: allocator)
        case .corruptCompressed:
            return EncodedFrame.make(
                firstByte: 0xC1,
                payload: ByteBuffer(bytes: [0xFF, 0xFF, 0xFF, 0xFF]),
                allocator: allocator
            )
        }
    }
}
