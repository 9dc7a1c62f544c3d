import Logging
import NIOCore
import NIOHTTP1
import WSHealthBackend

/// A reference backend started on 127.0.0.1 with ephemeral ports, for one test.
final class RunningBackend: Sendable {
    /// The HS256 secret of every test backend.
    static let secret = Array("wshealth-test-secret-0123456789abcdef".utf8)

    /// Only warnings and errors, so a test run's output stays readable.
    static let quietLogger: Logger = {
        var logger = Logger(label: "wshealth.backend.test")
        logger.logLevel = .warning
        return logger
    }()

    let backend: ReferenceBackend
    let addresses: BackendAddresses
    private let task: Task<Void, any Error>

    private init(backend: ReferenceBackend, addresses: BackendAddresses, task: Task<Void, any Error>) {
        self.backend = backend
        self.addresses = addresses
        self.task = task
    }

    /// Starts a backend (serving `wss://` with `tls`), runs `body`, and stops the backend whatever happens.
    static func with(
        interval: Duration = .milliseconds(100),
        tls: BackendTLS? = nil,
        _ body: (RunningBackend) async throws -> Void
    ) async throws {
        let backend = ReferenceBackend(
            configuration: ReferenceBackendConfiguration(
                port: 0,
                adminPort: 0,
                interval: interval,
                jwtSecret: Self.secret,
                tls: tls
            ),
            logger: Self.quietLogger
        )
        let task = Task { try await backend.run() }
        let addresses: BackendAddresses
        do {
            addresses = try await withTimeout(.seconds(10)) { try await backend.boundAddresses() }
        } catch {
            task.cancel()
            throw error
        }
        let running = RunningBackend(backend: backend, addresses: addresses, task: task)
        do {
            try await body(running)
        } catch {
            try? await running.stop()
            throw error
        }
        try await running.stop()
    }

    /// Stops the backend (graceful close of every client) and waits for `run()` to return.
    func stop() async throws {
        self.task.cancel()
        try await withTimeout(.seconds(10)) { try await self.task.value }
    }

    /// A valid token.
    func token(expiresIn: Duration = .seconds(3_600)) async throws -> String {
        try await BackendToken.make(subject: "tester", secret: Self.secret, expiresIn: expiresIn)
    }

    /// Connects a client with `token` (a fresh valid one by default).
    func connect(
        token: String? = nil,
        placement: TestWebSocketClient.TokenPlacement = .query,
        path: String = "/api/ws/metrics"
    ) async throws -> TestWebSocketClient {
        let validToken = try await self.token()
        return try await TestWebSocketClient.connect(
            to: self.addresses.websocket,
            path: path,
            token: token ?? validToken,
            placement: placement
        )
    }

    /// Connects a valid client and waits until it is upgraded.
    func connectUpgraded() async throws -> TestWebSocketClient {
        let client = try await self.connect()
        let first = try await client.nextEvent()
        guard first == .upgraded else {
            throw TestFailure("expected an upgrade, got \(first)")
        }
        return client
    }

    /// Calls an admin endpoint.
    func admin(_ method: HTTPMethod, _ uri: String) async throws -> TestHTTPClient.Response {
        try await TestHTTPClient.request(method, uri, to: self.addresses.admin)
    }
}

/// Runs `operation`, which must honour cancellation, and fails it if it takes longer than `timeout`.
func withTimeout<T: Sendable>(
    _ timeout: Duration,
    _ operation: @escaping @Sendable () async throws -> T
) async throws -> T {
    try await withThrowingTaskGroup(of: T.self) { group in
        group.addTask { try await operation() }
        group.addTask {
            try await Task.sleep(for: timeout)
            throw TestFailure("timed out after \(timeout)")
        }
        defer { group.cancelAll() }
        return try await group.next()!
    }
}
