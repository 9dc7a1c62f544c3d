/// What the rules see of one monitored target at one evaluation: counts of its sessions now,
/// and counters since the agent started.
///
/// The evaluator keeps earlier counter samples itself, so the owner reports plain totals and
/// the windowed rules (`WebSocketFlapping`, `WebSocketLowSuccessRatio`) work out increases.
package struct TargetObservation: Sendable, Hashable {
    /// The target's name: the `target` label.
    package var target: String
    /// The target's URL with secrets removed, as it may appear in a notification.
    package var url: String
    /// How many sessions the target runs.
    package var sessions: Int
    /// The configured maximum of consecutive reconnect attempts.
    package var maxReconnectAttempts: Int
    /// Sessions in `error` because the server refused the credentials.
    package var authFailedSessions: Int
    /// Sessions in `error` because they ran out of reconnect attempts.
    package var maxRetriesExceededSessions: Int
    /// Connected sessions whose data is stale.
    package var staleSessions: Int
    /// The longest time without a message among the stale sessions, for the description.
    package var longestSilence: Duration?
    /// Sessions in `receiving_data`.
    package var receivingDataSessions: Int
    /// The highest consecutive reconnect attempt among the sessions.
    package var highestReconnectAttempt: Int
    /// Why the target's most recent failed attempt failed: a `reason` label value such as
    /// `refused`, `timeout`, `auth_failed`.
    package var lastFailureReason: String?
    /// Counters since the agent started.
    package var counters: TargetCounters

    /// Creates an observation; the counts default to a healthy target with no history.
    package init(
        target: String,
        url: String,
        sessions: Int,
        maxReconnectAttempts: Int,
        authFailedSessions: Int = 0,
        maxRetriesExceededSessions: Int = 0,
        staleSessions: Int = 0,
        longestSilence: Duration? = nil,
        receivingDataSessions: Int,
        highestReconnectAttempt: Int = 0,
        lastFailureReason: String? = nil,
        counters: TargetCounters = TargetCounters()
    ) {
        self.target = target
        self.url = url
        self.sessions = sessions
        self.maxReconnectAttempts = maxReconnectAttempts
        self.authFailedSessions = authFailedSessions
        self.maxRetriesExceededSessions = maxRetriesExceededSessions
        self.staleSessions = staleSessions
        self.longestSilence = longestSilence
        self.receivingDataSessions = receivingDataSessions
        self.highestReconnectAttempt = highestReconnectAttempt
        self.lastFailureReason = lastFailureReason
        self.counters = counters
    }
}

/// Cumulative counters of one target since the agent started; they only grow (a decrease is
/// taken as a restart of the target and starts its window history again).
package struct TargetCounters: Sendable, Hashable {
    /// Involuntary ends of open connections that the target caused (every disconnect cause but
    /// `user_action` and the agent's own `resource_exhausted`).
    package var disconnects: Int
    /// Entries into `connected`.
    package var enteredConnected: Int
    /// Entries into `error`.
    package var enteredError: Int
    /// Connection attempts started.
    package var attempts: Int
    /// Connection attempts that failed because of the target (every `reason` of
    /// `wshealth_connection_failures_total` but the agent's own `resource_exhausted`); with
    /// ``enteredConnected`` (the successful handshakes) the attempts that ended.
    package var failedAttempts: Int
    /// Attempts that failed and connections the agent closed because the agent itself had no
    /// descriptor or buffer room left (`resource_exhausted`, failures and disconnects).
    package var resourceExhaustions: Int

    /// Creates counters.
    package init(
        disconnects: Int = 0,
        enteredConnected: Int = 0,
        enteredError: Int = 0,
        attempts: Int = 0,
        failedAttempts: Int = 0,
        resourceExhaustions: Int = 0
    ) {
        self.disconnects = disconnects
        self.enteredConnected = enteredConnected
        self.enteredError = enteredError
        self.attempts = attempts
        self.failedAttempts = failedAttempts
        self.resourceExhaustions = resourceExhaustions
    }

    /// Whether any counter is below its value in `earlier`.
    func hasDecreased(since earlier: TargetCounters) -> Bool {
        self.disconnects < earlier.disconnects || self.enteredConnected < earlier.enteredConnected
            || self.enteredError < earlier.enteredError || self.attempts < earlier.attempts
            || self.failedAttempts < earlier.failedAttempts || self.resourceExhaustions < earlier.resourceExhaustions
    }

    /// The increase of every counter since `earlier`.
    func increase(since earlier: TargetCounters) -> TargetCounters {
        TargetCounters(
            disconnects: self.disconnects - earlier.disconnects,
            enteredConnected: self.enteredConnected - earlier.enteredConnected,
            enteredError: self.enteredError - earlier.enteredError,
            attempts: self.attempts - earlier.attempts,
            failedAttempts: self.failedAttempts - earlier.failedAttempts,
            resourceExhaustions: self.resourceExhaustions - earlier.resourceExhaustions
        )
    }
}
