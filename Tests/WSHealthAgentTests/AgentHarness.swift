import Foundation
import Logging
import NIOCore
import ServiceLifecycle
import Synchronization
import Testing
import WSHealthBackend
import WSHealthConfig
import WSHealthTestCertificates

@testable import WSHealthAgent

/// A reference backend and an agent watching it, on 127.0.0.1 with ephemeral ports; both are
/// stopped by `shutdown()`, which every test calls. With `tls` the backend serves `wss://` with
/// a certificate of a throwaway CA, whose files `shutdown()` removes too.
final class AgentHarness: Sendable {
    /// The backend's HS256 secret; the agent's minted tokens use it via `SECRET_FILE`.
    static let secret = Array(String(repeating: "harness-secret-", count: 3).utf8)

    let backend: ReferenceBackend
    let agent: Agent
    let backendPort: Int
    let secretFile: URL
    let configurationFile: URL
    /// `--storage.path`: a new directory removed by `shutdown()`, or the caller's (kept).
    let storage: URL
    private let ownsStorage: Bool
    private let isShutDown = Atomic(false)
    /// The `alerting:` section (indented YAML lines), appended to the configuration.
    private let alerting: String?
    /// The test CA and server certificate when the backend serves TLS.
    let certificates: TestCertificates?
    /// The target's URL: `ws://` or `wss://`, the URL host, the backend's (or a fixed) port.
    private let url: String
    private let backendTask: Task<Void, any Error>
    private let agentGroup: ServiceGroup
    private let agentTask: Task<Void, any Error>

    /// Starts a backend sending every `interval`, then an agent with `target` (YAML lines of one
    /// target, `URL`, `SECRET_FILE` and `CA_FILE` replaced). With `tls` the backend serves TLS
    /// with that server certificate and `URL` is `wss://urlHost:port/…` (`urlHost` is
    /// `127.0.0.1` or `localhost`).
    init(
        interval: Duration = .milliseconds(100),
        target: String,
        backendPort fixedPort: Int? = nil,
        environment: [String: String] = [:],
        tls: TestCertificates.Leaf? = nil,
        urlHost: String = "127.0.0.1",
        alerting: String? = nil,
        storage: URL? = nil,
        maxBufferedBytes: Int = Agent.Options.defaultMaxBufferedBytes,
        backendProtocol: BackendProtocol = .spec
    ) async throws {
        let secret = Self.secret
        self.secretFile = FileManager.default.temporaryDirectory.appendingPathComponent("wshealth-\(UUID()).secret")
        try Data(secret).write(to: self.secretFile)
        var logger = Logger(label: "test")
        logger.logLevel = .warning
        let certificates = try tls.map { try TestCertificates.make(leaf: $0) }
        self.certificates = certificates
        self.backend = ReferenceBackend(
            configuration: ReferenceBackendConfiguration(
                port: 0,
                adminPort: 0,
                interval: interval,
                jwtSecret: secret,
                tls: try certificates.map {
                    try BackendTLS(certificateChainFile: $0.certificateChainFile, privateKeyFile: $0.privateKeyFile)
                },
                protocolKind: backendProtocol
            ),
            logger: logger
        )
        let backend = self.backend
        self.backendTask = Task { try await backend.run() }
        self.backendPort = try await backend.boundAddresses().websocket.port!
        self.url = "\(tls == nil ? "ws" : "wss")://\(urlHost):\(fixedPort ?? self.backendPort)/api/ws/metrics"
        self.configurationFile = FileManager.default.temporaryDirectory.appendingPathComponent("wshealth-\(UUID()).yml")
        self.alerting = alerting
        self.ownsStorage = storage == nil
        self.storage =
            storage ?? FileManager.default.temporaryDirectory.appendingPathComponent("wshealth-storage-\(UUID())")
        try Self.writeConfiguration(
            target: target,
            url: self.url,
            secretFile: self.secretFile,
            caFile: certificates?.caFile,
            alerting: alerting,
            to: self.configurationFile
        )
        let configuration = try AgentConfiguration.load(path: self.configurationFile.path, environment: environment)
        self.agent = Agent(
            configuration: configuration,
            options: .init(
                host: "127.0.0.1",
                port: 0,
                configurationFile: self.configurationFile.path,
                storagePath: self.storage.path,
                maxBufferedBytes: maxBufferedBytes
            ),
            logger: logger
        )
        self.agentGroup = ServiceGroup(services: [self.agent], logger: logger)
        let group = self.agentGroup
        self.agentTask = Task { try await group.run() }
        _ = try await self.agent.listeningPort()
    }

    /// Writes the agent's configuration file: `target` holds YAML list entries, with `URL`,
    /// `SECRET_FILE` and `CA_FILE` replaced, and the `alerting:` section (the one given at start
    /// when nil). The agent reads it at start and on `reload()`.
    func rewriteConfiguration(target: String, alerting: String? = nil) throws {
        try Self.writeConfiguration(
            target: target,
            url: self.url,
            secretFile: self.secretFile,
            caFile: self.certificates?.caFile,
            alerting: alerting ?? self.alerting,
            to: self.configurationFile
        )
    }

    private static func writeConfiguration(
        target: String,
        url: String,
        secretFile: URL,
        caFile: String?,
        alerting: String?,
        to file: URL
    ) throws {
        let yaml =
            "targets:\n"
            + target
            .replacingOccurrences(of: "URL", with: url)
            .replacingOccurrences(of: "SECRET_FILE", with: secretFile.path)
            .replacingOccurrences(of: "CA_FILE", with: caFile ?? "CA_FILE")
            + (alerting.map { "\nalerting:\n" + $0 } ?? "")
        try yaml.write(to: file, atomically: true, encoding: .utf8)
    }

    /// A valid token for the backend.
    func validToken() async throws -> String {
        try await BackendToken.make(subject: "harness", secret: Self.secret)
    }

    /// Stops the agent gracefully, then the backend, and removes the files it wrote. Once: a
    /// test that asserts what the shutdown did calls it inside ``scoped(_:_:)``, which calls it
    /// again.
    func shutdown() async {
        guard !self.isShutDown.exchange(true, ordering: .relaxed) else { return }
        await self.agentGroup.triggerGracefulShutdown()
        _ = await self.agentTask.result
        self.backendTask.cancel()
        _ = await self.backendTask.result
        try? FileManager.default.removeItem(at: self.secretFile)
        try? FileManager.default.removeItem(at: self.configurationFile)
        if self.ownsStorage { try? FileManager.default.removeItem(at: self.storage) }
        self.certificates?.remove()
    }

    /// The value of one series of the agent's exposition, or nil when it does not exist.
    func metric(_ name: String, _ labels: [String: String] = [:]) -> Double? {
        MetricText(self.agent.metrics.exposition()).value(name, labels)
    }

    /// The number of sessions of `target` in `state`.
    func sessions(_ target: String, _ state: String) -> Double? {
        self.metric("wshealth_sessions", ["target": target, "state": state])
    }

    /// Polls until `condition` holds, for at most `timeout`; records an issue when it never does.
    @discardableResult
    func eventually(
        _ what: String,
        timeout: Duration = .seconds(10),
        sourceLocation: SourceLocation = #_sourceLocation,
        _ condition: () -> Bool
    ) async -> Bool {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if condition() { return true }
            try? await Task.sleep(for: .milliseconds(20))
        }
        let holds = condition()
        if !holds {
            Issue.record(
                "timed out waiting for \(what)\n\(self.agent.metrics.exposition())",
                sourceLocation: sourceLocation
            )
        }
        return holds
    }
}

/// Reads series out of the Prometheus text format.
struct MetricText {
    let lines: [Substring]

    init(_ text: String) { self.lines = text.split(separator: "\n").filter { !$0.hasPrefix("#") } }

    func value(_ name: String, _ labels: [String: String]) -> Double? {
        for line in self.lines {
            guard let space = line.lastIndex(of: " ") else { continue }
            let series = line[..<space]
            let seriesName = series.prefix { $0 != "{" }
            guard seriesName == name else { continue }
            let matches = labels.allSatisfy { series.contains("\($0.key)=\"\($0.value)\"") }
            if matches { return Double(line[line.index(after: space)...]) }
        }
        return nil
    }
}

extension AgentHarness {
    /// Runs `body` with `harness`, then shuts the harness down, whether `body` returned or
    /// threw: a failing test leaves no agent, backend or file behind.
    @discardableResult
    static func scoped<Result>(
        _ harness: AgentHarness,
        _ body: (AgentHarness) async throws -> Result
    ) async throws -> Result {
        do {
            let result = try await body(harness)
            await harness.shutdown()
            return result
        } catch {
            await harness.shutdown()
            throw error
        }
    }
}
