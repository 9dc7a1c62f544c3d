import NIOCore
import Prometheus
import Synchronization

/// Every series the agent exports: its targets', rendered by the agent itself, then those of
/// ``collectors`` (the agent's own, the receivers') and the process's. One per agent.
///
/// Targets register when they are created and unregister when a reload removes or restarts
/// them. The lock that guards them also guards what the last scrape wrote of each
/// (``MetricsExposition``): scrapes take turns to read the targets' slots and assemble the
/// families that moved, then send outside it. Sessions never take it: they record into atomics.
final class MetricsRegistry: Sendable {
    /// The few series other parts of the agent keep with swift-prometheus: the build, the last
    /// reload, the receivers' deliveries. Written after the targets' by the same scrape.
    let collectors = AgentMetrics.makeRegistry()
    private let exposition = Mutex(MetricsExposition())

    init() {}

    /// Adds a target's series after those already registered.
    func register(_ target: TargetStatistics) {
        self.exposition.withLock { $0.register(target) }
    }

    /// Removes a target's series.
    func unregister(_ target: TargetStatistics) {
        self.exposition.withLock { $0.unregister(target) }
    }

    /// Calls `body` with each registered target, in the order they registered.
    func forEachTarget(_ body: (TargetStatistics) -> Void) {
        self.exposition.withLock { exposition in
            for target in exposition.targets { body(target.statistics) }
        }
    }

    /// The exposition in `format`, with the process metrics read now: buffers to send one after
    /// the other.
    func render(as format: ExpositionFormat, allocator: ByteBufferAllocator = ByteBufferAllocator()) -> [ByteBuffer] {
        var collected: [UInt8] = []
        self.collectors.emit(into: &collected)
        let rewritten = ExpositionWriter.rewrite(collected, as: format, terminated: false)
        let process = ProcessMetrics.current()
        return self.exposition.withLock {
            $0.render(collected: rewritten, process: process, as: format, allocator: allocator)
        }
    }

    /// The exposition as text: for tests and diagnostics.
    func exposition(as format: ExpositionFormat = .text) -> String {
        self.render(as: format).map { String(buffer: $0) }.joined()
    }
}
