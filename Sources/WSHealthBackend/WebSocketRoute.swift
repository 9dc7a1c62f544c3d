import Logging
import NIOCore
import NIOHTTP1
import NIOSSL
import NIOWebSocket
import WSHealthWebSocket

/// The spec's `/api/ws/metrics` route: sets up each accepted connection, decides its handshake
/// (path, token, fault switches), and hands upgraded peers to the registry.
final class WebSocketRoute: Sendable {
    private let path: String
    private let tlsContext: NIOSSLContext?
    private let verifier: TokenVerifier
    private let backendState: BackendState
    private let registry: ClientRegistry
    private let logger: Logger
    private let compression: Bool
    private let protocolKind: BackendProtocol

    init(
        path: String,
        tlsContext: NIOSSLContext?,
        compression: Bool,
        protocolKind: BackendProtocol,
        verifier: TokenVerifier,
        backendState: BackendState,
        registry: ClientRegistry,
        logger: Logger
    ) {
        self.path = path
        self.tlsContext = tlsContext
        self.compression = compression
        self.protocolKind = protocolKind
        self.verifier = verifier
        self.backendState = backendState
        self.registry = registry
        self.logger = logger
    }

    /// Configures the pipeline of a freshly accepted connection: TLS first when configured, then
    /// HTTP with the WebSocket upgrade. Runs on the channel's event loop.
    func initializeChild(_ channel: any Channel) throws {
        if let tlsContext = self.tlsContext {
            try channel.pipeline.syncOperations.addHandler(NIOSSLServerHandler(context: tlsContext))
        }
        let responder = HandshakeResponder()
        let boundResponder = NIOLoopBound(responder, eventLoop: channel.eventLoop)
        let upgrader = NIOWebSocketServerUpgrader(
            shouldUpgrade: { channel, head in
                self.shouldUpgrade(channel: channel, head: head, responder: boundResponder)
            },
            upgradePipelineHandler: { channel, _ in
                self.upgraded(channel: channel, responder: boundResponder)
            }
        )
        try channel.pipeline.syncOperations.configureHTTPServerPipeline(
            withServerUpgrade: (
                upgraders: [upgrader],
                completionHandler: { context in
                    context.pipeline.syncOperations.removeHandler(boundResponder.value, promise: nil)
                }
            )
        )
        try channel.pipeline.syncOperations.addHandler(responder)
        self.registry.add(channel)
    }

    private func shouldUpgrade(
        channel: any Channel,
        head: HTTPRequestHead,
        responder: NIOLoopBound<HandshakeResponder>
    ) -> EventLoopFuture<HTTPHeaders?> {
        let target = RequestTarget(head.uri)
        guard target.path == self.path else {
            responder.value.verdict = .wrongPath
            return channel.eventLoop.makeSucceededFuture(nil)
        }
        let token = Self.token(target: target, headers: head.headers)
        return self.afterHandshakeDelay(on: channel).flatMap { () -> EventLoopFuture<HTTPHeaders?> in
            // A proxy in front of the handler answers before any token is looked at.
            let switches = self.backendState.switches
            if switches.rejectUpgradeStatus != 0 {
                responder.value.verdict = .rejected(HTTPResponseStatus(statusCode: switches.rejectUpgradeStatus))
                return channel.eventLoop.makeSucceededFuture(nil)
            }
            if switches.badHandshake != .off {
                responder.value.verdict = .broken(switches.badHandshake)
                return channel.eventLoop.makeSucceededFuture(nil)
            }
            let subprotocol = self.protocolKind.subprotocol
            let offered = subprotocol.map { name in
                head.headers[canonicalForm: "sec-websocket-protocol"].contains { $0 == name }
            }
            return self.verify(token, channel: channel, responder: responder).map { headers in
                guard var headers else { return nil }
                if let subprotocol, offered == true {
                    headers.add(name: "Sec-WebSocket-Protocol", value: subprotocol)
                    responder.value.subprotocolAgreed = true
                }
                guard self.compression,
                    let (answer, agreement) = PerMessageDeflate.answer(
                        toOffers: head.headers["Sec-WebSocket-Extensions"]
                    )
                else { return headers }
                headers.add(name: "Sec-WebSocket-Extensions", value: answer)
                responder.value.compression = agreement
                return headers
            }
        }
    }

    /// Checks the token (and the refuse-tokens switch) and records the verdict.
    private func verify(
        _ token: String?,
        channel: any Channel,
        responder: NIOLoopBound<HandshakeResponder>
    ) -> EventLoopFuture<HTTPHeaders?> {
        let verdict: EventLoopFuture<Bool>
        if let token, !self.backendState.switches.refuseTokens {
            // jwt-kit verifies asynchronously; this short task lives only for the handshake.
            let verified = channel.eventLoop.makePromise(of: Bool.self)
            verified.completeWithTask { await self.verifier.isValid(token) }
            verdict = verified.futureResult
        } else {
            verdict = channel.eventLoop.makeSucceededFuture(false)
        }
        return verdict.map { accepted -> HTTPHeaders? in
            self.backendState.recordHandshake(accepted: accepted)
            if accepted {
                responder.value.verdict = .accepted
                return HTTPHeaders()
            }
            self.logger.debug(
                "Refused a WebSocket handshake",
                metadata: ["remote": "\(channel.remoteAddress?.hostAndPort ?? "?")"]
            )
            switch self.backendState.switches.authMode {
            case .http403:
                responder.value.verdict = .forbidden
                return nil
            case .close1008:
                responder.value.verdict = .refusedAfterUpgrade
                return HTTPHeaders()
            }
        }
    }

    private func upgraded(channel: any Channel, responder: NIOLoopBound<HandshakeResponder>) -> EventLoopFuture<Void> {
        channel.eventLoop.makeCompletedFuture {
            let deflater = responder.value.compression.flatMap { agreement in
                // The backend compresses with a window of at most 2 KiB (a metrics message is a
                // few hundred bytes) and little zlib memory, so 10,000 clients cost it about
                // 10 KB each; the client must still keep the whole window it agreed to.
                MessageDeflater(
                    windowBits: max(9, min(agreement.serverMaxWindowBits, 11)),
                    memoryLevel: 1,
                    contextTakeover: !agreement.serverNoContextTakeover
                )
            }
            let peer = WebSocketPeerHandler(
                backendState: self.backendState,
                deflater: deflater,
                protocolKind: self.protocolKind,
                logger: self.logger
            )
            try channel.pipeline.syncOperations.addHandler(peer)
            if responder.value.verdict == .accepted {
                self.registry.promote(channel, to: peer)
                peer.start(subprotocolAgreed: responder.value.subprotocolAgreed)
            } else {
                peer.close(code: 1008, reason: "authentication failed")
            }
        }
    }

    /// Waits out the slow-handshake switch; the wait ends early if the client goes away.
    private func afterHandshakeDelay(on channel: any Channel) -> EventLoopFuture<Void> {
        let delay = self.backendState.switches.handshakeDelay
        guard delay > .zero else {
            return channel.eventLoop.makeSucceededVoidFuture()
        }
        let wait = channel.eventLoop.scheduleTask(in: TimeAmount(delay)) {}
        channel.closeFuture.whenComplete { _ in wait.cancel() }
        return wait.futureResult
    }

    /// The token from `?token=` (what browsers send) or from `Authorization: Bearer`.
    static func token(target: RequestTarget, headers: HTTPHeaders) -> String? {
        if let token = target["token"], !token.isEmpty {
            return token
        }
        for value in headers[canonicalForm: "authorization"] {
            let parts = value.split(separator: " ", maxSplits: 1)
            if parts.count == 2, parts[0].lowercased() == "bearer", !parts[1].isEmpty {
                return String(parts[1])
            }
        }
        return nil
    }
}
