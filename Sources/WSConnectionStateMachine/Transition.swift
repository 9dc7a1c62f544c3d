/// One change of state and the event that caused it.
public struct Transition: Hashable, Sendable {
    /// The state left.
    public var from: ConnectionState
    /// The state entered (may equal `from`: the spec's "Metrics update" loop).
    public var to: ConnectionState
    /// What caused it.
    public var trigger: Trigger

    /// Creates a transition.
    public init(from: ConnectionState, to: ConnectionState, trigger: Trigger) {
        self.from = from
        self.to = to
        self.trigger = trigger
    }

    /// The events that move the machine, with the spec's wording for the diagram.
    public enum Trigger: String, CaseIterable, Hashable, Sendable {
        /// The session starts: the spec's `connect()`.
        case connect
        /// `101 Switching Protocols` arrived: the spec's `onopen`.
        case handshakeSucceeded
        /// The token was refused during the handshake (HTTP 401/403).
        case authenticationFailed
        /// The attempt failed for another reason (refused, DNS, TLS, HTTP error, reset).
        case connectionFailed
        /// No upgrade within the handshake timeout.
        case handshakeTimedOut
        /// The first message arrived.
        case firstMessage
        /// A later message arrived.
        case message
        /// The server closed the connection, or it broke.
        case connectionClosed
        /// The server closed with 1008 after the upgrade.
        case closedForPolicyViolation
        /// A keepalive ping went unanswered.
        case pingTimedOut
        /// No message for `stale_after`, with `on_stale: reconnect`.
        case dataStale
        /// The automatic reconnect after a loss.
        case autoReconnect
        /// The backoff delay elapsed.
        case retryAttempt
        /// The reconnect attempts ran out.
        case maxRetriesExceeded
        /// An operator pressed Retry.
        case retryRequested
        /// `error_retry_after` elapsed: the agent's own Retry click.
        case errorRetryElapsed
        /// The session was stopped (shutdown, reload, target removed): the spec's logout.
        case stopped

        /// The label of this edge in the generated diagram.
        public var label: String {
            switch self {
            case .connect: "connect() called"
            case .handshakeSucceeded: "WebSocket handshake success"
            case .authenticationFailed: "Authentication failed (HTTP 401/403)"
            case .connectionFailed: "Connection refused / failed (backend down)"
            case .handshakeTimedOut: "Handshake timeout"
            case .firstMessage: "First message received"
            case .message: "Metrics update"
            case .connectionClosed: "Connection closed (network error, server close)"
            case .closedForPolicyViolation: "Authentication failed (close 1008)"
            case .pingTimedOut: "Ping timeout (dead path)"
            case .dataStale: "Data stale (on_stale reconnect)"
            case .autoReconnect: "Auto-reconnect triggered"
            case .retryAttempt: "Retry attempt"
            case .maxRetriesExceeded: "Max retries exceeded"
            case .retryRequested: "Operator clicks 'Retry'"
            case .errorRetryElapsed: "error_retry_after elapsed"
            case .stopped: "Session stopped (shutdown, reload, target removed)"
            }
        }
    }
}

/// The transitions one event caused, in order: at most three (for example
/// `connecting → disconnected → reconnecting → error`). Stored inline, so that feeding an
/// event to the machine allocates nothing.
public struct TransitionList: RandomAccessCollection, Hashable, Sendable {
    private var first: Transition?
    private var second: Transition?
    private var third: Transition?

    /// The number of transitions.
    public private(set) var count: Int = 0

    /// An empty list.
    public init() {}

    /// The index of the first transition.
    public var startIndex: Int { 0 }
    /// One past the index of the last transition.
    public var endIndex: Int { self.count }

    /// The transition at `position`.
    public subscript(position: Int) -> Transition {
        switch position {
        case 0: self.first!
        case 1: self.second!
        case 2: self.third!
        default: preconditionFailure("TransitionList index out of range: \(position)")
        }
    }

    /// Appends a transition; a fourth is a programming error.
    mutating func append(_ transition: Transition) {
        switch self.count {
        case 0: self.first = transition
        case 1: self.second = transition
        case 2: self.third = transition
        default: preconditionFailure("more than three transitions for one event")
        }
        self.count += 1
    }
}
