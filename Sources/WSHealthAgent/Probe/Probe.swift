import Foundation
import Logging
import NIOCore
import NIOPosix
public import WSHealthConfig
import WSHealthWebSocket

#if canImport(Glibc)
import Glibc
#endif

/// `wshealth probe`: one connection to one target, as one of the agent's sessions makes it
/// (the same settings, the same code), watched step by step, ending in a verdict.
public enum Probe {
    /// What to watch for, and for how long.
    public struct Options: Sendable {
        /// How long to wait for the valid messages before the verdict.
        public var duration: Duration
        /// The valid messages to wait for: the verdict is `ok` as soon as they arrived.
        public var messages: Int
        /// The most bytes a message still arriving may hold, as the agent's
        /// `--messages.max-buffered-bytes` (0: no limit): a message the agent would refuse,
        /// the probe refuses too.
        public var maxBufferedBytes: Int

        /// Options: 10 s, 3 messages, the agent's buffer limit by default.
        public init(
            duration: Duration = .seconds(10),
            messages: Int = 3,
            maxBufferedBytes: Int = Agent.Options.defaultMaxBufferedBytes
        ) {
            self.duration = duration
            self.messages = messages
            self.maxBufferedBytes = maxBufferedBytes
        }
    }

    /// Probes `target`: resolves its host, then runs one session until the verdict (a failure,
    /// the end of the connection, `messages` valid messages, or `duration`), and closes it
    /// with 1001. `printer` sees each step as it happens.
    ///
    /// - Throws: An error when the target's files (CA, JWT secret, token) are unusable.
    public static func run(
        _ target: TargetConfiguration,
        options: Options = Options(),
        printer: (@Sendable (ProbeStep) -> Void)? = nil
    ) async throws -> ProbeReport {
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        let loop = SessionLoop(
            eventLoop: group.next(),
            messageBuffers: MessageBufferBudget(capacity: options.maxBufferedBytes)
        )
        let recorder = ProbeRecorder(
            finished: loop.eventLoop.makePromise(),
            wantedMessages: max(1, options.messages),
            redaction: Self.redaction(for: target),
            printer: printer
        )
        do {
            let settings = try TargetMonitor.sessionSettings(for: target, trace: recorder)
            try await settings.token?.refresh()
            for header in settings.headers { try await header.refresh() }
            if !settings.endpoint.hostIsIPAddress {
                recorder.add("dns", await Self.resolve(settings.endpoint.host, port: settings.endpoint.port))
            }
            // The registry is the statistics' owner; it must outlive the session.
            let registry = MetricsRegistry()
            let session = Session(
                index: 0,
                settings: settings,
                statistics: TargetStatistics(
                    target: target.name,
                    sessions: 1,
                    policy: settings.policy,
                    registry: registry
                ),
                loop: loop,
                logger: Logger(label: "wshealth.probe") { _ in SwiftLogNoOpLogHandler() }
            )
            session.start()
            let deadline = loop.eventLoop.scheduleTask(in: .nanoseconds(options.duration.nanoseconds)) {
                recorder.deadlinePassed(after: options.duration)
            }
            try await recorder.finished.futureResult.get()
            deadline.cancel()
            try await session.stop().get()
            withExtendedLifetime(registry) {}
        } catch {
            try? await group.shutdownGracefully()
            throw error
        }
        try await group.shutdownGracefully()
        let result = recorder.result
        return ProbeReport(
            target: target.name,
            url: Redaction.url(target.url),
            verdict: result.verdict,
            detail: result.detail,
            steps: result.steps
        )
    }

    /// The target's URL as the probe shows it: credentials and token masked.
    public static func displayURL(_ target: TargetConfiguration) -> String {
        Redaction.url(target.url)
    }

    /// What the probe masks: the token's query parameter or header, and every configured header.
    private static func redaction(for target: TargetConfiguration) -> HeaderRedaction {
        var redaction = HeaderRedaction()
        switch target.token?.placement {
        case .queryParameter(let name): redaction.secretParameters.insert(name)
        case .header(let name): redaction.secretHeaders.insert(name.lowercased())
        case nil: break
        }
        for header in target.headers { redaction.secretHeaders.insert(header.name.lowercased()) }
        return redaction
    }

    /// The addresses `host` resolves to, as the system resolver answers (off the event loop:
    /// `getaddrinfo` blocks).
    private static func resolve(_ host: String, port: Int) async -> [String] {
        await withCheckedContinuation { continuation in
            Thread.detachNewThread {
                continuation.resume(returning: Self.getaddrinfo(host, port: port))
            }
        }
    }

    private static func getaddrinfo(_ host: String, port: Int) -> [String] {
        var hints = addrinfo()
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        var list: UnsafeMutablePointer<addrinfo>?
        let status = Glibc.getaddrinfo(host, String(port), &hints, &list)
        guard status == 0 else {
            return ["\(host): no address (\(String(cString: gai_strerror(status))))"]
        }
        defer { freeaddrinfo(list) }
        var addresses: [String] = []
        var entry = list
        while let current = entry {
            if let text = current.pointee.ai_addr.flatMap({ Self.ipAddress($0, host: host) }), !addresses.contains(text)
            {
                addresses.append(text)
            }
            entry = current.pointee.ai_next
        }
        return ["\(host) → \(addresses.joined(separator: ", "))"]
    }

    private static func ipAddress(_ address: UnsafeMutablePointer<sockaddr>, host: String) -> String? {
        switch Int32(address.pointee.sa_family) {
        case AF_INET:
            address.withMemoryRebound(to: sockaddr_in.self, capacity: 1) {
                SocketAddress($0.pointee, host: host).ipAddress
            }
        case AF_INET6:
            address.withMemoryRebound(to: sockaddr_in6.self, capacity: 1) {
                SocketAddress($0.pointee, host: host).ipAddress
            }
        default:
            nil
        }
    }
}
