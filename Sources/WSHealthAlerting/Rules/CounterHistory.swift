import Foundation

/// Samples of one target's counters from earlier evaluations, for increases over a window.
///
/// A sample is kept only when the counters changed, so a quiet target keeps one sample; the
/// counters' value at any past instant is that of the latest sample at or before it. The
/// increase over a window is the current value minus the value at the window's start: an event
/// counts when the evaluation that first saw it lies inside the window, never outside it. When
/// the history is shorter than the window, the oldest sample is the start.
struct CounterHistory: Sendable, Hashable {
    /// Hard cap on samples, whatever the evaluation rate: beyond it the oldest go, and the
    /// windows shorten. At the default 1 s evaluation interval a 15 m window needs at most 901.
    static let maximumSamples = 4096

    private(set) var samples: [Sample] = []

    struct Sample: Sendable, Hashable {
        var at: Date
        var counters: TargetCounters
    }

    /// Records the counters seen at `now`, and forgets what no window of length `keeping` needs.
    mutating func record(_ counters: TargetCounters, at now: Date, keeping window: Duration) {
        if let last = self.samples.last, counters.hasDecreased(since: last.counters) {
            // The target's counters started again (it was re-created): earlier samples would
            // give negative increases.
            self.samples.removeAll()
        }
        if self.samples.last?.counters != counters {
            self.samples.append(Sample(at: now, counters: counters))
        }
        // Keep the latest sample at or before the longest window's start: it is that start's value.
        let start = now.addingTimeInterval(-RuleFormat.seconds(window))
        if let baseline = self.samples.lastIndex(where: { $0.at <= start }), baseline > 0 {
            self.samples.removeFirst(baseline)
        }
        if self.samples.count > Self.maximumSamples {
            self.samples.removeFirst(self.samples.count - Self.maximumSamples)
        }
    }

    /// How much the counters grew within `window` before `now`; zero without samples.
    func increase(over window: Duration, at now: Date) -> TargetCounters {
        guard let current = self.samples.last else { return TargetCounters() }
        let start = now.addingTimeInterval(-RuleFormat.seconds(window))
        let baseline = self.samples.last { $0.at <= start } ?? self.samples[0]
        return current.counters.increase(since: baseline.counters)
    }
}
