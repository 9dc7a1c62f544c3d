/// The reconnect delay schedule: exponential from `initialDelay`, capped at `maxDelay`.
///
/// With the spec's values (`initialDelay` 1 s, `maxDelay` 30 s) this is the spec's
/// *Backoff Schedule* table:
///
/// | attempt | 1   | 2   | 3   | 4   | 5    | 6 and later |
/// |---------|-----|-----|-----|-----|------|-------------|
/// | delay   | 1 s | 2 s | 4 s | 8 s | 16 s | 30 s        |
///
/// The spec's code (`1000 * 2^attempts` after incrementing) would start at 2 s; the table is
/// the contract, so attempt `n` waits `initialDelay × 2^(n−1)`.
///
/// `jitter` (0…1) shortens each delay by a random fraction of up to `jitter`, so that many
/// clients of one restarted backend do not retry in lockstep. The default, 0, reproduces what
/// the dashboard's users live through.
public struct ReconnectBackoff: Hashable, Sendable {
    /// The delay before the first reconnect attempt.
    public var initialDelay: Duration
    /// The longest delay between attempts.
    public var maxDelay: Duration
    /// The largest fraction of a delay removed at random, in 0…1.
    public var jitter: Double

    /// Creates a schedule; `jitter` is clamped to 0…1.
    public init(initialDelay: Duration = .seconds(1), maxDelay: Duration = .seconds(30), jitter: Double = 0) {
        self.initialDelay = initialDelay
        self.maxDelay = max(maxDelay, initialDelay)
        self.jitter = min(max(jitter, 0), 1)
    }

    /// The delay before attempt `attempt` (1-based), before jitter.
    public func delay(forAttempt attempt: Int) -> Duration {
        // Doubling past 2^40 overflows nothing useful: every real cap is reached long before.
        let doublings = min(max(attempt - 1, 0), 40)
        var delay = self.initialDelay
        for _ in 0..<doublings {
            delay *= 2
            if delay >= self.maxDelay { return self.maxDelay }
        }
        return min(delay, self.maxDelay)
    }

    /// The delay before attempt `attempt` with jitter applied, `unitRandom` being a sample in 0..<1.
    public func delay(forAttempt attempt: Int, unitRandom: Double) -> Duration {
        let base = self.delay(forAttempt: attempt)
        guard self.jitter > 0 else { return base }
        return base * (1 - self.jitter * min(max(unitRandom, 0), 1))
    }
}
