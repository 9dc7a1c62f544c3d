import Testing
import WSConnectionStateMachine

/// The fixed-layout instant the machine is pre-specialized for.
struct MonotonicInstantTests {
    @Test func arithmetic() {
        let start = MonotonicInstant(nanoseconds: 5_000_000_000)
        #expect((start + .milliseconds(1500)).nanoseconds == 6_500_000_000)
        #expect((start - .seconds(5)).nanoseconds == 0)
        #expect(start.duration(to: start + .microseconds(7)) == .microseconds(7))
        #expect(start.advanced(by: .nanoseconds(-1)) < start)
        // Attoseconds below a nanosecond are dropped, not rounded up.
        #expect((start + .nanoseconds(1) / 2).nanoseconds == start.nanoseconds)
    }

    /// A duration beyond Int64 nanoseconds (about 292 years) saturates instead of trapping.
    @Test func saturates() {
        let start = MonotonicInstant(nanoseconds: 0)
        #expect((start + .seconds(Int64.max)).nanoseconds == .max)
        #expect((start + .seconds(Int64.min)).nanoseconds == .min)
    }

    /// The machine runs on it as on any other instant: the spec's backoff table.
    @Test func drivesTheMachine() {
        var machine = ConnectionStateMachine<MonotonicInstant>(policy: .spec)
        let start = MonotonicInstant(nanoseconds: 0)
        _ = machine.connect(at: start)
        let action = machine.handshakeFailed(.refused, at: start + .milliseconds(10))
        #expect(machine.state == .reconnecting)
        #expect(action.timer == .arm(start + .milliseconds(10) + .seconds(1)))
    }
}
