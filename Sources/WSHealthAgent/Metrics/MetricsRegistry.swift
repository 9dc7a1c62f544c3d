import NIOConcurrencyHelpers
import NIOCore
import WSHealthWebSocket

/// Every series the agent exports: its targets', its own, its receivers' and the process's,
/// all kept in slots and rendered by the agent itself. One per agent.
///
/// Targets register when they are created and unregister when a reload removes or restarts
/// them; receivers when the alerting configuration names or drops them. The lock that guards
/// them also guards what the last scrape wrote of each (``FamilyTable``): scrapes take turns to
/// read the groups' slots and assemble the families that moved, then send outside it.
/// Sessions never take it: they record into their target's slots.
///
/// `@unchecked Sendable`: `series` (and the scrape caches in it, which are not
/// `Sendable`) is only touched under `lock`, NIO's pthread lock, which ThreadSanitizer sees.
final class MetricsRegistry: @unchecked Sendable {
    /// The build and the last configuration load.
    let agent = AgentStatistics()
    private let lock = NIOLock()
    private var series: MetricsExposition

    /// What the sessions hold for unfinished messages, read at each scrape.
    private let messageBuffers: MessageBufferBudget?

    init(messageBuffers: MessageBufferBudget? = nil) {
        self.messageBuffers = messageBuffers
        var exposition = MetricsExposition()
        exposition.agent.register(self.agent)
        self.series = exposition
    }

    /// Adds a target's series after those already registered.
    func register(_ target: TargetStatistics) {
        self.withExposition { $0.targets.register(target) }
    }

    /// Removes a target's series.
    func unregister(_ target: TargetStatistics) {
        self.withExposition { $0.targets.unregister(target) }
    }

    /// Calls `body` with each registered target, in the order they registered.
    func forEachTarget(_ body: (TargetStatistics) -> Void) {
        self.withExposition { exposition in
            for target in exposition.targets.groups { body(target.statistics) }
        }
    }

    /// The series of the receiver named `name`: those already registered (a reload that keeps
    /// a receiver keeps counting where it was), or new ones at zero.
    func receiver(named name: String) -> ReceiverStatistics {
        self.withExposition { exposition in
            if let existing = exposition.receivers.groups.first(where: { $0.statistics.receiver == name }) {
                return existing.statistics
            }
            let statistics = ReceiverStatistics(receiver: name)
            exposition.receivers.register(statistics)
            return statistics
        }
    }

    /// Removes the series of the receiver named `name`: a reload removed it, and the series
    /// of a receiver that no longer exists would be reported forever.
    func unregisterReceiver(named name: String) {
        self.withExposition { exposition in
            for group in exposition.receivers.groups where group.statistics.receiver == name {
                exposition.receivers.unregister(group.statistics)
            }
        }
    }

    /// The exposition in `format`, with the process metrics read now: buffers to send one after
    /// the other.
    func render(as format: ExpositionFormat, allocator: ByteBufferAllocator = ByteBufferAllocator()) -> [ByteBuffer] {
        let process = ProcessMetrics.current()
        if let messageBuffers { self.agent.observe(messageBuffers) }
        return self.withExposition { exposition in
            for target in exposition.targets.groups { target.statistics.prepareScrape() }
            return exposition.render(process: process, as: format, allocator: allocator)
        }
    }

    /// The exposition as text: for tests and diagnostics.
    func exposition(as format: ExpositionFormat = .text) -> String {
        self.render(as: format).map { String(buffer: $0) }.joined()
    }

    private func withExposition<Result>(_ body: (inout MetricsExposition) throws -> Result) rethrows -> Result {
        try self.lock.withLock { try body(&self.series) }
    }
}
