public import Logging
import NIOConcurrencyHelpers
public import NIOCore
public import NIOPosix
public import ServiceLifecycle
public import WSHealthConfig
import WSHealthWebSocket

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
        /// `--storage.path`: the alert outboxes and the firing alerts live here, so that a
        /// restart neither loses nor repeats a notification. Alert receivers need it; without
        /// it the rules still run (for `/api/v1/alerts` and the metrics).
        public var storagePath: String?
        /// `--shard`: this replica's share of the configured targets, at start and at each
        /// reload. ``Shard/all`` (the default) monitors every target.
        public var shard: Shard
        /// `--connect.max-rate`: connection attempts started per second, all targets together;
        /// 0 starts every attempt at once. Pacing keeps a start-up or a backend restart under
        /// thousands of sessions from holding thousands of handshakes at the same moment.
        public var connectRate: Int
        /// `--messages.max-buffered-bytes`: the bytes all sessions together may hold for
        /// messages that have not fully arrived; 0: no limit but each target's
        /// `max_message_bytes`.
        public var maxBufferedBytes: Int

        /// The default `connectRate`: 10,000 sessions start within two seconds, about the
        /// spread of the spec's first backoff step, while only a few dozen handshakes are in
        /// flight at once against a local backend.
        public static let defaultConnectRate = 5000

        /// The default `maxBufferedBytes`: 256 MiB, room for 256 messages of the default
        /// `max_message_bytes` (1 MiB) on the way at once; the spec's dashboard's messages are
        /// a few hundred bytes and arrive whole, so they never take any of it.
        public static let defaultMaxBufferedBytes = 256 << 20

        /// Creates options.
        public init(
            host: String = "0.0.0.0",
            port: Int = 10052,
            configurationFile: String? = nil,
            reloadOnHangup: Bool = false,
            webConfiguration: WebConfiguration = WebConfiguration(),
            storagePath: String? = nil,
            shard: Shard = .all,
            connectRate: Int = Options.defaultConnectRate,
            maxBufferedBytes: Int = Options.defaultMaxBufferedBytes
        ) {
            self.host = host
            self.port = port
            self.configurationFile = configurationFile
            self.reloadOnHangup = reloadOnHangup
            self.webConfiguration = webConfiguration
            self.storagePath = storagePath
            self.shard = shard
            self.connectRate = connectRate
            self.maxBufferedBytes = maxBufferedBytes
        }
    }

    let options: Options
    let logger: Logger
    /// Every series `/metrics` exports.
    let metrics: MetricsRegistry
    let state: NIOLockedValueBox<RunState>
    /// Alert delivery: its threads run blocking libcurl calls, away from event loops.
    let notificationClient: NotificationClient
    /// Sessions signal their changes here; the alert rules evaluate on them.
    let stateChanges = ChangeSignal()
    /// The sessions' timers and connection pacing, per event loop.
    let sessionLoops: SessionLoops
    /// The descriptors the sessions' sockets may take, shared by every loop.
    let sockets = SocketBudget()

    /// Where the web server is: starting (with the callers waiting for its port), listening,
    /// or failed.
    enum Serving {
        case starting([CheckedContinuation<Int, any Error>])
        case listening(Int)
        case failed(any Error)
    }

    struct RunState {
        var configuration: AgentConfiguration
        var targets: [TargetMonitor] = []
        var ready = false
        var serving = Serving.starting([])
        var reloads: AsyncStream<ReloadRequest>.Continuation?
        var alerting: AlertingService?
    }

    /// Creates an agent for a validated configuration.
    public init(
        configuration: AgentConfiguration,
        options: Options = Options(),
        eventLoopGroup: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton,
        logger: Logger
    ) {
        self.state = NIOLockedValueBox(RunState(configuration: configuration.assigned(to: options.shard)))
        self.options = options
        self.logger = logger
        self.notificationClient = NotificationClient(logger: logger)
        // Without a limit the bytes are still counted, for the gauge.
        let messageBuffers = MessageBufferBudget(capacity: options.maxBufferedBytes)
        self.metrics = MetricsRegistry(messageBuffers: messageBuffers)
        self.sessionLoops = SessionLoops(
            group: eventLoopGroup,
            connectRate: options.connectRate,
            sockets: self.sockets,
            messageBuffers: messageBuffers
        )
    }

    /// Runs until graceful shutdown or cancellation.
    ///
    /// - Throws: An error naming the address when the web server cannot listen: the agent then
    ///   starts no session, since a monitor nobody can scrape is an outage that looks healthy.
    public func run() async throws {
        let configuration = self.state.withLockedValue { $0.configuration }
        let targets = try configuration.targets.map(self.makeTarget)
        self.state.withLockedValue { $0.targets = targets }
        self.warnIfShortOfSockets(for: configuration)
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask {
                do {
                    try await WebServer(agent: self).run()
                } catch {
                    throw self.serverFailed(error)
                }
            }
            _ = try await self.listeningPort()
            let alerting = try self.makeAlerting(configuration.alerting)
            for target in targets { try await target.start() }
            let (reloads, reloadContinuation) = AsyncStream.makeStream(of: ReloadRequest.self)
            self.state.withLockedValue {
                $0.ready = true
                $0.reloads = reloadContinuation
                $0.alerting = alerting
            }
            defer {
                let pending = self.state.withLockedValue { state in
                    state.ready = false
                    defer { state.reloads = nil }
                    return state.reloads
                }
                pending?.finish()
            }
            for target in targets {
                group.addTask { await target.refreshTokens() }
            }
            if self.options.reloadOnHangup {
                group.addTask { await self.reloadOnHangups() }
            }
            group.addTask { await self.runAlerting(alerting) }
            // Reloads are applied one at a time, here, until SIGTERM/SIGINT (through the
            // ServiceGroup), cancellation, or a web server that stops serving ends the stream.
            await withGracefulShutdownHandler {
                for await request in reloads {
                    let (outcome, started, alerting) = await self.applyReload()
                    for target in started {
                        group.addTask { await target.refreshTokens() }
                    }
                    if let alerting {
                        group.addTask { await self.runAlerting(alerting) }
                    }
                    request.reply.resume(returning: outcome)
                }
            } onGracefulShutdown: {
                reloadContinuation.finish()
            }
            // Alerting stops first: sessions closed by the shutdown must not read as resolved.
            await self.state.withLockedValue { $0.alerting }?.stopAndWait()
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
            // Last: the deliveries have finished their requests in flight.
            await self.notificationClient.shutdown()
        }
    }

    func makeTarget(_ configuration: TargetConfiguration) throws -> TargetMonitor {
        try TargetMonitor(
            configuration: configuration,
            registry: self.metrics,
            loops: self.sessionLoops,
            changes: self.stateChanges,
            logger: self.logger
        )
    }

    /// The targets being monitored.
    var targets: [TargetMonitor] { self.state.withLockedValue { $0.targets } }

    /// Whether every target has started.
    var isReady: Bool { self.state.withLockedValue { $0.ready } }

    /// The port the web server listens on, once it does.
    ///
    /// - Throws: Why the web server could not listen, if it could not.
    public func listeningPort() async throws -> Int {
        try await withCheckedThrowingContinuation { continuation in
            let outcome: Result<Int, any Error>? = self.state.withLockedValue { state in
                switch state.serving {
                case .starting(let waiters):
                    state.serving = .starting(waiters + [continuation])
                    return nil
                case .listening(let port): return .success(port)
                case .failed(let error): return .failure(error)
                }
            }
            if let outcome { continuation.resume(with: outcome) }
        }
    }

    func serverStarted(port: Int) {
        let waiters = self.state.withLockedValue { state in
            defer { state.serving = .listening(port) }
            if case .starting(let waiters) = state.serving { return waiters }
            return []
        }
        for waiter in waiters { waiter.resume(returning: port) }
        self.logger.info("serving metrics", metadata: ["address": "\(self.options.host):\(port)"])
    }

    /// Records that the web server stopped serving, or never could, and returns the error to
    /// report: a bind failure becomes one sentence naming the address.
    func serverFailed(_ error: any Error) -> any Error {
        let address = "\(self.options.host):\(self.options.port)"
        let reported: any Error =
            if let error = error as? IOError {
                AgentError("cannot listen on \(address): \(SystemError.describe(errno: error.errnoCode))")
            } else if error is CancellationError {
                error
            } else {
                AgentError("the web server on \(address) stopped: \(error)")
            }
        let waiters = self.state.withLockedValue { state in
            defer { state.serving = .failed(reported) }
            if case .starting(let waiters) = state.serving { return waiters }
            return []
        }
        for waiter in waiters { waiter.resume(throwing: reported) }
        return reported
    }
}
