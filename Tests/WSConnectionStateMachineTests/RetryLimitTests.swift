import Testing
import WSConnectionStateMachine

/// Drives a machine whose every attempt is refused until it stops opening connections.
func refuseEveryAttempt(_ machine: inout Machine, limit: Int = 100) -> (opens: Int, last: Machine.Action) {
    var now = at(0)
    var opens = machine.connect(at: now).connection == .open(attempt: 0) ? 1 : 0
    var last = Machine.Action.none
    for _ in 0..<limit {
        last = machine.handshakeFailed(.refused, at: now)
        guard let deadline = machine.nextDeadline, machine.state == .reconnecting else { break }
        now = deadline
        if case .open = machine.timerFired(at: now).connection { opens += 1 }
    }
    return (opens, last)
}

/// Nothing listening: 1 + max_attempts refused attempts, then `error` (max retries exceeded).
@Test func maxRetriesExceededAfterOnePlusMaxAttempts() {
    var machine = Machine()
    let (opens, last) = refuseEveryAttempt(&machine)
    #expect(opens == 11)
    #expect(machine.state == .error)
    #expect(machine.errorReason == .maxRetriesExceeded)
    #expect(last.triggers == [.connectionFailed, .autoReconnect, .maxRetriesExceeded])
    #expect(last.failure == .refused)
}

/// The limit is configurable.
@Test func maxAttemptsIsConfigurable() {
    var machine = Machine(policy: ConnectionPolicy(maxReconnectAttempts: 2))
    #expect(refuseEveryAttempt(&machine).opens == 3)
    #expect(machine.errorReason == .maxRetriesExceeded)
}

/// A successful handshake resets the attempt counter (the spec's `onopen`).
@Test func handshakeResetsAttempts() {
    var machine = Machine()
    _ = machine.connect(at: at(0))
    _ = machine.handshakeFailed(.refused, at: at(0))
    _ = machine.timerFired(at: at(1))
    _ = machine.handshakeFailed(.refused, at: at(1))
    #expect(machine.reconnectAttempt == 2)
    _ = machine.timerFired(at: at(3))
    _ = machine.handshakeSucceeded(at: at(3.1))
    #expect(machine.reconnectAttempt == 0)
    // The next loss starts the schedule from its first delay again.
    let action = machine.connectionClosed(.networkError, at: at(4))
    #expect(action.timer == .arm(at(5)))
    #expect(machine.reconnectAttempt == 1)
}

/// Retry from `error` resets the counter, so a full schedule follows.
@Test func retryResetsAttempts() {
    var machine = Machine()
    _ = refuseEveryAttempt(&machine)
    #expect(machine.reconnectAttempt == 10)
    let action = machine.retry(at: at(1000))
    #expect(action.triggers == [.retryRequested, .connect])
    #expect(machine.reconnectAttempt == 0)
    // The retry opened the first connection; ten reconnect attempts follow it.
    #expect(refuseEveryAttempt(&machine).opens == 10)
    #expect(machine.errorReason == .maxRetriesExceeded)
}

/// Authentication failures never enter the reconnect loop, in either form.
@Test func authFailureSkipsTheReconnectLoop() {
    var refused = Machine()
    _ = refused.connect(at: at(0))
    let action = refused.handshakeFailed(ConnectionFailureReason(rejectedUpgradeStatus: 403), at: at(0.1))
    #expect(action.entered == [.error])
    #expect(refused.errorReason == .authFailed)

    var closed = Setup.receivingData.machine()
    let close = closed.connectionClosed(.serverClosed(code: 1008), at: at(2))
    #expect(close.entered == [.error])
    #expect(close.disconnect == .authFailed)
    #expect(closed.errorReason == .authFailed)
}

/// HTTP statuses of rejected upgrades: 401/403 are auth failures, the rest HTTP errors.
@Test func rejectedUpgradeStatuses() {
    #expect(ConnectionFailureReason(rejectedUpgradeStatus: 401) == .authFailed)
    #expect(ConnectionFailureReason(rejectedUpgradeStatus: 403) == .authFailed)
    #expect(ConnectionFailureReason(rejectedUpgradeStatus: 404) == .httpError)
    #expect(ConnectionFailureReason(rejectedUpgradeStatus: 503) == .httpError)
}

/// `error_retry_after` is the agent's Retry click; nil or zero never retries.
@Test func errorRetryAfter() {
    var machine = Setup.error.machine(policy: ConnectionPolicy(errorRetryAfter: .seconds(60)))
    #expect(machine.nextDeadline == at(61))
    #expect(machine.timerFired(at: at(30)).transitions.isEmpty)
    #expect(machine.state == .error)
    let action = machine.timerFired(at: at(61))
    #expect(action.triggers == [.errorRetryElapsed, .connect])

    let never = Setup.error.machine(policy: ConnectionPolicy(errorRetryAfter: nil))
    #expect(never.nextDeadline == nil)
    let zero = Setup.error.machine(policy: ConnectionPolicy(errorRetryAfter: .zero))
    #expect(zero.nextDeadline == nil)
}

/// A failure on the client's own side (`resource_exhausted`) spends no attempt: the session
/// keeps retrying at its current delay, never gives up on a server it did not reach, and counts
/// on from where it was once its attempts reach the server again.
@Test func localFailuresSpendNoAttempt() {
    var machine = Machine(policy: ConnectionPolicy(maxReconnectAttempts: 2))
    var now = 0.0
    _ = machine.connect(at: at(now))
    for _ in 0..<20 {
        let action = machine.handshakeFailed(.resourceExhausted, at: at(now))
        #expect(action.triggers == [.connectionFailed, .autoReconnect])
        #expect(action.failure == .resourceExhausted)
        #expect(action.timer == .arm(at(now + 1)), "the first delay, not a growing one")
        #expect(machine.state == .reconnecting && machine.reconnectAttempt == 0)
        now += 1
        #expect(machine.timerFired(at: at(now)).connection == .open(attempt: 0))
    }
    _ = machine.handshakeFailed(.refused, at: at(now))
    #expect(machine.reconnectAttempt == 1)
    now += 1
    _ = machine.timerFired(at: at(now))
    _ = machine.handshakeFailed(.resourceExhausted, at: at(now))
    #expect(machine.reconnectAttempt == 1)
    #expect(machine.nextDeadline == at(now + 1), "attempt 1's delay again")
    _ = machine.timerFired(at: at(now + 1))
    _ = machine.handshakeFailed(.refused, at: at(now + 1))
    #expect(machine.reconnectAttempt == 2)
    _ = machine.timerFired(at: at(now + 3))
    _ = machine.handshakeFailed(.refused, at: at(now + 3))
    #expect(machine.state == .error && machine.errorReason == .maxRetriesExceeded, "real failures still count")
}
