import NIOCore

/// A complete WebSocket frame (header and payload) in one buffer.
///
/// The broadcast encodes each message once and hands the same buffer to every client, so a tick
/// costs one allocation whatever the number of clients.
enum EncodedFrame {
    /// `text` as a single final text frame, as a server sends it (RFC 6455 5.2: servers never mask).
    static func text(_ text: String, allocator: ByteBufferAllocator) -> ByteBuffer {
        Self.make(firstByte: 0x81, payload: ByteBuffer(string: text), allocator: allocator)  // FIN + opcode 1 (text)
    }

    /// A frame whose first byte (FIN, RSV1-3, opcode) is `firstByte`, masked with `maskingKey` if
    /// one is given. Only the `bad-frame` fault sends a masked frame or reserved bits.
    static func make(
        firstByte: UInt8,
        payload: ByteBuffer,
        maskingKey: [UInt8]? = nil,
        allocator: ByteBufferAllocator
    ) -> ByteBuffer {
        let length = payload.readableBytes
        let maskBit: UInt8 = maskingKey == nil ? 0 : 0x80
        var buffer = allocator.buffer(capacity: length + 14)
        buffer.writeInteger(firstByte)
        switch length {
        case 0..<126:
            buffer.writeInteger(maskBit | UInt8(length))
        case 126...Int(UInt16.max):
            buffer.writeInteger(maskBit | 126)
            buffer.writeInteger(UInt16(length))
        default:
            buffer.writeInteger(maskBit | 127)
            buffer.writeInteger(UInt64(length))
        }
        guard let maskingKey else {
            buffer.writeImmutableBuffer(payload)
            return buffer
        }
        buffer.writeBytes(maskingKey)
        for (index, byte) in payload.readableBytesView.enumerated() {
            buffer.writeInteger(byte ^ maskingKey[index % 4])
        }
        return buffer
    }
}

/// A message for every client: its bytes, and its uncompressed frame encoded once for all the
/// clients that did not agree to compression.
struct OutboundMessage: Sendable {
    /// The data opcode: 0x1 text, 0x2 binary.
    let opcode: UInt8
    /// The message's bytes.
    let payload: ByteBuffer
    /// The message as one final, uncompressed frame.
    let frame: ByteBuffer

    /// A text message.
    static func text(_ text: String, allocator: ByteBufferAllocator) -> OutboundMessage {
        OutboundMessage(opcode: 0x1, payload: ByteBuffer(string: text), allocator: allocator)
    }

    /// A message of `opcode` with `payload`.
    init(opcode: UInt8, payload: ByteBuffer, allocator: ByteBufferAllocator) {
        self.opcode = opcode
        self.payload = payload
        self.frame = EncodedFrame.make(firstByte: 0x80 | opcode, payload: payload, allocator: allocator)
    }
}
