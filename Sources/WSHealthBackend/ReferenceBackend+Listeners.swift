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
            protocolKind: self.configuration.protocolKind,
            verifier: verifier,
            backendState: self.backendState,
            registry: self.registry,
            logger: self.logger
        )
        let eventLoop = self.eventLoopGroup.next()
        // The closures capture what they use, never the backend: the backend keeps the listener
        // (`lifecycle.listener`), so a backend captured here would never be freed, nor anything
        // it holds (the route, the registry, the token verifier).
        let group = self.eventLoopGroup
        let host = self.configuration.host
        let port = self.configuration.port
        let registry = self.registry
        return WebSocketListener(
            eventLoop: eventLoop,
            logger: self.logger,
            bind: { address in
                Self.bindWebSocket(route: route, group: group, to: address, orHost: host, port: port)
            },
            dropConnections: { registry.closeConnections(includingPeers: true, on: eventLoop) }
        )
    }

    /// Binds a WebSocket listener on `address`, or on `host:port` when `address` is nil.
    private static func bindWebSocket(
        route: WebSocketRoute,
        group: any EventLoopGroup,
        to address: SocketAddress?,
        orHost host: String,
        port: Int
    ) -> EventLoopFuture<any Channel> {
        let bootstrap = ServerBootstrap(group: group)
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
        return bootstrap.bind(host: host, port: port)
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
