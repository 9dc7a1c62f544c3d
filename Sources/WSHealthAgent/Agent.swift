public import Logging
public import NIOCore
public import NIOPosix
import Prometheus
public import ServiceLifecycle
import Synchronization
public import WSHealthConfig

/// The wshealth agent: every configured target's sessions, and the web endpoints.
///
/// A `Service`: run it in a `ServiceGroup`. On graceful shutdown it stops serving, closes
/// every session with 1001 (going away) and returns.
public final class Agent: Service {
    /// Where the agent listens and how it behaves.
    public struct Options: Sendable {
        /// The host of `--web.listen-address` (`0.0.0.0` for `:PORT`).
        public var host: String
        /// The port of `--web.listen-address`; 0 picks a free one.
        public var port: Int

        /// Creates options.
        public init(host: String = "0.0.0.0", port: Int = 10052) {
            self.host = host
            self.port = port
        }
    }

    let configuration: AgentConfiguration
    let options: Options
    let logger: Logger
    let registry = PrometheusCollectorRegistry()
    private let eventLoopGroup: any EventLoopGroup
    private let state = Mutex<RunState>(RunState())

    struct RunState {
        var targets: [TargetMonitor] = []
        var ready = false
        var boundPort: Int?
        var portWaiters: [CheckedContinuation<Int, Never>] = []
    }

    /// Creates an agent for a validated configuration.
    public init(
        configuration: AgentConfiguration,
        options: Options = Options(),
        eventLoopGroup: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton,
        logger: Logger
    ) {
        self.configuration = configuration
        self.options = options
        self.eventLoopGroup = eventLoopGroup
        self.logger = logger
    }

    /// Runs until graceful shutdown or cancellation.
    public func run() async throws {
        let targets = try self.configuration.targets.map {
            try TargetMonitor(
                configuration: $0,
                registry: self.registry,
                eventLoopGroup: self.eventLoopGroup,
                logger: self.logger
            )
        }
        self.state.withLock { $0.targets = targets }
        for target in targets { try await target.start() }
        self.state.withLock { $0.ready = true }
        defer { self.state.withLock { $0.ready = false } }
        try await withThrowingTaskGroup(of: Void.self) { group in
            for target in targets {
                group.addTask { await target.refreshTokens() }
            }
            group.addTask {
                try await WebServer(agent: self).run()
            }
            // Waits for SIGTERM/SIGINT (through the ServiceGroup) or cancellation.
            try? await gracefulShutdown()
            self.logger.info("shutting down: closing sessions with 1001")
            await withTaskGroup(of: Void.self) { stops in
                for target in targets { stops.addTask { await target.stop() } }
            }
            group.cancelAll()
            while let result = await group.nextResult() {
                if case .failure(let error) = result, !(error is CancellationError) { throw error }
            }
        }
    }

    /// The targets being monitored.
    var targets: [TargetMonitor] { self.state.withLock { $0.targets } }

    /// Whether every target has started.
    var isReady: Bool { self.state.withLock { $0.ready } }

    /// The port the web server listens on, once it does.
    public func listeningPort() async -> Int {
        await withCheckedContinuation { continuation in
            let port: Int? = self.state.withLock { state in
                if let port = state.boundPort { return port }
                state.portWaiters.append(continuation)
                return nil
            }
            if let port { continuation.resume(returning: port) }
        }
    }

    func serverStarted(port: Int) {
        let waiters = self.state.withLock { state in
            state.boundPort = port
            defer { state.portWaiters = [] }
            return state.portWaiters
        }
        for waiter in waiters { waiter.resume(returning: port) }
        self.logger.info("serving metrics", metadata: ["address": "\(self.options.host):\(port)"])
    }
}
