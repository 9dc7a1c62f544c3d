import NIOCore
import NIOWebSocket

extension ByteBufferAllocator {
    /// One client frame, encoded: FIN set, masked with a fresh key as RFC 6455 §5.3 requires
    /// of every frame a client sends. The agent sends only control frames (ping, pong, close),
    /// so the payload is at most 125 bytes and the length fits the first byte.
    func clientFrame(opcode: UInt8, payload: ByteBuffer = ByteBuffer()) -> ByteBuffer {
        precondition(payload.readableBytes <= 125, "a control frame's payload is at most 125 bytes")
        let key = WebSocketMaskingKey.random()
        var frame = self.buffer(capacity: 6 + payload.readableBytes)
        frame.writeMultipleIntegers(0x80 | opcode, 0x80 | UInt8(payload.readableBytes))
        frame.writeBytes(key)
        var masked = payload
        masked.webSocketMask(key)
        frame.writeBuffer(&masked)
        return frame
    }

    /// A close frame with `code` as its status, or none.
    func clientCloseFrame(code: UInt16?) -> ByteBuffer {
        var payload = self.buffer(capacity: 2)
        if let code { payload.writeInteger(code) }
        return self.clientFrame(opcode: FrameHeader.close, payload: payload)
    }
}
