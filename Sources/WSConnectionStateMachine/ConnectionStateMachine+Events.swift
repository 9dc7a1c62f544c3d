extension ConnectionStateMachine {
    /// The session starts: `disconnected → connecting` (the spec's `connect()`).
    @_specialize(exported:true,where Instant == MonotonicInstant)
    public mutating func connect(at now: Instant) -> Action {
        guard case .idle = self.phase else { return .none }
        var action = Action()
        self.startConnecting(from: .disconnected, trigger: .connect, attempt: 0, at: now, &action)
        return self.finish(action, exact: true)
    }

    /// An operator pressed Retry: `error → disconnected → connecting`, attempts reset.
    /// Ignored outside `error`.
    @_specialize(exported:true,where Instant == MonotonicInstant)
    public mutating func retry(at now: Instant) -> Action {
        guard case .failed = self.phase else { return .none }
        return self.leaveError(trigger: .retryRequested, at: now)
    }

    /// The server answered the upgrade with `101 Switching Protocols` (the spec's `onopen`):
    /// `connecting → connected`, attempts reset.
    @_specialize(exported:true,where Instant == MonotonicInstant)
    public mutating func handshakeSucceeded(at now: Instant) -> Action {
        guard case .connecting(let startedAt, _) = self.phase else { return .none }
        var action = Action()
        action.transitions.append(Transition(from: .connecting, to: .connected, trigger: .handshakeSucceeded))
        action.measurement = .handshake(
            startedAt.duration(to: now),
            reconnect: self.lossStartedAt.map { $0.duration(to: now) }
        )
        self.lossStartedAt = nil
        self.setAttempt(0, &action)
        self.phase = .open(OpenConnection(connectedAt: now, lastInboundAt: now))
        return self.finish(action, exact: true)
    }

    /// The connection attempt failed before the upgrade. An authentication failure goes to
    /// `error` at once; every other reason takes the reconnect path.
    @_specialize(exported:true,where Instant == MonotonicInstant)
    public mutating func handshakeFailed(_ reason: ConnectionFailureReason, at now: Instant) -> Action {
        guard case .connecting = self.phase else { return .none }
        var action = Action()
        self.failConnecting(reason, at: now, &action)
        return self.finish(action, exact: true)
    }

    /// A valid message arrived: `connected → receiving_data` for the first, then the spec's
    /// `receiving_data → receiving_data` "Metrics update". Clears stale data.
    ///
    /// `dataAt` is when the message's data was produced, when the message says (its
    /// timestamp, on the machine's clock): the data is then fresh for `stale_after` from that
    /// instant, not from the arrival, so a message repeating old data (a frozen collector)
    /// neither clears stale data nor postpones it.
    @_specialize(exported:true,where Instant == MonotonicInstant)
    public mutating func messageReceived(at now: Instant, dataAt: Instant? = nil) -> Action {
        guard case .open(var connection) = self.phase else { return .none }
        var action = Action()
        if let previous = connection.lastMessageAt {
            action.transitions.append(Transition(from: .receivingData, to: .receivingData, trigger: .message))
            action.measurement = .message(firstAfter: nil, interval: previous.duration(to: now))
        } else {
            action.transitions.append(Transition(from: .connected, to: .receivingData, trigger: .firstMessage))
            action.measurement = .message(firstAfter: connection.connectedAt.duration(to: now), interval: nil)
        }
        connection.lastMessageAt = now
        connection.noteInbound(at: now)
        if let dataAt { connection.newestDataAt = max(connection.newestDataAt ?? dataAt, dataAt) }
        self.phase = .open(connection)
        if self.dataStale && now < connection.freshUntil(staleAfter: self.policy.staleAfter) {
            self.dataStale = false
            action.dataStale = false
        }
        return self.finish(action, exact: false)
    }

    /// A message arrived that the dashboard could not use (not JSON, binary): proof that the
    /// path is alive, but no fresh data and no state change.
    @_specialize(exported:true,where Instant == MonotonicInstant)
    public mutating func malformedMessageReceived(at now: Instant) -> Action {
        self.inboundActivity(at: now)
    }

    /// A control frame (pong, ping) arrived: proof that the path is alive.
    @_specialize(exported:true,where Instant == MonotonicInstant)
    public mutating func controlFrameReceived(at now: Instant) -> Action {
        self.inboundActivity(at: now)
    }

    /// The open connection ended. Close code 1008 means the token was refused: `error`.
    /// Anything else: `disconnected → reconnecting`. During `connecting` this is a failed
    /// handshake (`network_error`).
    @_specialize(exported:true,where Instant == MonotonicInstant)
    public mutating func connectionClosed(_ loss: ConnectionLoss, at now: Instant) -> Action {
        switch self.phase {
        case .connecting:
            return self.handshakeFailed(.networkError, at: now)
        case .open:
            var action = Action()
            let trigger: Transition.Trigger = loss.cause == .authFailed ? .closedForPolicyViolation : .connectionClosed
            self.loseConnection(loss.cause, trigger: trigger, at: now, &action)
            return self.finish(action, exact: true)
        case .idle, .reconnecting, .failed, .stopped:
            return .none
        }
    }

    /// The session's timer fired: whatever is due at `now` happens (handshake timeout, retry,
    /// automatic Retry from `error`, keepalive ping, ping timeout, stale data).
    @_specialize(exported:true,where Instant == MonotonicInstant)
    public mutating func timerFired(at now: Instant) -> Action {
        self.armedDeadline = nil
        var action = Action()
        switch self.phase {
        case .idle, .stopped:
            break
        case .connecting(let startedAt, _):
            if now >= startedAt.advanced(by: self.policy.handshakeTimeout) {
                action.connection = .abort
                self.failConnecting(.timeout, at: now, &action)
            }
        case .reconnecting(let attempt, let retryAt):
            if now >= retryAt {
                self.startConnecting(from: .reconnecting, trigger: .retryAttempt, attempt: attempt, at: now, &action)
            }
        case .failed(_, let retryAt):
            if let retryAt, now >= retryAt {
                return self.leaveError(trigger: .errorRetryElapsed, at: now)
            }
        case .open(let connection):
            self.checkOpenConnection(connection, at: now, &action)
        }
        return self.finish(action, exact: !action.transitions.isEmpty)
    }

    /// The session is stopped on purpose (shutdown, reload, target removed): the spec's
    /// logout. Any state goes to `disconnected` for good; an open connection is closed with
    /// 1001 (going away) and counted as `user_action`.
    @_specialize(exported:true,where Instant == MonotonicInstant)
    public mutating func stop(at now: Instant) -> Action {
        var action = Action()
        let state = self.state
        switch self.phase {
        case .stopped:
            return .none
        case .idle:
            break
        case .connecting:
            action.connection = .abort
        case .open:
            action.connection = .close(code: 1001)
            action.disconnect = .userAction
            self.lastDisconnect = .userAction
        case .reconnecting, .failed:
            break
        }
        if state != .disconnected {
            action.transitions.append(Transition(from: state, to: .disconnected, trigger: .stopped))
        }
        if self.dataStale {
            self.dataStale = false
            action.dataStale = false
        }
        self.phase = .stopped
        self.lossStartedAt = nil
        return self.finish(action, exact: true)
    }
}

extension ConnectionStateMachine {
    private mutating func inboundActivity(at now: Instant) -> Action {
        guard case .open(var connection) = self.phase else { return .none }
        connection.noteInbound(at: now)
        self.phase = .open(connection)
        return self.finish(Action(), exact: false)
    }

    private mutating func startConnecting(
        from state: ConnectionState,
        trigger: Transition.Trigger,
        attempt: Int,
        at now: Instant,
        _ action: inout Action
    ) {
        action.transitions.append(Transition(from: state, to: .connecting, trigger: trigger))
        action.connection = .open(attempt: attempt)
        self.phase = .connecting(startedAt: now, attempt: attempt)
    }

    private mutating func leaveError(trigger: Transition.Trigger, at now: Instant) -> Action {
        var action = Action()
        action.transitions.append(Transition(from: .error, to: .disconnected, trigger: trigger))
        self.setAttempt(0, &action)
        self.startConnecting(from: .disconnected, trigger: .connect, attempt: 0, at: now, &action)
        return self.finish(action, exact: true)
    }

    private mutating func failConnecting(_ reason: ConnectionFailureReason, at now: Instant, _ action: inout Action) {
        action.failure = reason
        self.lastFailure = reason
        if reason.isPermanent {
            action.transitions.append(Transition(from: .connecting, to: .error, trigger: .authenticationFailed))
            self.enterError(.authFailed, at: now)
        } else {
            let trigger: Transition.Trigger = reason == .timeout ? .handshakeTimedOut : .connectionFailed
            action.transitions.append(Transition(from: .connecting, to: .disconnected, trigger: trigger))
            self.scheduleReconnect(at: now, spendingAnAttempt: !reason.isLocal, &action)
        }
    }

    private mutating func loseConnection(
        _ cause: DisconnectCause,
        trigger: Transition.Trigger,
        at now: Instant,
        _ action: inout Action
    ) {
        let state = self.state
        action.disconnect = cause
        self.lastDisconnect = cause
        self.lossStartedAt = now
        if cause == .authFailed {
            action.transitions.append(Transition(from: state, to: .error, trigger: trigger))
            self.enterError(.authFailed, at: now)
        } else {
            action.transitions.append(Transition(from: state, to: .disconnected, trigger: trigger))
            self.scheduleReconnect(at: now, &action)
        }
    }

    /// The spec's `attemptReconnect()`: `disconnected → reconnecting`, then `error` when the
    /// attempts ran out.
    private mutating func scheduleReconnect(at now: Instant, spendingAnAttempt: Bool = true, _ action: inout Action) {
        action.transitions.append(Transition(from: .disconnected, to: .reconnecting, trigger: .autoReconnect))
        guard spendingAnAttempt else {
            // The same attempt again, after at least the first backoff: nothing was learned
            // of the server, so neither the count nor the delay grows.
            let delay = self.policy.backoff.delay(forAttempt: max(self.attempt, 1), unitRandom: self.random.nextUnit())
            self.phase = .reconnecting(attempt: self.attempt, retryAt: now.advanced(by: delay))
            return
        }
        guard self.attempt < self.policy.maxReconnectAttempts else {
            action.transitions.append(Transition(from: .reconnecting, to: .error, trigger: .maxRetriesExceeded))
            self.enterError(.maxRetriesExceeded, at: now)
            return
        }
        self.setAttempt(self.attempt + 1, &action)
        let delay = self.policy.backoff.delay(forAttempt: self.attempt, unitRandom: self.random.nextUnit())
        self.phase = .reconnecting(attempt: self.attempt, retryAt: now.advanced(by: delay))
    }

    /// Sets the reconnect attempt and tells the owner, through `action`, how it moved.
    private mutating func setAttempt(_ attempt: Int, _ action: inout Action) {
        guard attempt != self.attempt else { return }
        let from = action.attemptChange?.from ?? self.attempt
        self.attempt = attempt
        action.attemptChange = from == attempt ? nil : AttemptChange(from: from, to: attempt)
    }

    private mutating func enterError(_ reason: ConnectionErrorReason, at now: Instant) {
        let retryAt = self.policy.errorRetryAfter.flatMap { $0 > .zero ? now.advanced(by: $0) : nil }
        self.phase = .failed(reason, retryAt: retryAt)
    }

    private mutating func checkOpenConnection(_ connection: OpenConnection, at now: Instant, _ action: inout Action) {
        var connection = connection
        if let ping = self.policy.ping {
            if let sentAt = connection.pingSentAt {
                if now >= sentAt.advanced(by: ping.timeout) {
                    action.connection = .abort
                    self.loseConnection(.networkError, trigger: .pingTimedOut, at: now, &action)
                    return
                }
            } else if now >= connection.lastInboundAt.advanced(by: ping.interval) {
                action.connection = .sendPing
                connection.pingSentAt = now
            }
        }
        if !self.dataStale && now >= connection.freshUntil(staleAfter: self.policy.staleAfter) {
            self.dataStale = true
            action.dataStale = true
            if self.policy.onStale == .reconnect {
                self.phase = .open(connection)
                action.connection = .close(code: 1000)
                self.loseConnection(.stale, trigger: .dataStale, at: now, &action)
                return
            }
        }
        self.phase = .open(connection)
    }

    /// Brings the owner's timer in line with `nextDeadline`. After a state change the timer is
    /// set exactly; otherwise it is only moved earlier, and a timer that fires early simply
    /// re-arms — so a message, which pushes the deadlines later, never touches the timer.
    private mutating func finish(_ action: Action, exact: Bool) -> Action {
        var action = action
        let desired = self.nextDeadline
        switch (desired, self.armedDeadline) {
        case (nil, nil):
            action.timer = .keep
        case (nil, .some):
            action.timer = .cancel
        case (.some(let deadline), nil):
            action.timer = .arm(deadline)
        case (.some(let deadline), .some(let armed)):
            action.timer = (deadline < armed || (exact && deadline != armed)) ? .arm(deadline) : .keep
        }
        if case .arm(let deadline) = action.timer { self.armedDeadline = deadline }
        if case .cancel = action.timer { self.armedDeadline = nil }
        return action
    }
}

extension ConnectionStateMachine.OpenConnection {
    /// When the data held goes stale: `staleAfter` after it was produced, if messages say
    /// when, else after the newest message arrived, or after the upgrade before any.
    func freshUntil(staleAfter: Duration) -> Instant {
        (self.newestDataAt ?? self.lastMessageAt ?? self.connectedAt).advanced(by: staleAfter)
    }

    fileprivate mutating func noteInbound(at now: Instant) {
        self.lastInboundAt = now
        self.pingSentAt = nil
    }
}
