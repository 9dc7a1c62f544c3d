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
        /// The file the configuration came from: what `POST /-/reload` and SIGHUP re-read.
        /// Without one the configuration cannot be reloaded.
        public var configurationFile: String?
        /// Whether SIGHUP reloads the configuration (the CLI's `run`; not for embedded agents).
        public var reloadOnHangup: Bool
        /// TLS and basic authentication for every endpoint (`--web.config.file`).
        public var webConfiguration: WebConfiguration

        /// Creates options.
        public init(
            host: String = "0.0.0.0",
            port: Int = 10052,
            configurationFile: String? = nil,
            reloadOnHangup: Bool = false,
            webConfiguration: WebConfiguration = WebConfiguration()
        ) {
            self.host = host
            self.port = port
            self.configurationFile = configurationFile
            self.reloadOnHangup = reloadOnHangup
            self.webConfiguration = webConfiguration
        }
    }

    let options: Options
    let logger: Logger
    let registry = AgentMetrics.makeRegistry()
    let eventLoopGroup: any EventLoopGroup
    let state: Mutex<RunState>

    struct RunState {
        var configuration: AgentConfiguration
        var targets: [TargetMonitor] = []
        var ready = false
        var boundPort: Int?
        var portWaiters: [CheckedContinuation<Int, Never>] = []
        var reloads: AsyncStream<ReloadRequest>.Continuation?
    }

    /// Creates an agent for a validated configuration.
    public init(
        configuration: AgentConfiguration,
        options: Options = Options(),
        eventLoopGroup: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton,
        logger: Logger
    ) {
        self.state = Mutex(RunState(configuration: configuration))
        self.options = options
        self.eventLoopGroup = eventLoopGroup
        self.logger = logger
    }

    /// Runs until graceful shutdown or cancellation.
    public func run() async throws {
        let configuration = self.state.withLock { $0.configuration }
        let targets = try configuration.targets.map(self.makeTarget)
        self.state.withLock { $0.targets = targets }
        for target in targets { try await target.start() }
        let (reloads, reloadContinuation) = AsyncStream.makeStream(of: ReloadRequest.self)
        self.state.withLock {
            $0.ready = true
            $0.reloads = reloadContinuation
        }
        defer {
            let pending = self.state.withLock { state in
                state.ready = false
                defer { state.reloads = nil }
                return state.reloads
            }
            pending?.finish()
        }
        try await withThrowingTaskGroup(of: Void.self) { group in
            for target in targets {
                group.addTask { await target.refreshTokens() }
            }
            group.addTask {
                try await WebServer(agent: self).run()
            }
            if self.options.reloadOnHangup {
                group.addTask { await self.reloadOnHangups() }
            }
            // Reloads are applied one at a time, here, until SIGTERM/SIGINT (through the
            // ServiceGroup) or cancellation ends the stream.
            await withGracefulShutdownHandler {
                for await request in reloads {
                    let (outcome, started) = await self.applyReload()
                    for target in started {
                        group.addTask { await target.refreshTokens() }
                    }
                    request.reply.resume(returning: outcome)
                }
            } onGracefulShutdown: {
                reloadContinuation.finish()
            }
            self.logger.info("shutting down: closing sessions with 1001")
            let current = self.targets
            await withTaskGroup(of: Void.self) { stops in
                for target in current { stops.addTask { await target.stop() } }
            }
            // The web server saw the same graceful shutdown and drains its connections; token
            // refreshers end with their targets and the SIGHUP loop with the shutdown, so
            // nothing is cancelled mid-request. Cancellation of `run()` still ends them all.
            while let result = await group.nextResult() {
                if case .failure(let error) = result, !(error is CancellationError) { throw error }
            }
        }
    }

    func makeTarget(_ configuration: TargetConfiguration) throws -> TargetMonitor {
        try TargetMonitor(
            configuration: configuration,
            registry: self.registry,
            eventLoopGroup: self.eventLoopGroup,
            logger: self.logger
        )
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
