import NIOCore
import WSConnectionStateMachine

/// The only handler of an upgraded session's pipeline (behind TLS, if any): reads the server's
/// frames from bytes, turns them into session events, answers pings and close frames, fails
/// the connection on a broken frame, and reports how the connection ended.
final class SessionChannelHandler: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    private let session: Session
    private let connectionID: UInt64
    private var reader: InboundMessageReader
    /// The start of a frame whose end has not arrived yet; `nil` between frames, so a session
    /// holds no buffer of its own while it waits for the next message.
    private var partialFrame: ByteBuffer?
    private var loss: ConnectionLoss?
    private var messageTooLarge = false

    init(session: Session, connectionID: UInt64) {
        self.session = session
        self.connectionID = connectionID
        self.reader = InboundMessageReader(maxMessageBytes: session.settings.maxMessageBytes)
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        // After a close or a broken frame, nothing the server sends matters any more.
        guard self.loss == nil else { return }
        var bytes = Self.unwrapInboundIn(data)
        if var partial = self.partialFrame {
            self.partialFrame = nil
            partial.writeBuffer(&bytes)
            bytes = partial
        }
        do {
            while self.loss == nil, let message = try self.reader.read(from: &bytes) {
                self.deliver(message, context: context)
            }
        } catch {
            self.fail(error, context: context)
            return
        }
        if self.loss == nil && bytes.readableBytes > 0 { self.partialFrame = bytes }
    }

    private func deliver(_ message: InboundMessage, context: ChannelHandlerContext) {
        switch message {
        case .text(let text):
            self.session.connectionReceived(self.connectionID, text: text)
        case .binary:
            self.session.connectionReceivedBinary(self.connectionID)
        case .ping(let payload):
            let pong = context.channel.allocator.clientFrame(opcode: FrameHeader.pong, payload: payload)
            context.writeAndFlush(Self.wrapOutboundOut(pong), promise: nil)
            self.session.connectionReceivedControlFrame(self.connectionID)
        case .pong:
            self.session.connectionReceivedControlFrame(self.connectionID)
        case .close(let code):
            self.loss = .serverClosed(code: code)
            // Echo the close (RFC 6455 §5.5.1), then close the TCP connection.
            self.closeAfter(context.channel.allocator.clientCloseFrame(code: code), context: context)
        }
    }

    /// Fails the WebSocket connection (RFC 6455 §7.1.7): 1009 for a message over the limit,
    /// 1002 for any other broken frame.
    private func fail(_ violation: WebSocketViolation, context: ChannelHandlerContext) {
        self.loss = .protocolError
        self.partialFrame = nil
        if case .messageTooLarge = violation { self.messageTooLarge = true }
        let code: UInt16 = self.messageTooLarge ? 1009 : 1002
        self.closeAfter(context.channel.allocator.clientCloseFrame(code: code), context: context)
    }

    private func closeAfter(_ frame: ByteBuffer, context: ChannelHandlerContext) {
        context.writeAndFlush(Self.wrapOutboundOut(frame)).assumeIsolated().whenComplete { _ in
            context.close(promise: nil)
        }
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        // A read or TLS error after the handshake: the network failed, not the protocol.
        if self.loss == nil { self.loss = .networkError }
        context.close(promise: nil)
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
extension SessionChannelHandler: Sendable {}
