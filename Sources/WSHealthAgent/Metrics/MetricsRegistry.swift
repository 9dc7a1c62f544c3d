import NIOCore
import Prometheus
import Synchronization

/// Every series the agent exports: its targets', rendered by the agent itself, then those of
/// ``collectors`` (the agent's own, alerting's) and the process's. One per agent.
///
/// Targets register when they are created and unregister when a reload removes or restarts
/// them; the lock that guards the list is held for an append, a removal or the copy of the
/// list a scrape takes, never while a number is recorded or written.
final class MetricsRegistry: Sendable {
    /// The few series other parts of the agent keep with swift-prometheus: the build, the last
    /// reload, alerting's. Written after the targets' by the same scrape.
    let collectors = AgentMetrics.makeRegistry()
    private let targets = Mutex<[TargetStatistics]>([])

    init() {}

    /// Adds a target's series after those already registered.
    func register(_ target: TargetStatistics) {
        self.targets.withLock { $0.append(target) }
    }

    /// Removes a target's series.
    func unregister(_ target: TargetStatistics) {
        self.targets.withLock { targets in targets.removeAll { $0 === target } }
    }

    /// The exposition in `format`, with the process metrics read now.
    func render(as format: ExpositionFormat, allocator: ByteBufferAllocator = ByteBufferAllocator()) -> ByteBuffer {
        var collected: [UInt8] = []
        self.collectors.emit(into: &collected)
        return MetricsExposition.render(
            targets: self.targets.withLock { $0 },
            collected: ExpositionWriter.rewrite(collected, as: format, terminated: false),
            process: ProcessMetrics.current(),
            as: format,
            allocator: allocator
        )
    }

    /// The exposition as text: for tests and diagnostics.
    func exposition(as format: ExpositionFormat = .text) -> String {
        String(buffer: self.render(as: format))
    }
}
