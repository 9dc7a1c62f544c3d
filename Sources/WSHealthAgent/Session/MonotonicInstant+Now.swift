import NIOCore
import WSConnectionStateMachine

extension MonotonicInstant {
    /// Now, on `CLOCK_MONOTONIC`: the clock of NIO's timers, which fire the machine's deadlines.
    static var now: MonotonicInstant {
        MonotonicInstant(nanoseconds: Int64(truncatingIfNeeded: NIODeadline.now().uptimeNanoseconds))
    }
}
