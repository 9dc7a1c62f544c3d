import Testing
import WSConnectionStateMachine

/// What one event must do in one state.
struct Expected: Equatable, CustomStringConvertible {
    var state: ConnectionState
    var triggers: [Transition.Trigger] = []
    var connection: Machine.ConnectionCommand = .none

    var description: String { "\(self.state) via \(self.triggers), \(self.connection)" }
}

/// The whole table: every state × every event. An event missing from a state's row is ignored
/// there: same state, no transition, nothing to do.
let transitionTable: [Setup: [Event: Expected]] = [
    .disconnected: [
        .connect: Expected(state: .connecting, triggers: [.connect], connection: .open(attempt: 0))
    ],
    .connecting: [
        .handshakeSucceeded: Expected(state: .connected, triggers: [.handshakeSucceeded]),
        .authFailure: Expected(state: .error, triggers: [.authenticationFailed]),
        .refused: Expected(state: .reconnecting, triggers: [.connectionFailed, .autoReconnect]),
        // A connection that closes before the upgrade completed is a failed handshake.
        .serverClose1011: Expected(state: .reconnecting, triggers: [.connectionFailed, .autoReconnect]),
        .serverClose1008: Expected(state: .reconnecting, triggers: [.connectionFailed, .autoReconnect]),
        .networkLoss: Expected(state: .reconnecting, triggers: [.connectionFailed, .autoReconnect]),
        .protocolLoss: Expected(state: .reconnecting, triggers: [.connectionFailed, .autoReconnect]),
        .timerFired: Expected(
            state: .reconnecting,
            triggers: [.handshakeTimedOut, .autoReconnect],
            connection: .abort
        ),
        .stop: Expected(state: .disconnected, triggers: [.stopped], connection: .abort),
    ],
    .connected: [
        .message: Expected(state: .receivingData, triggers: [.firstMessage]),
        .serverClose1011: Expected(state: .reconnecting, triggers: [.connectionClosed, .autoReconnect]),
        .serverClose1008: Expected(state: .error, triggers: [.closedForPolicyViolation]),
        .networkLoss: Expected(state: .reconnecting, triggers: [.connectionClosed, .autoReconnect]),
        .protocolLoss: Expected(state: .reconnecting, triggers: [.connectionClosed, .autoReconnect]),
        .timerFired: Expected(state: .connected, connection: .sendPing),
        .stop: Expected(state: .disconnected, triggers: [.stopped], connection: .close(code: 1001)),
    ],
    .receivingData: [
        .message: Expected(state: .receivingData, triggers: [.message]),
        .serverClose1011: Expected(state: .reconnecting, triggers: [.connectionClosed, .autoReconnect]),
        .serverClose1008: Expected(state: .error, triggers: [.closedForPolicyViolation]),
        .networkLoss: Expected(state: .reconnecting, triggers: [.connectionClosed, .autoReconnect]),
        .protocolLoss: Expected(state: .reconnecting, triggers: [.connectionClosed, .autoReconnect]),
        .timerFired: Expected(state: .receivingData, connection: .sendPing),
        .stop: Expected(state: .disconnected, triggers: [.stopped], connection: .close(code: 1001)),
    ],
    .reconnecting: [
        .timerFired: Expected(state: .connecting, triggers: [.retryAttempt], connection: .open(attempt: 1)),
        .stop: Expected(state: .disconnected, triggers: [.stopped]),
    ],
    .error: [
        .retry: Expected(state: .connecting, triggers: [.retryRequested, .connect], connection: .open(attempt: 0)),
        .timerFired: Expected(
            state: .connecting,
            triggers: [.errorRetryElapsed, .connect],
            connection: .open(attempt: 0)
        ),
        .stop: Expected(state: .disconnected, triggers: [.stopped]),
    ],
    .stopped: [:],
]

/// The state a setup starts in.
func initialState(_ setup: Setup) -> ConnectionState {
    switch setup {
    case .disconnected, .stopped: .disconnected
    case .connecting: .connecting
    case .connected: .connected
    case .receivingData: .receivingData
    case .reconnecting: .reconnecting
    case .error: .error
    }
}

/// Every event in every state does exactly what the table says, including the pairs the
/// spec does not draw (a late message while reconnecting, a timer in `error`, a close
/// during `connecting`).
@Test(arguments: Setup.allCases, Event.allCases)
func everyStateTimesEveryEvent(setup: Setup, event: Event) {
    var machine = setup.machine()
    let action = event.apply(to: &machine)
    let expected = transitionTable[setup]?[event] ?? Expected(state: initialState(setup))
    let actual = Expected(state: machine.state, triggers: action.triggers, connection: action.connection)
    #expect(actual == expected, "\(setup) + \(event)")
    // Every reported chain is continuous and ends in the machine's state.
    var current = initialState(setup)
    for transition in action.transitions {
        #expect(transition.from == current, "\(setup) + \(event): chain breaks at \(transition)")
        current = transition.to
    }
    #expect(current == machine.state, "\(setup) + \(event): chain ends in \(current)")
}

/// A stopped machine stays stopped whatever happens, and reports `disconnected`.
@Test(arguments: Event.allCases)
func stoppedIsFinal(event: Event) {
    var machine = Setup.stopped.machine()
    let action = event.apply(to: &machine)
    #expect(action == .none)
    #expect(machine.isStopped)
    #expect(machine.state == .disconnected)
}
