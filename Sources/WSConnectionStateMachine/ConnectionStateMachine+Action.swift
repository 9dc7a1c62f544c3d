extension ConnectionStateMachine {
    /// What the owner of the machine must do after an event: plain data, applied by the
    /// executor, which does all I/O.
    public struct Action: Hashable, Sendable {
        /// The state changes the event caused, for metrics and logs.
        public var transitions: TransitionList
        /// What to do with the WebSocket.
        public var connection: ConnectionCommand
        /// What to do with the session's single timer.
        public var timer: TimerCommand
        /// Durations measured by this event.
        public var measurement: Measurement
        /// The failed connection attempt this event ended, and why.
        public var failure: ConnectionFailureReason?
        /// The open connection this event ended, and why.
        public var disconnect: DisconnectCause?
        /// How the data's staleness changed: `true` when it went stale, `false` when it became
        /// fresh again (a valid message, or the session stopped); nil when unchanged.
        public var dataStale: Bool?
        /// How the reconnect attempt (the badge's "attempt 3/10") moved, if it did.
        public var attemptChange: AttemptChange?

        /// Nothing to do.
        public static var none: Action { Action() }

        init() {
            self.transitions = TransitionList()
            self.connection = .none
            self.timer = .keep
            self.measurement = .none
            self.failure = nil
            self.disconnect = nil
            self.dataStale = nil
            self.attemptChange = nil
        }
    }

    /// A change of the reconnect attempt within one event.
    public struct AttemptChange: Hashable, Sendable {
        /// The attempt before the event.
        public var from: Int
        /// The attempt after it.
        public var to: Int

        /// Creates a change.
        public init(from: Int, to: Int) {
            self.from = from
            self.to = to
        }
    }

    /// What to do with the WebSocket connection.
    public enum ConnectionCommand: Hashable, Sendable {
        /// Nothing.
        case none
        /// Open a new connection and start the handshake; `attempt` is 0 for a first connect and
        /// the reconnect attempt number (1…max) otherwise.
        case open(attempt: Int)
        /// Send a WebSocket ping.
        case sendPing
        /// Send a close frame with this code and close the connection.
        case close(code: UInt16)
        /// Close the connection at once, without a close frame (dead path, abandoned handshake).
        case abort
    }

    /// What to do with the session's single timer. When it fires, feed `timerFired(at:)`.
    public enum TimerCommand: Hashable, Sendable {
        /// Leave the timer as it is.
        case keep
        /// (Re)arm the timer to fire at this instant, replacing any earlier arming.
        case arm(Instant)
        /// Cancel the timer.
        case cancel
    }

    /// Durations an event measured.
    public enum Measurement: Hashable, Sendable {
        /// None.
        case none
        /// A handshake succeeded after `handshake`; `reconnect` is the time since the involuntary
        /// loss this handshake recovers from, if any (the spec's "reconnection time").
        case handshake(Duration, reconnect: Duration?)
        /// A valid message arrived; `firstAfter` is the time since `connected` for the first
        /// message of a connection, `interval` the gap since the previous message.
        case message(firstAfter: Duration?, interval: Duration?)
    }
}
