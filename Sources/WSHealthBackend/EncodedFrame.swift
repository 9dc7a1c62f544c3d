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
