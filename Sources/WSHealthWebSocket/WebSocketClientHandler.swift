package import NIOCore

/// What the owner of a client connection is told by ``WebSocketClientHandler``.
package protocol WebSocketClientDelegate: AnyObject {
    /// A message or a control frame arrived, on the connection `id`. A ping has been answered
    /// already; a close frame is reported through ``webSocketEnded(_:connection:)`` instead.
    func webSocketReceived(_ message: InboundMessage, connection id: UInt64, context: ChannelHandlerContext)
    /// The connection `id` is closed, and how it ended.
    func webSocketEnded(_ ending: WebSocketEnding, connection id: UInt64)
}

/// How a client connection ended, as the client saw it.
package enum WebSocketEnding: Hashable, Sendable {
    /// The server sent a valid close frame (with its code, if any, and its reason, empty when
    /// it had none); the client answered it.
    case serverClosed(code: UInt16?, reason: String)
    /// The server broke a rule: the client failed the connection with the violation's code.
    case violation(WebSocketViolation)
    /// The connection ended without a close frame: reset, EOF, a read or TLS error.
    case networkError
    /// The client had no room to buffer a message of `bytes` (its ``MessageBufferBudget`` was
    /// full): it failed the connection with 1009.
    case bufferRefused(bytes: Int)
}

/// The only handler of an upgraded client connection (behind TLS, if any), as a browser runs one:
/// reads the server's frames (``InboundMessageReader``), answers pings, answers a close frame
/// with the same code and then waits for the server to close TCP (RFC 6455 §7.1.1) for at most
/// `closeTimeout`, and fails the connection on a violation with its close code (§7.1.7).
package final class WebSocketClientHandler<Delegate: WebSocketClientDelegate>: ChannelInboundHandler {
    package typealias InboundIn = ByteBuffer
    package typealias OutboundOut = ByteBuffer

    private let delegate: Delegate
    private let id: UInt64
    private var reader: InboundMessageReader
    private let closeTimeout: TimeAmount
    /// The start of a frame whose end has not arrived yet; `nil` between frames, so a
    /// connection holds no buffer of its own while it waits for the next message.
    private var partialFrame: ByteBuffer?
    /// How the connection ends, once that is known; nothing read after it matters.
    private var ending: WebSocketEnding?
    private var closeTimer: Scheduled<Void>?
    /// Where an unfinished message's bytes are reserved; `nil`: no limit but the message's.
    private let buffers: MessageBufferBudget?
    /// What this connection has reserved in `buffers`.
    private var reserved = 0

    /// A handler reporting to `delegate` as connection `id`, reading with `reader`, holding
    /// unfinished messages only as far as `buffers` has room.
    package init(
        delegate: Delegate,
        connection id: UInt64,
        reader: InboundMessageReader,
        buffers: MessageBufferBudget? = nil,
        closeTimeout: TimeAmount = .seconds(2)
    ) {
        self.delegate = delegate
        self.id = id
        self.reader = reader
        self.buffers = buffers
        self.closeTimeout = closeTimeout
    }

    package func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard self.ending == nil else { return }
        var bytes = Self.unwrapInboundIn(data)
        if var partial = self.partialFrame {
            self.partialFrame = nil
            partial.writeBuffer(&bytes)
            bytes = partial
        }
        do {
            while self.ending == nil, let message = try self.reader.read(from: &bytes) {
                self.deliver(message, context: context)
            }
        } catch {
            self.fail(error, context: context)
            return
        }
        if self.ending == nil && bytes.readableBytes > 0 { self.partialFrame = bytes }
        self.reserveBuffers(context: context)
    }

    /// Reserves what the unfinished message needs (or gives back what it no longer does);
    /// fails the connection when the budget has no room.
    private func reserveBuffers(context: ChannelHandlerContext) {
        guard let buffers = self.buffers else { return }
        let needed = self.ending == nil ? self.reader.bytesToBuffer(pending: self.partialFrame) : 0
        if needed > self.reserved {
            guard buffers.reserve(needed - self.reserved) else {
                self.releaseBuffers()
                self.ending = .bufferRefused(bytes: needed)
                self.partialFrame = nil
                self.closeAfter(context.channel.allocator.clientCloseFrame(code: 1009), context: context)
                return
            }
        } else if needed < self.reserved {
            buffers.release(self.reserved - needed)
        }
        self.reserved = needed
    }

    private func releaseBuffers() {
        if self.reserved > 0 { self.buffers?.release(self.reserved) }
        self.reserved = 0
    }

    private func deliver(_ message: InboundMessage, context: ChannelHandlerContext) {
        switch message {
        case .ping(let payload):
            let pong = context.channel.allocator.clientFrame(opcode: FrameHeader.pong, payload: payload)
            context.writeAndFlush(Self.wrapOutboundOut(pong), promise: nil)
            self.delegate.webSocketReceived(message, connection: self.id, context: context)
        case .close(let code, let reason):
            self.ending = .serverClosed(code: code, reason: reason)
            // Answer with the same code (§5.5.1); the server closes TCP first (§7.1.1).
            let answer = context.channel.allocator.clientCloseFrame(code: code)
            context.writeAndFlush(Self.wrapOutboundOut(answer), promise: nil)
            self.closeTimer = context.eventLoop.assumeIsolated().scheduleTask(in: self.closeTimeout) {
                context.close(promise: nil)
            }
        case .text, .binary, .pong:
            self.delegate.webSocketReceived(message, connection: self.id, context: context)
        }
    }

    /// Fails the WebSocket connection (§7.1.7): a close frame with the violation's code, then
    /// the TCP connection closed.
    private func fail(_ violation: WebSocketViolation, context: ChannelHandlerContext) {
        self.ending = .violation(violation)
        self.partialFrame = nil
        self.releaseBuffers()
        self.closeAfter(context.channel.allocator.clientCloseFrame(code: violation.closeCode), context: context)
    }

    /// Sends `closeFrame`, then closes the TCP connection.
    private func closeAfter(_ closeFrame: ByteBuffer, context: ChannelHandlerContext) {
        context.writeAndFlush(Self.wrapOutboundOut(closeFrame)).assumeIsolated().whenComplete { _ in
            context.close(promise: nil)
        }
    }

    package func errorCaught(context: ChannelHandlerContext, error: any Error) {
        // A read or TLS error after the handshake: the network failed, not the protocol.
        if self.ending == nil { self.ending = .networkError }
        context.close(promise: nil)
    }

    package func channelInactive(context: ChannelHandlerContext) {
        self.releaseBuffers()
        self.partialFrame = nil
        self.closeTimer?.cancel()
        self.closeTimer = nil
        self.delegate.webSocketEnded(self.ending ?? .networkError, connection: self.id)
        context.fireChannelInactive()
    }
}

@available(*, unavailable)
extension WebSocketClientHandler: Sendable {}
