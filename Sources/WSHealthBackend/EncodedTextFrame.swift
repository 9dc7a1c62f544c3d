import NIOCore

/// A complete, unmasked WebSocket text frame (header and payload) in one buffer.
///
/// The broadcast encodes each message once and hands the same buffer to every client, so a tick
/// costs one allocation whatever the number of clients.
enum EncodedTextFrame {
    /// `text` as a single final text frame, as a server sends it (RFC 6455 5.2: servers never mask).
    static func make(_ text: String, allocator: ByteBufferAllocator) -> ByteBuffer {
        let length = text.utf8.count
        var buffer = allocator.buffer(capacity: length + 10)
        buffer.writeInteger(UInt8(0x81))  // FIN + opcode 1 (text)
        switch length {
        case 0..<126:
            buffer.writeInteger(UInt8(length))
        case 126...Int(UInt16.max):
            buffer.writeInteger(UInt8(126))
            buffer.writeInteger(UInt16(length))
        default:
            buffer.writeInteger(UInt8(127))
            buffer.writeInteger(UInt64(length))
        }
        buffer.writeString(text)
        return buffer
    }
}
