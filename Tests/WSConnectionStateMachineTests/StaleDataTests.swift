import Testing
import WSConnectionStateMachine

/// Under the spec's policy a stalled backend (no messages, no pongs) shows as stale data first;
/// only `ping.timeout` later is the path declared dead. Never both at the same instant.
@Test func stallIsStaleBeforeItIsDead() {
    var machine = Setup.receivingData.machine()  // last message at 1 s
    let policy = ConnectionPolicy.spec
    let staleAt = at(1).advanced(by: policy.staleAfter)
    #expect(machine.nextDeadline == staleAt)
    let stale = machine.timerFired(at: staleAt)
    #expect(stale.dataStale == true)
    #expect(stale.transitions.isEmpty)
    #expect(machine.isDataStale)
    #expect(machine.state == .receivingData)
    let deadAt = try! #require(machine.nextDeadline)
    #expect(deadAt > staleAt)
    let dead = machine.timerFired(at: deadAt)
    #expect(dead.disconnect == .networkError)
    #expect(dead.triggers == [.pingTimedOut, .autoReconnect])
    #expect(dead.dataStale == nil)
}

/// The data stays stale through a loss and the next connection: only a valid message makes it
/// fresh, so a reconnect caused by the same silence cannot clear the mark (nor resolve an alert).
@Test func staleSurvivesTheReconnectUntilAMessage() {
    var machine = Setup.receivingData.machine(policy: ConnectionPolicy(ping: nil, staleAfter: .seconds(15)))
    #expect(machine.timerFired(at: at(16)).dataStale == true)
    var changes: [Bool] = []
    func record(_ action: Machine.Action) { if let change = action.dataStale { changes.append(change) } }
    record(machine.connectionClosed(.networkError, at: at(17)))
    #expect(machine.isDataStale)
    #expect(machine.state == .reconnecting)
    record(machine.timerFired(at: try! #require(machine.nextDeadline)))
    record(machine.handshakeSucceeded(at: at(19)))
    #expect(machine.isDataStale)
    #expect(machine.state == .connected)
    // Already stale: the new connection has no stale deadline of its own.
    #expect(machine.nextDeadline == nil)
    record(machine.malformedMessageReceived(at: at(20)))
    #expect(machine.isDataStale)
    let fresh = machine.messageReceived(at: at(21))
    record(fresh)
    #expect(!machine.isDataStale)
    #expect(changes == [false])
    #expect(fresh.timer == .arm(at(36)))
}

/// Stopping a session clears its stale mark, so it leaves the stale count.
@Test func stopClearsStaleData() {
    var machine = Setup.receivingData.machine(policy: ConnectionPolicy(ping: nil, staleAfter: .seconds(15)))
    _ = machine.timerFired(at: at(16))
    let stop = machine.stop(at: at(17))
    #expect(stop.dataStale == false)
    #expect(!machine.isDataStale)
}

/// The reconnect attempt's moves come out of the action: up by one per scheduled retry, back to
/// 0 on a handshake, from `error` back to 0 on Retry.
@Test func attemptChangesAreInTheAction() {
    var machine = Setup.reconnecting.machine()
    #expect(machine.reconnectAttempt == 1)
    _ = machine.timerFired(at: try! #require(machine.nextDeadline))
    let failed = machine.handshakeFailed(.refused, at: at(3))
    #expect(failed.attemptChange == .init(from: 1, to: 2))
    _ = machine.timerFired(at: try! #require(machine.nextDeadline))
    #expect(machine.handshakeSucceeded(at: at(6)).attemptChange == .init(from: 2, to: 0))
    var exhausted = Setup.reconnecting.machine(policy: ConnectionPolicy(maxReconnectAttempts: 1))
    _ = exhausted.timerFired(at: try! #require(exhausted.nextDeadline))
    let giveUp = exhausted.handshakeFailed(.refused, at: at(3))
    #expect(giveUp.attemptChange == nil)
    #expect(exhausted.state == .error)
    #expect(exhausted.retry(at: at(4)).attemptChange == .init(from: 1, to: 0))
}

/// Messages that say when their data was produced: a frozen collector keeps sending the same
/// data, and the data goes stale `stale_after` after it was produced, messages or not; new data
/// makes it fresh again, and data that arrives already too old does not.
@Test func staleAfterAppliesToTheDataAge() {
    var machine = Setup.receivingData.machine(policy: ConnectionPolicy(ping: nil, staleAfter: .seconds(15)))
    _ = machine.messageReceived(at: at(2), dataAt: at(1.5))
    #expect(machine.nextDeadline == at(16.5), "15 s after the data was produced, not after it arrived")
    for second in stride(from: 7.0, through: 17.0, by: 5) {
        let repeated = machine.messageReceived(at: at(second), dataAt: at(1.5))
        #expect(repeated.dataStale == nil, "the same data again changes nothing")
    }
    #expect(machine.nextDeadline == at(16.5))
    #expect(machine.timerFired(at: at(17)).dataStale == true, "frozen: stale while messages flow")
    let frozen = machine.messageReceived(at: at(18), dataAt: at(1.5))
    #expect(frozen.dataStale == nil && machine.isDataStale)
    let old = machine.messageReceived(at: at(19), dataAt: at(3))
    #expect(old.dataStale == nil && machine.isDataStale, "newer, but already older than stale_after")
    let fresh = machine.messageReceived(at: at(20), dataAt: at(19.5))
    #expect(fresh.dataStale == false)
    #expect(machine.nextDeadline == at(34.5))
}
