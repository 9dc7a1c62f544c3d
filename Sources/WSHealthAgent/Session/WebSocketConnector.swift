import Logging
import NIOCore
import NIOHTTP1
import NIOPosix
import NIOSSL
import WSConnectionStateMachine

/// Opens one WebSocket connection for a session: TCP, optional TLS, the HTTP upgrade, and
/// the frame handler once upgraded. Every outcome is reported to the session with the
/// connection's id.
struct WebSocketConnector {
    let settings: SessionSettings
    let session: Session
    let connectionID: UInt64
    let logger: Logger

    /// Each channel keeps its last receive buffer for the next read, so its first size is held
    /// by every session for its whole life: NIO's default (2 KiB) was 15 % of a session's memory
    /// (massif, 1,000 sessions). Messages of the spec's dashboard are a few hundred bytes; a
    /// larger one fills the buffer and the next reads grow it (up to 64 KiB), then it shrinks.
    static let receiveBuffers = AdaptiveRecvByteBufferAllocator(minimum: 64, initial: 512, maximum: 65536)

    /// Connects on `eventLoop`; the future fails only when the TCP (or DNS) step fails, later
    /// failures arrive through the session's `connection…` methods.
    func connect(on eventLoop: any EventLoop) -> EventLoopFuture<any Channel> {
        let endpoint = self.settings.endpoint
        let settings = self.settings
        let session = self.session
        let id = self.connectionID
        let request: HTTPRequestHead
        do {
            request = try self.upgradeRequest()
        } catch {
            self.logger.warning("connecting without a token", metadata: ["error": "\(error)"])
            request = self.plainRequest(pathAndQuery: endpoint.pathAndQuery)
        }
        let sockets = self.session.loop.sockets
        if let sockets, !sockets.acquire() {
            return eventLoop.makeFailedFuture(SocketBudgetExhausted())
        }
        let connected = ClientBootstrap(group: eventLoop)
            .connectTimeout(.nanoseconds(settings.policy.handshakeTimeout.nanoseconds))
            .channelOption(.socketOption(.so_reuseaddr), value: 1)
            .channelOption(.tcpOption(.tcp_nodelay), value: 1)
            .channelOption(.recvAllocator, value: Self.receiveBuffers)
            .channelInitializer { channel in
                do {
                    try Self.configure(channel, settings: settings, session: session, id: id, request: request)
                    return channel.eventLoop.makeSucceededVoidFuture()
                } catch {
                    return channel.eventLoop.makeFailedFuture(error)
                }
            }
            .connect(host: endpoint.host, port: endpoint.port)
        if let sockets {
            connected.whenComplete { result in
                switch result {
                case .success(let channel): channel.closeFuture.whenComplete { _ in sockets.release() }
                case .failure: sockets.release()
                }
            }
        }
        return connected
    }

    private static func configure(
        _ channel: any Channel,
        settings: SessionSettings,
        session: Session,
        id: UInt64,
        request: HTTPRequestHead
    ) throws {
        let pipeline = channel.pipeline.syncOperations
        if let tls = settings.tls {
            let serverName =
                settings.tlsServerName ?? (settings.endpoint.hostIsIPAddress ? nil : settings.endpoint.host)
            if let trace = settings.trace { try pipeline.addHandler(ServerHelloTap(trace: trace)) }
            try pipeline.addHandler(NIOSSLClientHandler(context: tls, serverHostname: serverName))
        }
        if let trace = settings.trace { try pipeline.addHandler(WireTap(trace: trace)) }
        let requestHandler = UpgradeRequestHandler(request: request, session: session, connectionID: id)
        let upgrader = SessionUpgrader(session: session, connectionID: id)
        try pipeline.addHTTPClientHandlers(
            // A close frame that arrives in the same read as the 101 response must not be lost.
            leftOverBytesStrategy: .forwardBytes,
            withClientUpgrade: (
                upgraders: [upgrader],
                completionHandler: { context in
                    context.pipeline.syncOperations.removeHandler(name: UpgradeRequestHandler.name, promise: nil)
                }
            )
        )
        try pipeline.addHandler(requestHandler, name: UpgradeRequestHandler.name)
    }

    private func upgradeRequest() throws(TokenError) -> HTTPRequestHead {
        let endpoint = self.settings.endpoint
        guard let provider = self.settings.token else { return self.plainRequest(pathAndQuery: endpoint.pathAndQuery) }
        let token = try provider.currentToken()
        switch provider.placement {
        case .queryParameter(let name):
            return self.plainRequest(pathAndQuery: endpoint.pathAndQuery(addingParameter: name, value: token))
        case .header(let name):
            var request = self.plainRequest(pathAndQuery: endpoint.pathAndQuery)
            let value = name.lowercased() == "authorization" ? "Bearer \(token)" : token
            request.headers.add(name: name, value: value)
            return request
        }
    }

    private func plainRequest(pathAndQuery: String) -> HTTPRequestHead {
        var headers = HTTPHeaders()
        headers.add(name: "Host", value: self.settings.endpoint.hostHeader)
        // No Content-Length, as a browser sends none: a GET has no body, and Python's
        // `websockets` (uvicorn's WebSocket server) refuses an upgrade request that has one.
        headers.add(name: "User-Agent", value: "wshealth/\(WSHealthVersion.version)")
        if let origin = self.settings.origin { headers.add(name: "Origin", value: origin) }
        for header in self.settings.headers {
            guard case .header(let name) = header.placement else { continue }
            do {
                headers.add(name: name, value: try header.currentToken())
            } catch {
                // As for a token: the attempt goes without it, and the server's answer says
                // what that means.
                self.logger.warning("connecting without header \(name)", metadata: ["error": "\(error)"])
            }
        }
        return HTTPRequestHead(version: .http1_1, method: .GET, uri: pathAndQuery, headers: headers)
    }
}
