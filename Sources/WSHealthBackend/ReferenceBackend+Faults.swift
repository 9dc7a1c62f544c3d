import Logging
import NIOCore

extension ReferenceBackend {
    /// The text the `garbage` fault sends: deliberately not JSON.
    static let garbageText = "<<garbage: this message is not JSON>>"

    /// The payload of the `binary` fault's message.
    static let binaryPayload = ByteBuffer(bytes: [0x77, 0x73, 0x68, 0x00, 0x01, 0x02, 0xFE, 0xFF])

    /// The `oversize` fault's message: a JSON object of exactly `bytes` bytes (at least 14).
    static func oversizeText(bytes: Int) -> String {
        #"{"padding":""# + String(repeating: "x", count: bytes - 14) + #""}"#
    }

    /// Carries out a validated fault; the future completes once it is in effect on every connection.
    func applyValidated(_ fault: BackendFault) -> EventLoopFuture<Void> {
        let eventLoop = self.eventLoopGroup.any()
        self.logger.info("Applying fault", metadata: ["fault": "\(fault.name)"])
        switch fault {
        case .drop:
            return self.registry.closeConnections(includingPeers: true, on: eventLoop)
        case .close(let code, let reason):
            return self.registry.forEachPeer(on: eventLoop) { peer in
                peer.close(code: code, reason: reason)
                return true
            }.map { _ in }
        case .garbage:
            return self.broadcast(text: Self.garbageText, respectingStall: false, on: eventLoop)
        case .oversize(let bytes):
            return self.broadcast(text: Self.oversizeText(bytes: bytes), respectingStall: false, on: eventLoop)
        case .binary:
            let message = OutboundMessage(opcode: 0x2, payload: Self.binaryPayload, allocator: ByteBufferAllocator())
            return self.broadcast(isTextMessage: false, respectingStall: false, on: eventLoop) { $0.send(message) }
        case .badFrame(let kind):
            // Sent as encoded, compression or not: the frame itself is the fault.
            let frame = kind.encoded(allocator: ByteBufferAllocator())
            return self.broadcast(isTextMessage: false, respectingStall: false, on: eventLoop) {
                $0.send(encodedFrame: frame)
            }
        case .stall(let enabled):
            self.backendState.updateSwitches { $0.stalled = enabled }
            return self.barrier(on: eventLoop)
        case .freezeTimestamp(let enabled):
            self.backendState.updateSwitches { $0.frozenTimestamp = enabled ? UTCTimestamp.now() : nil }
            return eventLoop.makeSucceededVoidFuture()
        case .refuseTokens(let enabled):
            self.backendState.updateSwitches { $0.refuseTokens = enabled }
            return eventLoop.makeSucceededVoidFuture()
        case .authMode(let mode):
            self.backendState.updateSwitches { $0.authMode = mode }
            return eventLoop.makeSucceededVoidFuture()
        case .slowHandshake(let delay):
            self.backendState.updateSwitches { $0.handshakeDelay = delay }
            return eventLoop.makeSucceededVoidFuture()
        case .rejectUpgrade(let status):
            self.backendState.updateSwitches { $0.rejectUpgradeStatus = status }
            return eventLoop.makeSucceededVoidFuture()
        case .badHandshake(let kind):
            self.backendState.updateSwitches { $0.badHandshake = kind }
            return eventLoop.makeSucceededVoidFuture()
        case .down(let duration):
            return self.listener?.goDown(for: duration) ?? eventLoop.makeSucceededVoidFuture()
        case .reset:
            self.backendState.updateSwitches { $0 = BackendSwitches() }
            let reopened = self.listener?.reopenNow() ?? eventLoop.makeSucceededVoidFuture()
            return self.barrier(on: eventLoop).and(reopened).map { _ in }
        }
    }

    /// The status snapshot, with the listener's `down` state.
    func currentStatus() -> BackendStatus {
        var status = self.backendState.status(connectedClients: self.registry.peerCount)
        status.switches.down = self.listener?.isDown ?? false
        return status
    }

    /// Sends `text` to every peer, encoded once for the peers without compression; counts the
    /// messages actually handed over.
    @discardableResult
    func broadcast(text: String, respectingStall: Bool, on eventLoop: any EventLoop) -> EventLoopFuture<Void> {
        let message = OutboundMessage.text(text, allocator: ByteBufferAllocator())
        return self.broadcast(isTextMessage: true, respectingStall: respectingStall, on: eventLoop) { $0.send(message) }
    }

    /// Runs `send` for every peer; only text messages count in `messages_sent`.
    private func broadcast(
        isTextMessage: Bool,
        respectingStall: Bool,
        on eventLoop: any EventLoop,
        _ send: @escaping @Sendable (WebSocketPeerHandler) -> Bool
    ) -> EventLoopFuture<Void> {
        let backendState = self.backendState
        return self.registry.forEachPeer(
            on: eventLoop,
            afterEachLoop: { if isTextMessage { backendState.recordMessagesSent($0) } }
        ) { peer in
            // Checked on the peer's loop, so a stall applied before this batch runs silences it.
            !(respectingStall && backendState.isStalled) && send(peer)
        }.map { _ in }
    }

    /// Completes once every event loop with peers has run what was queued on it before.
    ///
    /// After a switch changes, this guarantees no batch that read the old value is still running.
    private func barrier(on eventLoop: any EventLoop) -> EventLoopFuture<Void> {
        self.registry.forEachPeer(on: eventLoop) { _ in false }.map { _ in }
    }
}
