import NIOCore

/// Something that waits for a ``ConnectPacer`` to let it start a connection attempt.
protocol PacedAttempt: AnyObject {
    /// The pacer's go-ahead, on its event loop.
    func attemptAdmitted()
}

/// Paces the connection attempts started on one event loop: at most `burst` in each `tick`.
///
/// Ten thousand sessions starting at once (start-up, a backend restart) would hold ten
/// thousand handshakes' worth of transient objects — bootstraps, HTTP parsers, upgrade
/// handlers — at the same moment, interleaved with the sessions' long-lived ones. Freed, they
/// leave holes the allocator cannot give back: 6 KiB a session of resident memory for the life
/// of the process (measured with glibc's `malloc_stats`: 38 MB in use, 108 MB held). Paced,
/// a few dozen handshakes are in flight at a time and each batch reuses the last one's memory.
/// It spares the backend the same stampede.
///
/// A session asks before the state machine hears of the attempt, so the wait is never part of
/// a handshake's time (nor of its timeout): it shows as a slightly later reconnect.
final class ConnectPacer: NIOScheduledCallbackHandler, @unchecked Sendable {
    /// Every access happens on this loop.
    let eventLoop: any EventLoop
    /// Attempts admitted per tick.
    let burst: Int
    /// How often the allowance is renewed.
    let tick: TimeAmount
    private var allowance: Int
    private var waiting = CircularBuffer<any PacedAttempt>()
    private var renewal: NIOScheduledCallback?

    /// A pacer admitting `burst` attempts each `tick` on `eventLoop`.
    init(eventLoop: any EventLoop, burst: Int, tick: TimeAmount = .milliseconds(10)) {
        precondition(burst > 0, "a pacer must admit something")
        self.eventLoop = eventLoop
        self.burst = burst
        self.tick = tick
        self.allowance = burst
    }

    /// Whether `attempt` may start now; if not, it waits its turn and is told by
    /// ``PacedAttempt/attemptAdmitted()``.
    func admit(_ attempt: any PacedAttempt) -> Bool {
        self.eventLoop.assertInEventLoop()
        defer { self.scheduleRenewal() }
        if self.waiting.isEmpty && self.allowance > 0 {
            self.allowance -= 1
            return true
        }
        self.waiting.append(attempt)
        return false
    }

    /// Attempts waiting for their turn.
    var waitingCount: Int { self.waiting.count }

    func handleScheduledCallback(eventLoop: some EventLoop) {
        self.renewal = nil
        self.allowance = self.burst
        while self.allowance > 0, let attempt = self.waiting.popFirst() {
            self.allowance -= 1
            attempt.attemptAdmitted()
        }
        self.scheduleRenewal()
    }

    /// A renewal is due while the allowance is spent in part or attempts wait; an idle pacer
    /// has no timer.
    private func scheduleRenewal() {
        guard self.renewal == nil, self.allowance < self.burst || !self.waiting.isEmpty else { return }
        self.renewal = try? self.eventLoop.scheduleCallback(in: self.tick, handler: self)
    }
}
