package import Foundation

extension DeliveryStateMachine {
    /// The delay before retrying a failed request: exponential from ``initialDelay``, capped
    /// at ``maxDelay``, with jitter, and never shorter than the receiver's `Retry-After`
    /// (itself capped at ``maxRetryAfter``).
    ///
    /// With the defaults (1 s doubling to 5 min), the backoff before jitter after `n` failed
    /// requests in a row is:
    ///
    /// | n     | 1   | 2   | 3   | 4   | 5    | 6    | 7    | 8     | 9     | 10 and later |
    /// |-------|-----|-----|-----|-----|------|------|------|-------|-------|--------------|
    /// | delay | 1 s | 2 s | 4 s | 8 s | 16 s | 32 s | 64 s | 128 s | 256 s | 300 s        |
    ///
    /// Jitter is *equal jitter* by default: half the backoff, plus a random part of the other
    /// half, so a delay lies in [backoff / 2, backoff). Full jitter (0…backoff) spreads
    /// clients best but can retry a down receiver at once; equal jitter keeps a floor that
    /// grows with every failure, and a single agent does not need more spreading than that.
    package struct RetryPolicy: Hashable, Sendable {
        /// The backoff after the first failure.
        package var initialDelay: Duration
        /// The longest backoff.
        package var maxDelay: Duration
        /// The longest `Retry-After` honoured; a longer one waits this long.
        package var maxRetryAfter: Duration
        /// How the backoff is randomized.
        package var jitter: Jitter

        /// Creates a policy; `maxDelay` is at least `initialDelay`.
        package init(
            initialDelay: Duration = .seconds(1),
            maxDelay: Duration = .seconds(300),
            maxRetryAfter: Duration = .seconds(600),
            jitter: Jitter = .equal
        ) {
            self.initialDelay = initialDelay
            self.maxDelay = max(maxDelay, initialDelay)
            self.maxRetryAfter = maxRetryAfter
            self.jitter = jitter
        }

        /// How a backoff is randomized.
        package enum Jitter: Hashable, Sendable {
            /// The backoff exactly (for tests and diagrams).
            case none
            /// backoff / 2 + random × backoff / 2.
            case equal
            /// random × backoff.
            case full
        }

        /// The backoff after `failures` failed requests in a row (1-based), before jitter.
        package func backoff(afterFailures failures: Int) -> Duration {
            let doublings = min(max(failures - 1, 0), 62)
            var delay = self.initialDelay
            for _ in 0..<doublings {
                delay *= 2
                if delay >= self.maxDelay { return self.maxDelay }
            }
            return min(delay, self.maxDelay)
        }

        /// The delay after `failures` failed requests in a row, `unitRandom` being a sample in
        /// 0..<1: the jittered backoff, or the receiver's `retryAfter` (capped at
        /// ``maxRetryAfter``) when that is longer.
        package func delay(afterFailures failures: Int, unitRandom: Double, retryAfter: Duration? = nil) -> Duration {
            let backoff = self.backoff(afterFailures: failures)
            let unit = min(max(unitRandom, 0), 1)
            let jittered: Duration =
                switch self.jitter {
                case .none: backoff
                case .equal: backoff / 2 + (backoff / 2) * unit
                case .full: backoff * unit
                }
            guard let retryAfter else { return jittered }
            return max(jittered, min(max(retryAfter, .zero), self.maxRetryAfter))
        }

        /// The duration a `Retry-After` header asks for: delay-seconds (`120`) or an HTTP-date
        /// (`Wed, 21 Oct 2015 07:28:00 GMT`, measured from `now`, zero if past); nil if the
        /// value is neither.
        package static func retryAfter(header: String, now: Date) -> Duration? {
            let value = header.trimmingCharacters(in: .whitespaces)
            if !value.isEmpty, value.allSatisfy({ $0.isASCII && $0.isNumber }) {
                return Int64(value).map { .seconds($0) } ?? .seconds(Int64.max / 1_000_000_000_000)
            }
            let formatter = DateFormatter()
            formatter.locale = Locale(identifier: "en_US_POSIX")
            formatter.timeZone = TimeZone(identifier: "GMT")
            formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss 'GMT'"
            guard let date = formatter.date(from: value) else { return nil }
            let seconds = date.timeIntervalSince(now)
            return seconds > 0 ? .milliseconds(Int64((seconds * 1000).rounded())) : .zero
        }
    }
}
