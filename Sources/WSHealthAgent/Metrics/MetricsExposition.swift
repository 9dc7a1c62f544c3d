import Prometheus
import Synchronization

/// What `/metrics` answers: the registry's series and the process metrics, in one format.
enum MetricsExposition {
    /// The size of the last exposition: the next one starts with room for it, so a large one
    /// is not copied through a series of doublings.
    private static let lastSize = Atomic<Int>(0)

    /// Renders everything in `format`. It reads atomics and short-held locks only (the
    /// registry's, a histogram's) and a few small files of `/proc`: it never waits on a session.
    static func render(_ registry: PrometheusCollectorRegistry, as format: ExpositionFormat) -> [UInt8] {
        var text: [UInt8] = []
        text.reserveCapacity(max(16 * 1024, Self.lastSize.load(ordering: .relaxed) + 4096))
        registry.emit(into: &text)
        ProcessMetrics.current()?.emit(into: &text)
        Self.lastSize.store(text.count, ordering: .relaxed)
        return ExpositionWriter.rewrite(text, as: format)
    }
}
