import Testing
import WSConnectionStateMachine

/// The spec's Backoff Schedule table: 1 s, 2 s, 4 s, 8 s, 16 s, then 30 s.
@Test func specBackoffSchedule() {
    let backoff = ReconnectBackoff()
    let delays = (1...10).map { backoff.delay(forAttempt: $0) }
    #expect(delays == [1, 2, 4, 8, 16, 30, 30, 30, 30, 30].map { Duration.seconds($0) })
}

/// A huge attempt number is capped, not overflowed.
@Test func backoffCapsLargeAttempts() {
    let backoff = ReconnectBackoff(initialDelay: .milliseconds(250), maxDelay: .seconds(5))
    #expect(backoff.delay(forAttempt: 1) == .milliseconds(250))
    #expect(backoff.delay(forAttempt: 3) == .seconds(1))
    #expect(backoff.delay(forAttempt: 1_000_000) == .seconds(5))
}

/// Jitter only shortens a delay, by at most its fraction; zero jitter is the table exactly.
@Test(arguments: [0.0, 0.25, 0.999])
func jitterStaysWithinBounds(unitRandom: Double) {
    let plain = ReconnectBackoff(jitter: 0)
    let jittered = ReconnectBackoff(jitter: 0.5)
    #expect(plain.delay(forAttempt: 4, unitRandom: unitRandom) == .seconds(8))
    let delay = jittered.delay(forAttempt: 4, unitRandom: unitRandom)
    #expect(delay <= .seconds(8))
    #expect(delay >= .seconds(4))
}

/// The machine waits the table's delays between refused attempts, measured on its timer.
@Test func machineWaitsTheScheduleBetweenRefusedAttempts() {
    var machine = Machine()
    var now = at(0)
    _ = machine.connect(at: now)
    var waits: [Duration] = []
    for _ in 1...10 {
        let action = machine.handshakeFailed(.refused, at: now)
        guard case .arm(let deadline) = action.timer else {
            Issue.record("no backoff timer armed: \(action)")
            return
        }
        waits.append(now.duration(to: deadline))
        now = deadline
        #expect(machine.timerFired(at: now).connection == .open(attempt: machine.reconnectAttempt))
    }
    #expect(waits == [1, 2, 4, 8, 16, 30, 30, 30, 30, 30].map { Duration.seconds($0) })
}

/// Jittered delays are deterministic for a seed and differ between seeds.
@Test func jitterIsSeeded() {
    func firstDelay(seed: UInt64) -> Duration? {
        var machine = Machine(policy: ConnectionPolicy(backoff: ReconnectBackoff(jitter: 1)), seed: seed)
        _ = machine.connect(at: at(0))
        guard case .arm(let deadline) = machine.handshakeFailed(.refused, at: at(0)).timer else { return nil }
        return at(0).duration(to: deadline)
    }
    #expect(firstDelay(seed: 7) == firstDelay(seed: 7))
    #expect(firstDelay(seed: 7) != firstDelay(seed: 8))
}
