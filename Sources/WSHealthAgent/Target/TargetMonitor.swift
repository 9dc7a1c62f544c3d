import Foundation
import Logging
import NIOCore
import NIOSSL
import WSConnectionStateMachine
import WSHealthConfig
import WSHealthWebSocket

/// One configured target: its sessions, its token, its metrics.
final class TargetMonitor: Sendable {
    /// The target as configured.
    let configuration: TargetConfiguration
    /// Its aggregated metrics.
    let statistics: TargetStatistics
    /// Its sessions.
    let sessions: [Session]
    private let token: TokenProvider?
    private let logger: Logger
    /// Finished by `stop()`, which ends the token refresh loop.
    private let stopped = AsyncStream<Never>.makeStream()

    /// Builds the target's sessions; fails when a file it needs (CA, JWT secret) is unusable.
    init(
        configuration: TargetConfiguration,
        registry: MetricsRegistry,
        loops: SessionLoops,
        changes: ChangeSignal? = nil,
        logger: Logger
    ) throws {
        self.configuration = configuration
        var logger = logger
        logger[metadataKey: "target"] = "\(configuration.name)"
        self.logger = logger
        let settings = try Self.sessionSettings(for: configuration)
        self.token = settings.token
        let statistics = TargetStatistics(
            target: configuration.name,
            sessions: configuration.sessions,
            policy: settings.policy,
            registry: registry
        )
        self.statistics = statistics
        self.sessions = (0..<configuration.sessions).map { index in
            Session(
                index: index,
                settings: settings,
                statistics: statistics,
                changes: changes,
                loop: loops.nextLoop(),
                logger: logger
            )
        }
    }

    /// Mints the first token if the target mints one, then starts every session.
    func start() async throws {
        try await self.token?.refresh()
        for session in self.sessions { session.start() }
        self.logger.info(
            "monitoring target",
            metadata: ["url": "\(Redaction.url(self.configuration.url))", "sessions": "\(self.sessions.count)"]
        )
    }

    /// Keeps a minted token fresh until the target stops or the task is cancelled; returns at
    /// once when there is none to keep fresh.
    func refreshTokens() async {
        guard let token = self.token, let interval = token.refreshInterval else { return }
        let logger = self.logger
        let stopped = self.stopped.stream
        await withTaskGroup(of: Void.self) { group in
            group.addTask {
                for await _ in stopped {}
            }
            group.addTask {
                while !Task.isCancelled {
                    do {
                        try await Task.sleep(for: interval)
                        try await token.refresh()
                    } catch is CancellationError {
                        return
                    } catch {
                        logger.error("cannot mint a token", metadata: ["error": "\(error)"])
                    }
                }
            }
            await group.next()
            group.cancelAll()
        }
    }

    /// Stops every session (`user_action`) and waits for their connections to close.
    func stop() async {
        self.stopped.continuation.finish()
        let closes = self.sessions.map { $0.stop() }
        for close in closes { try? await close.get() }
    }

    /// The operator's Retry for every session in `error` (`error → disconnected → connecting`);
    /// harmless for the others. The future holds how many sessions were retried.
    @discardableResult
    func retry() -> EventLoopFuture<Int> {
        let retried = self.sessions.map { $0.retry() }
        return EventLoopFuture.whenAllSucceed(retried, on: self.sessions[0].eventLoop).map { results in
            results.count { $0 }
        }
    }

    /// Snapshots of every session, in session order, taken on all their loops at once.
    func snapshots() async -> [SessionSnapshot] {
        let futures = self.sessions.map { $0.snapshot() }
        var snapshots: [SessionSnapshot] = []
        snapshots.reserveCapacity(futures.count)
        for future in futures {
            if let snapshot = try? await future.get() { snapshots.append(snapshot) }
        }
        return snapshots
    }

    static func sessionSettings(
        for target: TargetConfiguration,
        trace: (any ConnectionTrace)? = nil
    ) throws -> SessionSettings {
        guard let endpoint = WebSocketEndpoint(url: target.url.absoluteString) else {
            throw AgentError("targets \(target.name): not a WebSocket URL: \(Redaction.url(target.url))")
        }
        let policy = ConnectionPolicy(
            handshakeTimeout: target.handshakeTimeout,
            backoff: ReconnectBackoff(
                initialDelay: target.reconnect.initialDelay,
                maxDelay: target.reconnect.maxDelay,
                jitter: target.reconnect.jitter
            ),
            maxReconnectAttempts: target.reconnect.maxAttempts,
            errorRetryAfter: target.errorRetryAfter,
            ping: target.ping.interval.map { ConnectionPolicy.Ping(interval: $0, timeout: target.ping.timeout) },
            staleAfter: target.expect.staleAfter,
            onStale: target.expect.onStale == .reconnect ? .reconnect : .mark
        )
        return SessionSettings(
            targetName: target.name,
            endpoint: endpoint,
            displayURL: Redaction.url(target.url),
            policy: policy,
            expectJSON: target.expect.json,
            maxMessageBytes: target.expect.maxMessageBytes,
            token: try target.token.map(Self.tokenProvider),
            tls: endpoint.isSecure ? try Self.tlsContext(target.tls ?? WSHealthConfig.TLSConfiguration()) : nil,
            tlsServerName: target.tls?.serverName,
            compression: target.compression.method == .none
                ? nil
                : PerMessageDeflate.Offer(
                    serverMaxWindowBits: target.compression.serverMaxWindowBits,
                    serverNoContextTakeover: target.compression.serverNoContextTakeover
                ),
            subprotocols: target.subprotocols,
            origin: target.origin,
            headers: try target.headers.map {
                // A header's value comes from where a token's does, and goes under its own name.
                try Self.tokenProvider(TokenConfiguration(source: $0.source, placement: .header($0.name)))
            },
            trace: trace,
            timestamp: target.expect.timestamp,
            assertions: target.expect.assertions,
            conversation: Conversation(target.conversation)
        )
    }

    private static func tokenProvider(_ token: TokenConfiguration) throws -> TokenProvider {
        let placement: TokenProvider.Placement =
            switch token.placement {
            case .queryParameter(let name): .queryParameter(name)
            case .header(let name): .header(name)
            }
        let source: TokenProvider.Source
        switch token.source {
        case .value(let value): source = .fixed(value)
        case .environment(_, let value): source = .fixed(value)
        case .file(let path): source = .file(path: path)
        case .jwt(let jwt):
            guard let secret = FileManager.default.contents(atPath: jwt.secretFile) else {
                throw AgentError("cannot read JWT secret file \(jwt.secretFile)")
            }
            // A trailing newline is an accident of `echo > file`, never part of the key.
            let trimmed = secret.reversed().drop { $0 == 0x0A || $0 == 0x0D }.reversed()
            // HS256 keys shorter than the hash are weak; JWTKit refuses them.
            guard trimmed.count >= 32 else {
                throw AgentError(
                    "JWT secret file \(jwt.secretFile) holds \(trimmed.count) bytes; HS256 needs at least 32"
                )
            }
            source = .jwt(secret: Array(trimmed), subject: jwt.subject, ttl: jwt.ttl)
        }
        return TokenProvider(source: source, placement: placement)
    }

    private static func tlsContext(_ tls: WSHealthConfig.TLSConfiguration) throws -> NIOSSLContext {
        var configuration = NIOSSL.TLSConfiguration.makeClientConfiguration()
        if let caFile = tls.caFile { configuration.trustRoots = .file(caFile) }
        if tls.insecureSkipVerify { configuration.certificateVerification = .none }
        return try NIOSSLContext(configuration: configuration)
    }
}

/// An error of the agent with a readable message that never contains a secret.
struct AgentError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

/// Removes secrets from what is shown.
enum Redaction {
    /// The URL without credentials and with any `token` query parameter masked.
    static func url(_ url: URL) -> String {
        guard var components = URLComponents(url: url, resolvingAgainstBaseURL: false) else { return "<invalid url>" }
        if components.password != nil { components.password = "<redacted>" }
        components.queryItems = components.queryItems?.map { item in
            Self.secretParameters.contains(item.name.lowercased())
                ? URLQueryItem(name: item.name, value: "<redacted>") : item
        }
        return components.string ?? "<invalid url>"
    }

    /// Query parameters whose values are masked wherever a URL is shown, lowercased.
    static let secretParameters: Set = [
        "token", "access_token", "jwt", "key", "apikey", "api_key", "secret", "password",
    ]
}
