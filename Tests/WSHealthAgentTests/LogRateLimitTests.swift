import Logging
import NIOConcurrencyHelpers
import Testing
import WSConnectionStateMachine

@testable import WSHealthAgent

/// A target's sessions failing together write one line per kind, not one per session.
struct LogRateLimitTests {
    /// Keeps every line logged through it.
    struct Capture: LogHandler {
        let lines: NIOLockedValueBox<[(Logger.Level, String, Logger.Metadata)]>
        var metadata: Logger.Metadata = [:]
        var logLevel: Logger.Level = .trace

        subscript(metadataKey key: String) -> Logger.Metadata.Value? {
            get { self.metadata[key] }
            set { self.metadata[key] = newValue }
        }

        func log(event: LogEvent) {
            self.lines.withLockedValue { $0.append((event.level, "\(event.message)", event.metadata ?? [:])) }
        }
    }

    @Test func tenThousandSessionsFailingAreOneLinePerKind() {
        let lines = NIOLockedValueBox<[(Logger.Level, String, Logger.Metadata)]>([])
        let logger = Logger(label: "test") { _ in Capture(lines: lines) }
        let statistics = TargetStatistics(target: "t", sessions: 10_000, policy: .spec, registry: MetricsRegistry())
        for session in 0..<10_000 {
            statistics.logRateLimited(.sessionFailed, metadata: ["session": "\(session)"], logger: logger)
            statistics.logRateLimited(.connectionFailed, metadata: ["session": "\(session)"], logger: logger)
        }
        let logged = lines.withLockedValue { $0 }
        #expect(logged.map(\.1).sorted() == ["connection attempt failed", "session failed"])
        #expect(logged.first { $0.1 == "session failed" }?.0 == .warning)
        #expect(logged.allSatisfy { $0.2["suppressed_since_last_log"] == "0" }, "the first of each kind")
    }
}
