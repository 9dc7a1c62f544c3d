/// The dashboard's connection state machine (docs/state-machine.md), as a pure value.
///
/// Every input is a `mutating func` named after the event, takes the current instant, and
/// returns an ``Action`` for the owner to carry out. The machine does no I/O and reads no
/// clock: the owner passes `now`, arms one timer when told to, and feeds `timerFired(at:)`
/// when it fires. Events that make no sense in the current state (a late message while
/// reconnecting, a timer that fires after its state was left) return ``Action/none``.
///
/// The machine goes beyond the spec's diagram where an agent without a user needs it: a
/// handshake timeout, keepalive pings for dead paths, stale-data detection, an automatic
/// Retry from `error` after ``ConnectionPolicy/errorRetryAfter``, and `stop` for shutdown.
///
/// The events and the state queries are pre-specialized for ``MonotonicInstant``, the instant
/// of live sessions: a client in another module calls the specialized code, not the generic
/// one, which would look up type metadata at run time on every event (see
/// docs/performance.md). Any other `InstantProtocol` works too, generically.
public struct ConnectionStateMachine<Instant: InstantProtocol>: Sendable where Instant.Duration == Duration {
    /// The timing rules this machine follows.
    public let policy: ConnectionPolicy

    var phase: Phase
    var attempt: Int
    var lossStartedAt: Instant?
    var armedDeadline: Instant?
    var random: SplitMix64
    /// Whether the data is stale. It belongs to the session, not to one connection: a
    /// connection that dies of the same silence does not make the data fresh, only a valid
    /// message does (or stopping the session).
    var dataStale = false

    /// The failure of the most recent connection attempt that failed.
    public internal(set) var lastFailure: ConnectionFailureReason?
    /// The cause of the most recent end of an open connection.
    public internal(set) var lastDisconnect: DisconnectCause?

    /// Creates a machine in `disconnected`; `seed` drives the backoff jitter, if any.
    public init(policy: ConnectionPolicy = .spec, seed: UInt64 = 0) {
        self.policy = policy
        self.phase = .idle
        self.attempt = 0
        self.random = SplitMix64(seed: seed)
    }

    /// The spec state the session is in.
    public var state: ConnectionState {
        @_specialize(exported:true,where Instant == MonotonicInstant)
        get {
            switch self.phase {
            case .idle, .stopped: .disconnected
            case .connecting: .connecting
            case .open(let connection): connection.lastMessageAt == nil ? .connected : .receivingData
            case .reconnecting: .reconnecting
            case .failed: .error
            }
        }
    }

    /// The consecutive reconnect attempt (the spec's `reconnectAttempts`), reset by a
    /// successful handshake: the badge's "(attempt 3/10)".
    public var reconnectAttempt: Int { self.attempt }

    /// Whether the data is stale: a connection went `staleAfter` without a valid message, and
    /// none has arrived since, on that connection or a later one.
    public var isDataStale: Bool { self.dataStale }

    /// Whether all the timer can do when it fires is start a connection attempt: the backoff of
    /// `reconnecting`, or `error`'s automatic retry. An owner that paces its attempts waits for
    /// its turn before it feeds ``timerFired(at:)``, so the wait is not part of the attempt.
    public var timerStartsAttempt: Bool {
        @_specialize(exported:true,where Instant == MonotonicInstant)
        get {
            switch self.phase {
            case .reconnecting, .failed: true
            case .idle, .stopped, .connecting, .open: false
            }
        }
    }

    /// Why the session is in `error`, if it is.
    public var errorReason: ConnectionErrorReason? {
        @_specialize(exported:true,where Instant == MonotonicInstant)
        get {
            if case .failed(let reason, _) = self.phase { return reason }
            return nil
        }
    }

    /// Whether a keepalive ping is waiting for an answer.
    var pingOutstanding: Bool {
        if case .open(let connection) = self.phase { return connection.pingSentAt != nil }
        return false
    }

    /// Whether stale data is due before the next keepalive check (for the diagram explorer,
    /// which must tell these configurations apart to find the stale-data edges).
    var staleIsDueFirst: Bool {
        guard case .open(let connection) = self.phase, !self.dataStale else { return false }
        let staleAt = connection.freshUntil(staleAfter: self.policy.staleAfter)
        guard let ping = self.policy.ping else { return true }
        let keepaliveAt =
            connection.pingSentAt.map { $0.advanced(by: ping.timeout) }
            ?? connection.lastInboundAt.advanced(by: ping.interval)
        return staleAt <= keepaliveAt
    }

    /// Whether `stop(at:)` ended the session; a stopped machine ignores every event.
    public var isStopped: Bool {
        @_specialize(exported:true,where Instant == MonotonicInstant)
        get {
            if case .stopped = self.phase { return true }
            return false
        }
    }

    /// The instant the machine next needs `timerFired(at:)`, if any.
    public var nextDeadline: Instant? {
        switch self.phase {
        case .idle, .stopped: return nil
        case .connecting(let startedAt, _): return startedAt.advanced(by: self.policy.handshakeTimeout)
        case .reconnecting(_, let retryAt): return retryAt
        case .failed(_, let retryAt): return retryAt
        case .open(let connection):
            var deadline: Instant?
            if let ping = self.policy.ping {
                deadline =
                    connection.pingSentAt.map { $0.advanced(by: ping.timeout) }
                    ?? connection.lastInboundAt.advanced(by: ping.interval)
            }
            if !self.dataStale {
                let staleAt = connection.freshUntil(staleAfter: self.policy.staleAfter)
                deadline = deadline.map { min($0, staleAt) } ?? staleAt
            }
            return deadline
        }
    }
}

extension ConnectionStateMachine {
    /// Where the machine is, with the data each state needs.
    enum Phase: Hashable, Sendable {
        /// `disconnected`, never started.
        case idle
        /// `connecting`: the handshake started at `startedAt`.
        case connecting(startedAt: Instant, attempt: Int)
        /// `connected`, or `receiving_data` once a message arrived.
        case open(OpenConnection)
        /// `reconnecting`: attempt `attempt` starts at `retryAt`.
        case reconnecting(attempt: Int, retryAt: Instant)
        /// `error`, left automatically at `retryAt` if set.
        case failed(ConnectionErrorReason, retryAt: Instant?)
        /// `disconnected` for good: the session was stopped.
        case stopped
    }

    /// The clocks of an open connection.
    struct OpenConnection: Hashable, Sendable {
        var connectedAt: Instant
        var lastInboundAt: Instant
        var lastMessageAt: Instant?
        /// When the newest data received was produced, when messages say (their timestamp).
        var newestDataAt: Instant?
        var pingSentAt: Instant?
    }
}

/// A small, fast, seedable generator for backoff jitter (SplitMix64: Steele, Lea, Flood 2014),
/// so that a state machine using it stays a deterministic value; other pure machines that need
/// jitter (alert delivery retries) share it.
public struct SplitMix64: Hashable, Sendable {
    private var state: UInt64

    /// A generator whose samples follow from `seed`.
    public init(seed: UInt64) { self.state = seed }

    /// A sample in 0..<1.
    public mutating func nextUnit() -> Double {
        self.state &+= 0x9E37_79B9_7F4A_7C15
        var z = self.state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        z ^= z >> 31
        return Double(z >> 11) / Double(UInt64(1) << 53)
    }
}
