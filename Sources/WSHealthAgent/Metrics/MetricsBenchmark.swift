import NIOCore
import WSConnectionStateMachine

/// `/metrics` without sockets, for the `Benchmarks` package: a registry of `targets` targets of
/// `sessions` sessions each, every series moved off zero the way live sessions move them, and
/// its exposition rendered as the endpoint renders it.
@_spi(Benchmarks)
public final class MetricsBenchmark: Sendable {
    private let registry: MetricsRegistry
    private let targets: [TargetStatistics]

    /// Registers the targets and records, for every session, a connection, a handshake, a few
    /// messages and one reconnect.
    public init(targets: Int, sessions: Int) {
        let registry = MetricsRegistry()
        self.registry = registry
        self.targets = (0..<targets).map { index in
            TargetStatistics(target: "target-\(index)", sessions: sessions, policy: .spec, registry: registry)
        }
        let start = MonotonicInstant(nanoseconds: 1_000_000_000)
        for statistics in self.targets {
            for session in 0..<sessions {
                var machine = ConnectionStateMachine<MonotonicInstant>(policy: .spec, seed: UInt64(session))
                let base = start + .milliseconds(session)
                func record(_ action: ConnectionStateMachine<MonotonicInstant>.Action) {
                    statistics.record(action)
                }
                record(machine.connect(at: base))
                statistics.recordAttempt()
                record(machine.handshakeSucceeded(at: base + .microseconds(1500 + session)))
                for message in 0..<3 {
                    record(machine.messageReceived(at: base + .milliseconds(40 + 5000 * message)))
                    statistics.recordMessage()
                }
                record(machine.connectionClosed(.networkError, at: base + .seconds(12)))
                record(machine.timerFired(at: base + .seconds(13)))
                statistics.recordAttempt()
                record(machine.handshakeSucceeded(at: base + .seconds(13) + .milliseconds(2)))
            }
        }
    }

    /// Records a valid message in every target, as sessions do between two scrapes a few
    /// seconds apart: the next render finds the message families of every target moved.
    public func recordMessageInEveryTarget() {
        for target in self.targets { target.recordMessage() }
    }

    /// Renders the exposition in the text format 0.0.4, or OpenMetrics 1.0, and returns its size
    /// in bytes. Without anything recorded since the last call, that is a scrape finding every
    /// target as the last one left it.
    public func render(openMetrics: Bool) -> Int {
        self.registry.render(as: openMetrics ? .openMetrics : .text).reduce(0) { $0 + $1.readableBytes }
    }
}
