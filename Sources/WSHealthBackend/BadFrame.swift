import NIOCore

/// The frames the `bad-frame` fault sends: each breaks a rule of RFC 6455 that obliges a client to
/// fail the connection, and each is caught at a different place in a client's pipeline.
public enum BadFrame: String, Sendable, Hashable, CaseIterable {
    /// A data frame with opcode 0x3, reserved for future use (5.2).
    case reservedOpcode = "reserved-opcode"
    /// A text frame with RSV1 set though no extension was negotiated (5.2).
    case reservedBits = "reserved-bits"
    /// A ping without FIN: control frames must not be fragmented (5.5).
    case fragmentedControl = "fragmented-control"
    /// A final continuation frame that continues no message (5.4).
    case orphanContinuation = "orphan-continuation"
    /// A masked text frame: a server must never mask (5.1), and a client must close on one.
    case masked

    /// The frame, encoded once for every client.
    func encoded(allocator: ByteBufferAllocator) -> ByteBuffer {
        // The payloads are valid JSON, so a client that ignored the rule would count a message.
        let payload = ByteBuffer(string: #"{"bad_frame":"\#(self.rawValue)"}"#)
        switch self {
        case .reservedOpcode:
            return EncodedFrame.make(firstByte: 0x83, payload: payload, allocator: allocator)
        case .reservedBits:
            return EncodedFrame.make(firstByte: 0xC1, payload: payload, allocator: allocator)
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
        }
    }
}
