/// Series that share one table of slots and are written together: one target's, one
/// receiver's, the agent's own. Whoever records into them updates ``slots``; a scrape reads
/// the slots and writes ``lines`` with what it read.
protocol SeriesGroup: AnyObject, Sendable {
    var slots: MetricSlots { get }
    var lines: SeriesLines { get }
}
