import NIOCore
import NIOHTTP1
import NIOPosix
import NIOSSL

extension ReferenceBackend {
    /// The WebSocket listener, bound on demand (first start, and reopen after a `down` fault);
    /// with `tlsContext` every accepted connection speaks TLS first.
    func makeWebSocketListener(verifier: TokenVerifier, tlsContext: NIOSSLContext?) -> WebSocketListener {
        let route = WebSocketRoute(
            path: self.configuration.path,
            tlsContext: tlsContext,
            compression: self.configuration.compression,
            verifier: verifier,
            backendState: self.backendState,
            registry: self.registry,
            logger: self.logger
        )
        let eventLoop = self.eventLoopGroup.next()
        return WebSocketListener(
            eventLoop: eventLoop,
            logger: self.logger,
            bind: { address in self.bindWebSocket(route: route, to: address) },
            dropConnections: { self.registry.closeConnections(includingPeers: true, on: eventLoop) }
        )
    }

    private func bindWebSocket(route: WebSocketRoute, to address: SocketAddress?) -> EventLoopFuture<any Channel> {
        let bootstrap = ServerBootstrap(group: self.eventLoopGroup)
            // The 10,000-connection benchmark connects in bursts: keep a deep accept queue.
            .serverChannelOption(.backlog, value: 4_096)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelOption(.socketOption(.tcp_nodelay), value: 1)
            // Clients send little (pings, closes): start reads small to keep idle connections lean.
            .childChannelOption(
                .recvAllocator,
                value: AdaptiveRecvByteBufferAllocator(minimum: 64, initial: 512, maximum: 16_384)
            )
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture { try route.initializeChild(channel) }
            }
        if let address {
            return bootstrap.bind(to: address)
        }
        return bootstrap.bind(host: self.configuration.host, port: self.configuration.port)
    }

    /// Binds the loopback-only admin listener.
    func bindAdmin() -> EventLoopFuture<any Channel> {
        ServerBootstrap(group: self.eventLoopGroup)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.configureHTTPServerPipeline()
                    try channel.pipeline.syncOperations.addHandler(AdminHTTPHandler(backend: self))
                }
            }
            .bind(host: self.configuration.adminHost, port: self.configuration.adminPort)
    }
}
