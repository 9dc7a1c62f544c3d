/// Where a histogram lives in a table of slots: one slot per bucket holding the observations
/// above the previous bound (the last one above every bound, for `+Inf`), then the sum in
/// nanoseconds. The exposition sums the buckets into cumulative `le` counts.
struct HistogramSlots: Sendable {
    /// The upper bounds, in nanoseconds.
    let bounds: [Int]
    /// The first bucket's slot.
    let buckets: Int
    var sum: Int { self.buckets + self.bounds.count + 1 }
    /// The slot after the histogram's.
    var end: Int { self.sum + 1 }

    /// A histogram with `bounds` whose first slot is `first`.
    init(_ bounds: [Duration], at first: Int) {
        self.bounds = bounds.map { Int($0.nanoseconds) }
        self.buckets = first
    }
}

extension MetricSlots {
    /// Counts `duration` in its bucket of `histogram` and adds it to the histogram's sum.
    func observe(_ duration: Duration, in histogram: HistogramSlots) {
        let nanoseconds = Int(max(duration.nanoseconds, 0))
        var bucket = histogram.bounds.count
        for index in histogram.bounds.indices where nanoseconds <= histogram.bounds[index] {
            bucket = index
            break
        }
        self.add(1, to: histogram.buckets + bucket)
        self.add(nanoseconds, to: histogram.sum)
    }
}
