import NIOCore
import NIOWebSocket
import WSConnectionStateMachine

/// The end of an upgraded session's pipeline: turns frames into session events, answers
/// pings and close frames, and reports how the connection ended.
final class SessionFrameHandler: ChannelInboundHandler {
    typealias InboundIn = WebSocketFrame
    typealias OutboundOut = WebSocketFrame

    private let session: Session
    private let connectionID: UInt64
    private var loss: ConnectionLoss?
    private var messageTooLarge = false

    init(session: Session, connectionID: UInt64) {
        self.session = session
        self.connectionID = connectionID
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let frame = Self.unwrapInboundIn(data)
        switch frame.opcode {
        case .text:
            self.session.connectionReceived(self.connectionID, text: frame.unmaskedData)
        case .binary:
            self.session.connectionReceivedBinary(self.connectionID)
        case .ping:
            let pong = WebSocketFrame.clientFrame(opcode: .pong, data: frame.unmaskedData)
            context.writeAndFlush(Self.wrapOutboundOut(pong), promise: nil)
            self.session.connectionReceivedControlFrame(self.connectionID)
        case .pong:
            self.session.connectionReceivedControlFrame(self.connectionID)
        case .connectionClose:
            var payload = frame.unmaskedData
            let code = payload.readInteger(as: UInt16.self)
            self.loss = .serverClosed(code: code)
            // Echo the close (RFC 6455 §5.5.1), then close the TCP connection.
            var echo = context.channel.allocator.buffer(capacity: 2)
            if let code { echo.writeInteger(code) }
            let reply = WebSocketFrame.clientFrame(opcode: .connectionClose, data: echo)
            context.writeAndFlush(Self.wrapOutboundOut(reply)).assumeIsolated().whenComplete { _ in
                context.close(promise: nil)
            }
        default:
            break
        }
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        // The loss is recorded before anything closes the channel: a close can complete at once,
        // and `channelInactive` must find it. (NIO's own protocol error handler closes first,
        // which is why the upgrader's `automaticErrorHandling` is off.)
        guard self.loss == nil else {
            context.close(promise: nil)
            return
        }
        let isProtocolError = ConnectionErrorClassifier.isProtocolError(error)
        self.loss = isProtocolError ? .protocolError : .networkError
        self.messageTooLarge = ConnectionErrorClassifier.isMessageTooLarge(error)
        guard isProtocolError else {
            context.close(promise: nil)
            return
        }
        // Fail the WebSocket connection (RFC 6455 §7.1.7): 1009 for a message over the limit,
        // 1002 for any other broken frame.
        var payload = context.channel.allocator.buffer(capacity: 2)
        payload.write(webSocketErrorCode: self.messageTooLarge ? .messageTooLarge : .protocolError)
        let close = WebSocketFrame.clientFrame(opcode: .connectionClose, data: payload)
        context.writeAndFlush(Self.wrapOutboundOut(close)).assumeIsolated().whenComplete { _ in
            context.close(promise: nil)
        }
    }

    func channelInactive(context: ChannelHandlerContext) {
        self.session.connectionLost(
            self.connectionID,
            self.loss ?? .networkError,
            tooLarge: self.messageTooLarge
        )
        context.fireChannelInactive()
    }
}

@available(*, unavailable)
extension SessionFrameHandler: Sendable {}
