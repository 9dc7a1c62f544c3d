/// The life of the WebSocket listener across `down` faults, as a pure state machine.
///
/// Each input is an event and returns the actions the owner must carry out; the machine does no I/O
/// and reads no clock. Generations tell stale binds and stale reopen timers from current ones: a bind
/// or a timer that belongs to an older generation is ignored (a stale bound listener is closed).
struct ListenerStateMachine<Listener> {
    enum State {
        /// Not started yet.
        case idle
        /// A bind is in flight; `initial` is the first bind, whose failure fails the start.
        case binding(generation: Int, initial: Bool)
        /// Accepting connections.
        case listening(Listener, generation: Int)
        /// Closed by a `down` fault; a reopen timer of this generation is pending.
        case down(generation: Int)
        /// Stopped for good.
        case stopped
    }

    enum Action {
        /// Bind a new listener on the original address, tagged with `generation`.
        case bind(generation: Int)
        /// Close this listener.
        case close(Listener)
        /// Close every accepted connection, without a close frame.
        case dropConnections
        /// Call ``reopenTimerFired(generation:)`` after `delay`, replacing any pending reopen timer.
        case scheduleReopen(generation: Int, after: Duration)
        /// Cancel the pending reopen timer, if any.
        case cancelReopen
    }

    /// How long to wait before trying again when a reopen fails (the port may be briefly taken).
    static var rebindRetryDelay: Duration { .seconds(1) }

    private(set) var state: State = .idle

    /// Whether the listener is (still) closed by a `down` fault.
    var isDown: Bool {
        switch self.state {
        case .down, .binding(_, initial: false): true
        case .idle, .binding, .listening, .stopped: false
        }
    }

    /// `run()` wants the listener.
    mutating func startRequested() -> [Action] {
        guard case .idle = self.state else {
            preconditionFailure("Invalid state: \(self.state)")
        }
        self.state = .binding(generation: 0, initial: true)
        return [.bind(generation: 0)]
    }

    /// A bind of `generation` succeeded.
    mutating func bindSucceeded(_ listener: Listener, generation: Int) -> [Action] {
        guard case .binding(generation, _) = self.state else {
            return [.close(listener)]
        }
        self.state = .listening(listener, generation: generation)
        return []
    }

    /// A bind of `generation` failed. Returns `nil` when the failure must fail the start.
    mutating func bindFailed(generation: Int) -> [Action]? {
        switch self.state {
        case .binding(generation, initial: true):
            self.state = .stopped
            return nil
        case .binding(generation, initial: false):
            self.state = .down(generation: generation + 1)
            return [.scheduleReopen(generation: generation + 1, after: Self.rebindRetryDelay)]
        default:
            return []
        }
    }

    /// The `down` fault: close the listener and the connections, reopen after `duration`.
    mutating func downRequested(for duration: Duration) -> [Action] {
        switch self.state {
        case .listening(let listener, let generation):
            self.state = .down(generation: generation + 1)
            return [.close(listener), .dropConnections, .scheduleReopen(generation: generation + 1, after: duration)]
        case .down(let generation), .binding(let generation, _):
            // A bind still in flight belongs to the old generation: it will be closed when it lands.
            self.state = .down(generation: generation + 1)
            return [.dropConnections, .scheduleReopen(generation: generation + 1, after: duration)]
        case .idle, .stopped:
            return []
        }
    }

    /// The reopen timer of `generation` fired.
    mutating func reopenTimerFired(generation: Int) -> [Action] {
        guard case .down(generation) = self.state else {
            return []
        }
        self.state = .binding(generation: generation, initial: false)
        return [.bind(generation: generation)]
    }

    /// The `reset` fault: reopen now if down.
    mutating func reopenNowRequested() -> [Action] {
        guard case .down(let generation) = self.state else {
            return []
        }
        self.state = .binding(generation: generation, initial: false)
        return [.cancelReopen, .bind(generation: generation)]
    }

    /// The backend is shutting down.
    mutating func stopRequested() -> [Action] {
        let previous = self.state
        self.state = .stopped
        switch previous {
        case .listening(let listener, _):
            return [.close(listener)]
        case .down:
            return [.cancelReopen]
        case .idle, .binding, .stopped:
            return []
        }
    }
}

extension ListenerStateMachine: Sendable where Listener: Sendable {}
extension ListenerStateMachine.State: Sendable where Listener: Sendable {}
extension ListenerStateMachine.Action: Sendable where Listener: Sendable {}
extension ListenerStateMachine.Action: Equatable where Listener: Equatable {}
