package import NIOCore
import NIOWebSocket

extension ByteBufferAllocator {
    /// One client frame, encoded: masked with a fresh key, as RFC 6455 §5.3 requires of every
    /// frame a client sends.
    package func clientFrame(opcode: UInt8, payload: ByteBuffer = ByteBuffer(), fin: Bool = true) -> ByteBuffer {
        let length = payload.readableBytes
        let key = WebSocketMaskingKey.random()
        var frame = self.buffer(capacity: 14 + length)
        frame.writeInteger((fin ? 0x80 : 0) | opcode)
        switch length {
        case 0..<126:
            frame.writeInteger(0x80 | UInt8(length))
        case 126...Int(UInt16.max):
            frame.writeMultipleIntegers(UInt8(0x80 | 126), UInt16(length))
        default:
            frame.writeMultipleIntegers(UInt8(0x80 | 127), UInt64(length))
        }
        frame.writeBytes(key)
        var masked = payload
        masked.webSocketMask(key)
        frame.writeBuffer(&masked)
        return frame
    }

    /// A close frame with `code` as its status, or none.
    package func clientCloseFrame(code: UInt16?) -> ByteBuffer {
        var payload = self.buffer(capacity: 2)
        if let code { payload.writeInteger(code) }
        return self.clientFrame(opcode: FrameHeader.close, payload: payload)
    }
}
