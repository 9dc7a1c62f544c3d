import Logging
import NIOCore
import NIOWebSocket
import WSHealthWebSocket

/// The last handler of an upgraded connection: answers pings and closes, ignores client text, and
/// carries out the broadcasts and faults the backend hands it.
///
/// It holds no timer of its own except while waiting for the client to answer a server close.
final class WebSocketPeerHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = WebSocketFrame
    typealias OutboundOut = WebSocketFrame

    private enum State {
        /// Upgraded; exchanging frames.
        case open
        /// A server close frame is out; waiting for the client's close or the timeout.
        case closing
        /// The channel is gone.
        case closed
    }

    /// How long a client may take to answer a server close frame before the socket is closed anyway.
    static let closeTimeout = TimeAmount.seconds(1)

    private let backendState: BackendState
    /// Compresses every message when the client agreed to permessage-deflate.
    private let deflater: MessageDeflater?
    private let logger: Logger
    private var state = State.open
    private var context: ChannelHandlerContext?
    // Writes through the frame encoder's context go straight to the socket: that is how one
    // pre-encoded frame buffer is shared by every client.
    private var encodedFrameOutlet: ChannelHandlerContext?
    private var closeTimer: Scheduled<Void>?
    /// The client's place in the backend's protocol, and how its events are wrapped.
    private var protocolPeer: ProtocolPeer

    init(backendState: BackendState, deflater: MessageDeflater?, protocolKind: BackendProtocol, logger: Logger) {
        self.backendState = backendState
        self.deflater = deflater
        self.protocolPeer = ProtocolPeer(protocolKind)
        self.logger = logger
    }

    /// The connection is accepted: the protocol's greeting goes out, or, when its subprotocol
    /// was not offered, the connection is closed as the protocol says (4406).
    func start(subprotocolAgreed: Bool) {
        if self.protocolPeer.protocolKind.subprotocol != nil && !subprotocolAgreed {
            self.close(code: 4406, reason: "Subprotocol not acceptable")
            return
        }
        if let greeting = self.protocolPeer.greeting { _ = self.sendText(greeting) }
    }

    func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
        self.encodedFrameOutlet = try? context.pipeline.syncOperations.context(handlerType: WebSocketFrameEncoder.self)
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        self.closed()
    }

    func channelInactive(context: ChannelHandlerContext) {
        self.closed()
        context.fireChannelInactive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let frame = Self.unwrapInboundIn(data)
        switch frame.opcode {
        case .ping:
            guard self.state == .open, !self.backendState.isStalled else {
                return
            }
            let pong = WebSocketFrame(fin: true, opcode: .pong, data: frame.unmaskedData)
            context.writeAndFlush(Self.wrapOutboundOut(pong), promise: nil)
        case .connectionClose:
            self.receivedClose(frame, context: context)
        case .text where self.protocolPeer.protocolKind != .spec:
            guard self.state == .open, !self.backendState.isStalled else { return }
            if let answer = self.protocolPeer.answer(to: String(buffer: frame.unmaskedData)) {
                _ = self.sendText(answer)
            }
        default:
            // The spec's handler reads client text only as keep-alive traffic: nothing to answer.
            break
        }
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        self.logger.debug("WebSocket connection failed", metadata: ["error": "\(error)"])
        context.close(promise: nil)
    }

    /// Writes a message, compressed if the connection agreed to it, unless the connection is
    /// closing or cannot keep up; returns whether it did.
    func send(_ message: OutboundMessage) -> Bool {
        if self.protocolPeer.protocolKind != .spec && message.opcode == 0x1 {
            // The protocol's event, for a client that subscribed: encoded for this client alone.
            guard let event = self.protocolPeer.event(String(buffer: message.payload)) else { return false }
            return self.sendText(event)
        }
        return self.sendEncoding(message)
    }

    /// Sends `text` as this client's own message (a protocol's answer or event).
    private func sendText(_ text: String) -> Bool {
        guard let context = self.context else { return false }
        return self.sendEncoding(OutboundMessage.text(text, allocator: context.channel.allocator))
    }

    private func sendEncoding(_ message: OutboundMessage) -> Bool {
        guard let deflater = self.deflater, let context = self.context else {
            return self.send(encodedFrame: message.frame)
        }
        let compressed = deflater.deflate(message.payload, allocator: context.channel.allocator)
        // RSV1 on the first (only) frame: the message is compressed (RFC 7692 §6).
        let firstByte = 0xC0 | message.opcode
        return self.send(
            encodedFrame: EncodedFrame.make(
                firstByte: firstByte,
                payload: compressed,
                allocator: context.channel.allocator
            )
        )
    }

    /// Writes a pre-encoded frame unless the connection is closing or cannot keep up; returns whether it did.
    func send(encodedFrame: ByteBuffer) -> Bool {
        // A client that does not read must not make the backend buffer frame after frame for it.
        guard self.state == .open, let outlet = self.encodedFrameOutlet, outlet.channel.isWritable else {
            return false
        }
        outlet.writeAndFlush(NIOAny(encodedFrame), promise: nil)
        return true
    }

    /// Sends a close frame and closes the socket once the client answers, or after ``closeTimeout``.
    func close(code: UInt16, reason: String) {
        guard self.state == .open, let context = self.context else {
            return
        }
        self.state = .closing
        var data = context.channel.allocator.buffer(capacity: 2 + reason.utf8.count)
        data.write(webSocketErrorCode: WebSocketErrorCode(codeNumber: Int(code)))
        data.writeString(reason)
        context.writeAndFlush(Self.wrapOutboundOut(WebSocketFrame(fin: true, opcode: .connectionClose, data: data)))
            .assumeIsolated().whenFailure { _ in context.close(promise: nil) }
        self.closeTimer = context.eventLoop.assumeIsolated().scheduleTask(in: Self.closeTimeout) {
            context.close(promise: nil)
        }
    }

    /// Closes the socket at once, without a close frame.
    func drop() {
        self.context?.close(promise: nil)
    }

    private func receivedClose(_ frame: WebSocketFrame, context: ChannelHandlerContext) {
        switch self.state {
        case .open:
            // A dead peer answers nothing, not even a close.
            if self.backendState.isStalled {
                return
            }
            self.state = .closing
            var payload = frame.unmaskedData
            let code = payload.readSlice(length: 2) ?? context.channel.allocator.buffer(capacity: 0)
            let reply = WebSocketFrame(fin: true, opcode: .connectionClose, data: code)
            context.writeAndFlush(Self.wrapOutboundOut(reply)).assumeIsolated().whenComplete { _ in
                context.close(promise: nil)
            }
        case .closing:
            // The client answered our close: the handshake is complete, the server closes TCP first.
            context.close(promise: nil)
        case .closed:
            break
        }
    }

    private func closed() {
        self.state = .closed
        self.closeTimer?.cancel()
        self.closeTimer = nil
        self.context = nil
        self.encodedFrameOutlet = nil
    }
}
