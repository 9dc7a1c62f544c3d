import Testing
import WSConnectionStateMachine

/// No upgrade within the handshake timeout: the attempt is aborted and counted as `timeout`.
@Test func handshakeTimeout() {
    var machine = Machine(policy: ConnectionPolicy(handshakeTimeout: .seconds(10)))
    let start = machine.connect(at: at(0))
    #expect(start.timer == .arm(at(10)))
    #expect(machine.timerFired(at: at(9.999)).transitions.isEmpty)
    #expect(machine.state == .connecting)
    let action = machine.timerFired(at: at(10))
    #expect(action.connection == .abort)
    #expect(action.failure == .timeout)
    #expect(action.triggers == [.handshakeTimedOut, .autoReconnect])
    #expect(machine.lastFailure == .timeout)
}

/// A silent path gets a ping after `ping.interval`; any frame answers it; silence after the
/// ping for `ping.timeout` ends the connection as a network error.
@Test func keepalivePingAndTimeout() {
    let policy = ConnectionPolicy(ping: .init(interval: .seconds(10), timeout: .seconds(5)), staleAfter: .seconds(60))
    var machine = Setup.receivingData.machine(policy: policy)  // last frame at 1 s
    #expect(machine.nextDeadline == at(11))
    #expect(machine.timerFired(at: at(11)).connection == .sendPing)
    #expect(machine.nextDeadline == at(16))
    _ = machine.controlFrameReceived(at: at(12))  // the pong
    #expect(machine.nextDeadline == at(22))
    #expect(machine.timerFired(at: at(22)).connection == .sendPing)
    let dead = machine.timerFired(at: at(27))
    #expect(dead.connection == .abort)
    #expect(dead.disconnect == .networkError)
    #expect(dead.triggers == [.pingTimedOut, .autoReconnect])
    #expect(machine.state == .reconnecting)
}

/// Messages keep the path alive: a session receiving every 5 s never pings.
@Test func messagesMakePingsUnnecessary() {
    let policy = ConnectionPolicy(ping: .init(interval: .seconds(10), timeout: .seconds(5)))
    var machine = Setup.connected.machine(policy: policy)
    for second in stride(from: 5.0, through: 60, by: 5) {
        if let deadline = machine.nextDeadline, deadline <= at(second) {
            #expect(machine.timerFired(at: deadline).connection == .none)
        }
        _ = machine.messageReceived(at: at(second))
    }
    #expect(machine.state == .receivingData)
    #expect(!machine.isDataStale)
}

/// No valid message for `stale_after` marks the data stale and keeps the session; a message
/// clears it. Malformed messages do not count as data.
@Test func staleDataIsMarked() {
    var machine = Setup.receivingData.machine(policy: ConnectionPolicy(ping: nil, staleAfter: .seconds(15)))
    _ = machine.malformedMessageReceived(at: at(10))
    #expect(machine.nextDeadline == at(16))
    let action = machine.timerFired(at: at(16))
    #expect(action.transitions.isEmpty)
    #expect(action.connection == .none)
    #expect(machine.isDataStale)
    #expect(machine.state == .receivingData)
    #expect(machine.nextDeadline == nil)
    let fresh = machine.messageReceived(at: at(20))
    #expect(!machine.isDataStale)
    #expect(fresh.timer == .arm(at(35)))
}

/// A connection that never sends its first message goes stale too.
@Test func connectedWithoutMessagesGoesStale() {
    var machine = Setup.connected.machine(policy: ConnectionPolicy(ping: nil, staleAfter: .seconds(3)))
    _ = machine.timerFired(at: at(4))
    #expect(machine.isDataStale)
    #expect(machine.state == .connected)
}

/// With `on_stale: reconnect`, stale data closes the connection (cause `stale`).
@Test func staleDataCanReconnect() {
    var machine = Setup.receivingData.machine(
        policy: ConnectionPolicy(ping: nil, staleAfter: .seconds(15), onStale: .reconnect)
    )
    let action = machine.timerFired(at: at(16))
    #expect(action.connection == .close(code: 1000))
    #expect(action.disconnect == .stale)
    #expect(action.triggers == [.dataStale, .autoReconnect])
    #expect(machine.state == .reconnecting)
}

/// Messages never re-arm the timer: it fires at the old deadline and re-arms itself.
@Test func messagesDoNotTouchTheTimer() {
    var machine = Setup.receivingData.machine(policy: ConnectionPolicy(ping: nil, staleAfter: .seconds(15)))
    #expect(machine.nextDeadline == at(16))
    #expect(machine.messageReceived(at: at(5)).timer == .keep)
    #expect(machine.messageReceived(at: at(10)).timer == .keep)
    let early = machine.timerFired(at: at(16))
    #expect(early.timer == .arm(at(25)))
    #expect(!machine.isDataStale)
}

/// A timer that fires before anything is due changes nothing and re-arms.
@Test func earlyTimerIsHarmless() {
    var machine = Setup.reconnecting.machine()
    let action = machine.timerFired(at: at(1.5))
    #expect(action.transitions.isEmpty)
    #expect(action.timer == .arm(at(2)))
    #expect(machine.state == .reconnecting)
}

/// Durations: handshake, time to first message, message interval, reconnect time.
@Test func measurements() {
    var machine = Machine()
    _ = machine.connect(at: at(0))
    #expect(machine.handshakeSucceeded(at: at(0.05)).measurement == .handshake(.milliseconds(50), reconnect: nil))
    #expect(machine.messageReceived(at: at(0.1)).measurement == .message(firstAfter: .milliseconds(50), interval: nil))
    #expect(machine.messageReceived(at: at(5.1)).measurement == .message(firstAfter: nil, interval: .seconds(5)))
    // Lost at 6 s, refused once, back at 7.5 s: 1.5 s of reconnection.
    _ = machine.connectionClosed(.networkError, at: at(6))
    _ = machine.timerFired(at: at(7))
    _ = machine.handshakeFailed(.refused, at: at(7))
    _ = machine.timerFired(at: at(9))
    let back = machine.handshakeSucceeded(at: at(9.5))
    #expect(back.measurement == .handshake(.milliseconds(500), reconnect: .milliseconds(3500)))
}

/// Stopping an open session closes it with 1001 and counts `user_action`; no reconnect.
@Test func stopIsAUserAction() {
    var machine = Setup.receivingData.machine()
    let action = machine.stop(at: at(2))
    #expect(action.connection == .close(code: 1001))
    #expect(action.disconnect == .userAction)
    #expect(action.timer == .cancel)
    #expect(machine.nextDeadline == nil)
}

/// Only the timers of `reconnecting` and `error` can do no more than start an attempt: those an
/// owner that paces attempts holds back.
@Test(arguments: Setup.allCases)
func timerStartsAttemptOnlyWhenWaitingToRetry(setup: Setup) {
    let machine = setup.machine(policy: ConnectionPolicy(errorRetryAfter: .seconds(60)))
    #expect(machine.timerStartsAttempt == (setup == .reconnecting || setup == .error))
    guard machine.timerStartsAttempt, let deadline = machine.nextDeadline else { return }
    var fired = machine
    #expect(fired.timerFired(at: deadline).connection == .open(attempt: setup == .reconnecting ? 1 : 0))
}
