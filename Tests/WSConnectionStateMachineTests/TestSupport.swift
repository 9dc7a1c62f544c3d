import WSConnectionStateMachine

/// A manual clock's instant: tests say exactly what time it is.
struct TestInstant: InstantProtocol, CustomStringConvertible {
    var offset: Duration

    static let zero = TestInstant(offset: .zero)

    func advanced(by duration: Duration) -> TestInstant { TestInstant(offset: self.offset + duration) }
    func duration(to other: TestInstant) -> Duration { other.offset - self.offset }
    static func < (lhs: TestInstant, rhs: TestInstant) -> Bool { lhs.offset < rhs.offset }
    var description: String { "t+\(self.offset)" }
}

typealias Machine = ConnectionStateMachine<TestInstant>

/// The time `seconds` after zero.
func at(_ seconds: Double) -> TestInstant { .zero.advanced(by: .milliseconds(Int64(seconds * 1000))) }

extension Machine.Action {
    /// The triggers of the transitions, in order.
    var triggers: [Transition.Trigger] { self.transitions.map(\.trigger) }
    /// The states entered, in order.
    var entered: [ConnectionState] { self.transitions.map(\.to) }
}

/// The states a test can put a machine in, and how it gets there.
enum Setup: String, CaseIterable, CustomStringConvertible {
    case disconnected, connecting, connected, receivingData, reconnecting, error, stopped

    var description: String { self.rawValue }

    /// A machine in this state at t = 1 s, reached through the spec's own transitions.
    func machine(policy: ConnectionPolicy = .spec) -> Machine {
        var machine = Machine(policy: policy)
        switch self {
        case .disconnected:
            break
        case .connecting:
            _ = machine.connect(at: at(1))
        case .connected:
            _ = machine.connect(at: at(0.9))
            _ = machine.handshakeSucceeded(at: at(1))
        case .receivingData:
            _ = machine.connect(at: at(0.8))
            _ = machine.handshakeSucceeded(at: at(0.9))
            _ = machine.messageReceived(at: at(1))
        case .reconnecting:
            _ = machine.connect(at: at(0.9))
            _ = machine.handshakeFailed(.refused, at: at(1))
        case .error:
            _ = machine.connect(at: at(0.9))
            _ = machine.handshakeFailed(.authFailed, at: at(1))
        case .stopped:
            _ = machine.stop(at: at(1))
        }
        return machine
    }
}

/// Every event the machine takes, for the exhaustive table.
enum Event: String, CaseIterable, CustomStringConvertible {
    case connect, retry, handshakeSucceeded, authFailure, refused, message, malformedMessage, controlFrame
    case serverClose1011, serverClose1008, networkLoss, protocolLoss, timerFired, stop

    var description: String { self.rawValue }

    /// Feeds the event at `now` (a timer fires at the machine's deadline when it has one).
    func apply(to machine: inout Machine, at now: TestInstant = at(2)) -> Machine.Action {
        switch self {
        case .connect: machine.connect(at: now)
        case .retry: machine.retry(at: now)
        case .handshakeSucceeded: machine.handshakeSucceeded(at: now)
        case .authFailure: machine.handshakeFailed(.authFailed, at: now)
        case .refused: machine.handshakeFailed(.refused, at: now)
        case .message: machine.messageReceived(at: now)
        case .malformedMessage: machine.malformedMessageReceived(at: now)
        case .controlFrame: machine.controlFrameReceived(at: now)
        case .serverClose1011: machine.connectionClosed(.serverClosed(code: 1011), at: now)
        case .serverClose1008: machine.connectionClosed(.serverClosed(code: 1008), at: now)
        case .networkLoss: machine.connectionClosed(.networkError, at: now)
        case .protocolLoss: machine.connectionClosed(.protocolError, at: now)
        case .timerFired: machine.timerFired(at: machine.nextDeadline ?? now)
        case .stop: machine.stop(at: now)
        }
    }
}
