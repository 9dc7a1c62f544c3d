import NIOCore
import WSConnectionStateMachine
import WSHealthWebSocket

extension Session: WebSocketClientDelegate {
    /// What the connection's handler read: data messages and the proof of life of control frames.
    func webSocketReceived(_ message: InboundMessage, connection id: UInt64, context: ChannelHandlerContext) {
        switch message {
        case .text(let text):
            self.connectionReceived(id, text: text)
        case .binary:
            self.settings.trace?.received(message, valid: false)
            self.connectionReceivedBinary(id)
        case .ping, .pong:
            self.settings.trace?.received(message, valid: false)
            self.connectionReceivedControlFrame(id)
        case .close: break  // the handler reports a close as the connection's ending
        }
    }

    /// How the connection ended, in the machine's terms.
    func webSocketEnded(_ ending: WebSocketEnding, connection id: UInt64) {
        switch ending {
        case .serverClosed(let code, let reason):
            self.connectionLost(id, .serverClosed(code: code), closeReason: reason)
        case .violation(let violation): self.connectionLost(id, .protocolError, violation: violation)
        case .networkError: self.connectionLost(id, .networkError)
        case .bufferRefused(let bytes):
            self.connectionLost(
                id,
                .resourceExhausted,
                closeCode: 1009,
                detail: "closed with 1009: no room in the agent's message buffers for \(bytes) bytes"
                    + " (--messages.max-buffered-bytes)"
            )
        }
    }
}
