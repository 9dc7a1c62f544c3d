public import Logging
import NIOConcurrencyHelpers
public import NIOCore
public import NIOPosix
public import ServiceLifecycle

/// The spec's FastAPI metrics backend on swift-nio, with fault switches for testing clients.
///
/// `GET {path}?token=JWT` (or `Authorization: Bearer JWT`) upgrades to a WebSocket when the HS256 token
/// is valid (over TLS when the configuration has ``ReferenceBackendConfiguration/tls``); every client
/// then gets a metrics JSON message every `interval`, from one shared timer and one encoded buffer per
/// tick. A second, loopback-only listener serves the admin endpoints
/// (`POST /faults/...`, `GET /status`), which call ``apply(_:)`` and ``status()``.
///
/// Run it as a `Service`: `run()` serves until graceful shutdown or cancellation, then closes every
/// client with close code 1001 (going away) and closes both listeners.
public final class ReferenceBackend: Service {
    /// The configuration the backend was created with.
    public let configuration: ReferenceBackendConfiguration
    let eventLoopGroup: any EventLoopGroup
    let logger: Logger
    let backendState = BackendState()
    let registry = ClientRegistry()
    private let addresses = AsyncLatch<BackendAddresses>()
    private let lifecycle = NIOLockedValueBox(Lifecycle())

    private struct Lifecycle {
        var started = false
        var listener: WebSocketListener?
    }

    /// Creates a backend; nothing is bound until ``run()``.
    ///
    /// - Parameters:
    ///   - configuration: Where to listen and the token secret; validated by ``run()``.
    ///   - eventLoopGroup: The event loops serving the connections.
    ///   - logger: Where the backend logs; tokens and the secret are never logged.
    public init(
        configuration: ReferenceBackendConfiguration,
        eventLoopGroup: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton,
        logger: Logger = Logger(label: "wshealth.backend")
    ) {
        self.configuration = configuration
        self.eventLoopGroup = eventLoopGroup
        self.logger = logger
    }

    /// Binds both listeners and serves until graceful shutdown or task cancellation, then closes every
    /// WebSocket client with close code 1001 and closes the listeners.
    ///
    /// Throws a ``ReferenceBackendError`` for a bad configuration or a second call, or the bind error.
    public func run() async throws {
        let firstRun = self.lifecycle.withLockedValue { lifecycle in
            defer { lifecycle.started = true }
            return !lifecycle.started
        }
        guard firstRun else {
            throw ReferenceBackendError.alreadyStarted
        }
        let listener: WebSocketListener
        let admin: any Channel
        do {
            try self.configuration.validate()
            let tlsContext = try self.configuration.tls?.makeContext()
            let verifier = await TokenVerifier.make(secret: self.configuration.jwtSecret)
            listener = self.makeWebSocketListener(verifier: verifier, tlsContext: tlsContext)
            self.lifecycle.withLockedValue { $0.listener = listener }
            let websocketAddress = try await listener.start()
            do {
                admin = try await self.bindAdmin().get()
            } catch {
                try? await listener.stop().get()
                throw error
            }
            self.addresses.resolve(.success(BackendAddresses(websocket: websocketAddress, admin: admin.localAddress!)))
            self.logger.info(
                "Reference backend listening",
                metadata: [
                    "websocket": "\(websocketAddress.hostAndPort)", "path": "\(self.configuration.path)",
                    "tls": "\(self.configuration.tls != nil)", "admin": "\(admin.localAddress!.hostAndPort)",
                ]
            )
        } catch {
            self.addresses.resolve(.failure(error))
            throw error
        }

        let ticker = self.startTicker()
        // Returns on graceful shutdown, throws on cancellation: both end the service the same way.
        try? await gracefulShutdown()
        ticker.cancel()
        await self.shutDown(listener: listener, admin: admin)
    }

    /// The bound addresses of both listeners, once ``run()`` has bound them (waits until then).
    ///
    /// Throws the error that made ``run()`` fail before binding, or `CancellationError`.
    public func boundAddresses() async throws -> BackendAddresses {
        try await self.addresses.value()
    }

    /// Applies a fault; when this returns the fault is in effect on every connection.
    ///
    /// Switches may be set before ``run()``; `down` and the reopen of `reset` need a running backend.
    /// Throws a ``ReferenceBackendError`` if a parameter is out of range.
    public func apply(_ fault: BackendFault) async throws {
        try fault.validate()
        try await self.applyValidated(fault).get()
    }

    /// A snapshot of the clients, counters and fault switches.
    public func status() async -> BackendStatus {
        self.currentStatus()
    }

    var listener: WebSocketListener? {
        self.lifecycle.withLockedValue { $0.listener }
    }

    private func startTicker() -> RepeatedTask {
        let eventLoop = self.eventLoopGroup.next()
        let interval = TimeAmount(self.configuration.interval)
        return eventLoop.scheduleRepeatedTask(initialDelay: interval, delay: interval) { _ in
            let sample = self.backendState.nextSample(
                activeConnections: self.registry.peerCount,
                timestamp: self.backendState.frozenTimestamp ?? UTCTimestamp.now()
            )
            self.broadcast(text: sample.json, respectingStall: true, on: eventLoop)
        }
    }

    private func shutDown(listener: WebSocketListener, admin: any Channel) async {
        let eventLoop = self.eventLoopGroup.any()
        try? await listener.stop().get()
        _ = try? await self.registry.forEachPeer(on: eventLoop) { peer in
            peer.close(code: 1001, reason: "server shutting down")
            return true
        }.get()
        try? await self.registry.closeConnections(includingPeers: false, on: eventLoop).get()
        // Peers close when their client answers or after their own close timeout; this is a backstop.
        let backstop = eventLoop.scheduleTask(in: WebSocketPeerHandler.closeTimeout * 2) {
            _ = self.registry.closeConnections(includingPeers: true, on: eventLoop)
        }
        try? await self.registry.allClosed(on: eventLoop).get()
        backstop.cancel()
        try? await admin.close()
        self.logger.info("Reference backend stopped")
    }
}
