/// The names, types and help texts of every metric the agent exports, in the order
/// `/metrics` writes them: the README's metric table is written from this file.
enum MetricDescriptors {
    static let sessions = MetricFamily(
        name: "wshealth_sessions",
        kind: .gauge,
        help: "Sessions of the target now in each connection state."
    )
    static let transitions = MetricFamily(
        name: "wshealth_state_transitions_total",
        kind: .counter,
        help: "State transitions taken by the target's sessions."
    )
    static let attempts = MetricFamily(
        name: "wshealth_connection_attempts_total",
        kind: .counter,
        help: "Connection attempts (handshakes started)."
    )
    static let failures = MetricFamily(
        name: "wshealth_connection_failures_total",
        kind: .counter,
        help: "Failed connection attempts, by reason."
    )
    static let successRatio = MetricFamily(
        name: "wshealth_connection_success_ratio",
        kind: .gauge,
        help: "Entries into connected / (entries into connected + entries into error) since start; NaN before either."
    )
    static let handshakeSuccessRatio = MetricFamily(
        name: "wshealth_handshake_success_ratio",
        kind: .gauge,
        help:
            "Successful handshakes / (successful handshakes + failed connection attempts that reached the target: "
            + "not resource_exhausted) since start; NaN before either."
    )
    static let reconnectDuration = MetricFamily(
        name: "wshealth_reconnect_duration_seconds",
        kind: .histogram,
        help: "Time from an involuntary loss of a connection to the next successful handshake."
    )
    static let maxRetriesExceeded = MetricFamily(
        name: "wshealth_max_retries_exceeded_total",
        kind: .counter,
        help: "Times the reconnect attempts ran out."
    )
    static let disconnects = MetricFamily(
        name: "wshealth_disconnects_total",
        kind: .counter,
        help: "Ends of open connections, by cause."
    )
    static let reconnectAttempt = MetricFamily(
        name: "wshealth_reconnect_attempt",
        kind: .gauge,
        help: "Current consecutive reconnect attempt, highest over the target's sessions."
    )
    static let reconnectMaxAttempts = MetricFamily(
        name: "wshealth_reconnect_max_attempts",
        kind: .gauge,
        help: "The configured maximum reconnect attempts."
    )
    static let handshakeDuration = MetricFamily(
        name: "wshealth_handshake_duration_seconds",
        kind: .histogram,
        help: "Successful handshakes: TCP + TLS + upgrade."
    )
    static let timeToFirstMessage = MetricFamily(
        name: "wshealth_time_to_first_message_seconds",
        kind: .histogram,
        help: "Time from connected to the first message."
    )
    static let messagesReceived = MetricFamily(
        name: "wshealth_messages_received_total",
        kind: .counter,
        help: "Valid messages received."
    )
    static let messageErrors = MetricFamily(
        name: "wshealth_message_errors_total",
        kind: .counter,
        help: "Messages refused, by reason."
    )
    static let lastMessageTimestamp = MetricFamily(
        name: "wshealth_last_message_timestamp_seconds",
        kind: .gauge,
        help: "Unix time of the newest valid message; 0 before any."
    )
    static let messageInterval = MetricFamily(
        name: "wshealth_message_interval_seconds",
        kind: .histogram,
        help: "Gaps between consecutive messages of a session."
    )
    static let staleSessions = MetricFamily(
        name: "wshealth_data_stale_sessions",
        kind: .gauge,
        help: "Sessions whose data is stale now."
    )

    static let messageAge = MetricFamily(
        name: "wshealth_message_age_seconds",
        kind: .histogram,
        help: "Age of each message's data at arrival, from its timestamp (expect.timestamp); negative ages count as 0."
    )
    static let dataAge = MetricFamily(
        name: "wshealth_data_age_seconds",
        kind: .gauge,
        help:
            "Age of the newest data any session holds: its timestamp (expect.timestamp) or its arrival; NaN before any."
    )
    static let clockSkew = MetricFamily(
        name: "wshealth_clock_skew_messages_total",
        kind: .counter,
        help: "Messages whose timestamp lies ahead of the agent's clock: their age counted as 0."
    )
    static let sessionSeconds = MetricFamily(
        name: "wshealth_session_seconds_total",
        kind: .counter,
        help: "Time the target's sessions ran, summed over its sessions: the data freshness SLI's total."
    )
    static let staleSessionSeconds = MetricFamily(
        name: "wshealth_stale_session_seconds_total",
        kind: .counter,
        help: "Time the target's sessions held stale data, summed over its sessions: the data freshness SLI's errors."
    )

    /// Every target's families, in the order of the exposition.
    static let alertsFiring = MetricFamily(
        name: "wshealth_alerts_firing",
        kind: .gauge,
        help: "Built-in alerts of the target: 1 while firing, 0 otherwise."
    )

    static let target: [MetricFamily] = [
        sessions, transitions, attempts, failures, successRatio, handshakeSuccessRatio, reconnectDuration,
        maxRetriesExceeded, disconnects,
        reconnectAttempt, reconnectMaxAttempts, handshakeDuration, timeToFirstMessage, messagesReceived,
        messageErrors, lastMessageTimestamp, messageInterval, staleSessions, messageAge, dataAge, clockSkew,
        sessionSeconds, staleSessionSeconds,
        alertsFiring,
    ]

    /// The agent's own families, after the targets': what was built, how the last
    /// configuration load went (Prometheus' own `prometheus_config_last_reload_*` pair, with
    /// its help texts), and what the storage refused.
    static let buildInfo = MetricFamily(
        name: "wshealth_build_info",
        kind: .gauge,
        help:
            "A metric with a constant '1' value labeled by version, revision and swift_version from which wshealth was built."
    )
    static let reloadSuccessful = MetricFamily(
        name: "wshealth_config_last_reload_successful",
        kind: .gauge,
        help: "Whether the last configuration reload attempt was successful."
    )
    static let reloadSuccessTimestamp = MetricFamily(
        name: "wshealth_config_last_reload_success_timestamp_seconds",
        kind: .gauge,
        help: "Timestamp of the last successful configuration reload."
    )

    static let storageErrors = MetricFamily(
        name: "wshealth_storage_errors_total",
        kind: .counter,
        help:
            "What the storage path refused: notifications not written (kept in memory), files not readable at start-up."
    )

    static let messageBufferBytes = MetricFamily(
        name: "wshealth_message_buffer_bytes",
        kind: .gauge,
        help: "Bytes all sessions hold now for messages that have not fully arrived."
    )
    static let messageBufferLimit = MetricFamily(
        name: "wshealth_message_buffer_limit_bytes",
        kind: .gauge,
        help:
            "The most bytes all sessions may hold for unfinished messages (--messages.max-buffered-bytes; 0: no limit)."
    )
    static let messageBufferRefusals = MetricFamily(
        name: "wshealth_message_buffer_refusals_total",
        kind: .counter,
        help: "Connections closed (1009) because their message did not fit in what the sessions may hold."
    )

    static let agent: [MetricFamily] = [
        buildInfo, reloadSuccessful, reloadSuccessTimestamp, storageErrors, messageBufferBytes, messageBufferLimit,
        messageBufferRefusals,
    ]

    /// Every receiver's families, after the agent's: what was delivered, how long it took,
    /// what failed, what waits, what was dropped.
    static let notifications = MetricFamily(
        name: "wshealth_notifications_total",
        kind: .counter,
        help: "Notifications delivered to the receiver."
    )
    static let notificationFailures = MetricFamily(
        name: "wshealth_notification_failures_total",
        kind: .counter,
        help: "Failed delivery requests to the receiver, by reason."
    )
    static let notificationLatency = MetricFamily(
        name: "wshealth_notification_latency_seconds",
        kind: .histogram,
        help: "Time from a notification being queued to its delivery."
    )
    static let notificationQueueLength = MetricFamily(
        name: "wshealth_notification_queue_length",
        kind: .gauge,
        help: "Notifications waiting for the receiver."
    )
    static let notificationsDropped = MetricFamily(
        name: "wshealth_notifications_dropped_total",
        kind: .counter,
        help: "Notifications dropped because the receiver's queue was full."
    )

    static let receiver: [MetricFamily] = [
        notifications, notificationFailures, notificationLatency, notificationQueueLength, notificationsDropped,
    ]
}

/// Histogram buckets, each fitted to its quantity.
enum MetricBuckets {
    /// Loopback handshakes take a millisecond, remote TLS ones a few hundred; 10 s is the timeout.
    static let handshake: [Duration] = [1, 2.5, 5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10000].map(ms)
    /// The spec says "typically < 100 ms"; a backend that waits for its first tick takes up to 5 s.
    static let firstMessage: [Duration] = [5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10000, 30000].map(ms)
    /// Reconnects follow the backoff (1 s … 30 s steps) and can last as long as the outage.
    static let reconnect: [Duration] = [0.5, 1, 2, 5, 10, 30, 60, 120, 300, 600, 1800, 3600].map(seconds)
    /// From a fast pipeline's fraction of a second to a collector minutes behind.
    static let messageAge: [Duration] = [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 15, 30, 60, 120, 300, 600].map(seconds)
    /// Centred on the spec's 5-second interval, so a drift shows.
    static let messageInterval: [Duration] = [0.5, 1, 2.5, 4, 4.5, 4.9, 5.1, 5.5, 6, 7.5, 10, 15, 30, 60].map(seconds)
    /// A receiver answers in milliseconds; one that is down delays a notification by its retries.
    static let notificationLatency: [Duration] =
        [5, 10, 25, 50, 100, 250, 500].map(ms) + [1, 5, 30, 120, 600].map(seconds)

    private static func ms(_ value: Double) -> Duration { .microseconds(Int64(value * 1000)) }
    private static func seconds(_ value: Double) -> Duration { .milliseconds(Int64(value * 1000)) }

    /// A bucket's `le` label value: seconds with a decimal point (`0.0025`, `10.0`), as the
    /// metric contract has always spelled them.
    static func label(_ bound: Duration) -> String {
        let nanoseconds = bound.nanoseconds
        let seconds = String(nanoseconds / 1_000_000_000)
        var fraction = String(nanoseconds % 1_000_000_000)
        fraction = String(repeating: "0", count: 9 - fraction.count) + fraction
        while fraction.count > 1 && fraction.hasSuffix("0") { fraction.removeLast() }
        return seconds + "." + fraction
    }
}
