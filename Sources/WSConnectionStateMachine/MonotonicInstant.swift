/// A point on a monotonic clock, in nanoseconds: the instant the machine is pre-specialized for.
///
/// `ContinuousClock.Instant` lives in a resilient library, so outside it its size is unknown at
/// compile time: every copy, comparison and optional of it in the machine went through
/// runtime value witnesses (`swift_pod_copy`, `memmove`), about 400 ns an event. This one is
/// frozen, eight bytes, and all of its arithmetic is inlined.
///
/// The library reads no clock: its owner makes instants, e.g. from `CLOCK_MONOTONIC`.
@frozen
public struct MonotonicInstant: InstantProtocol, Sendable {
    /// Nanoseconds since an arbitrary, fixed origin (the monotonic clock's).
    public var nanoseconds: Int64

    /// The instant `nanoseconds` after the clock's origin.
    @inlinable
    public init(nanoseconds: Int64) {
        self.nanoseconds = nanoseconds
    }

    @inlinable
    public func advanced(by duration: Duration) -> MonotonicInstant {
        MonotonicInstant(nanoseconds: self.nanoseconds &+ Self.nanoseconds(of: duration))
    }

    @inlinable
    public func duration(to other: MonotonicInstant) -> Duration {
        .nanoseconds(other.nanoseconds &- self.nanoseconds)
    }

    @inlinable
    public static func < (lhs: MonotonicInstant, rhs: MonotonicInstant) -> Bool {
        lhs.nanoseconds < rhs.nanoseconds
    }

    /// The instant `duration` later.
    @inlinable
    public static func + (lhs: MonotonicInstant, rhs: Duration) -> MonotonicInstant { lhs.advanced(by: rhs) }

    /// The instant `duration` earlier.
    @inlinable
    public static func - (lhs: MonotonicInstant, rhs: Duration) -> MonotonicInstant { lhs.advanced(by: .zero - rhs) }

    /// `duration` in whole nanoseconds, saturating at about ±292 years.
    @inlinable
    static func nanoseconds(of duration: Duration) -> Int64 {
        let (seconds, attoseconds) = duration.components
        let (whole, overflow) = seconds.multipliedReportingOverflow(by: 1_000_000_000)
        if overflow { return seconds < 0 ? .min : .max }
        return whole &+ attoseconds / 1_000_000_000
    }
}
