import Prometheus

/// The names, units and help texts of every metric the agent exports, in one place: the
/// README's metric table is written from this file.
enum MetricDescriptors {
    static func make(_ name: String, _ unit: String, _ help: String) -> MetricNameDescriptor {
        MetricNameDescriptor(namespace: "wshealth", metricName: name, unitName: unit, helpText: help)
    }

    nonisolated(unsafe) static let sessions = make(
        "sessions",
        "",
        "Sessions of the target now in each connection state."
    )
    nonisolated(unsafe) static let transitions = make(
        "state_transitions",
        "total",
        "State transitions taken by the target's sessions."
    )
    nonisolated(unsafe) static let attempts = make(
        "connection_attempts",
        "total",
        "Connection attempts (handshakes started)."
    )
    nonisolated(unsafe) static let failures = make(
        "connection_failures",
        "total",
        "Failed connection attempts, by reason."
    )
    nonisolated(unsafe) static let successRatio = make(
        "connection_success_ratio",
        "",
        "Entries into connected / (entries into connected + entries into error) since start; NaN before either."
    )
    nonisolated(unsafe) static let reconnectDuration = make(
        "reconnect_duration",
        "seconds",
        "Time from an involuntary loss of a connection to the next successful handshake."
    )
    nonisolated(unsafe) static let maxRetriesExceeded = make(
        "max_retries_exceeded",
        "total",
        "Times the reconnect attempts ran out."
    )
    nonisolated(unsafe) static let disconnects = make("disconnects", "total", "Ends of open connections, by cause.")
    nonisolated(unsafe) static let reconnectAttempt = make(
        "reconnect_attempt",
        "",
        "Current consecutive reconnect attempt, highest over the target's sessions."
    )
    nonisolated(unsafe) static let reconnectMaxAttempts = make(
        "reconnect_max_attempts",
        "",
        "The configured maximum reconnect attempts."
    )
    nonisolated(unsafe) static let handshakeDuration = make(
        "handshake_duration",
        "seconds",
        "Successful handshakes: TCP + TLS + upgrade."
    )
    nonisolated(unsafe) static let timeToFirstMessage = make(
        "time_to_first_message",
        "seconds",
        "Time from connected to the first message."
    )
    nonisolated(unsafe) static let messagesReceived = make("messages_received", "total", "Valid messages received.")
    nonisolated(unsafe) static let messageErrors = make("message_errors", "total", "Messages refused, by reason.")
    nonisolated(unsafe) static let lastMessageTimestamp = make(
        "last_message_timestamp",
        "seconds",
        "Unix time of the newest valid message; 0 before any."
    )
    nonisolated(unsafe) static let messageInterval = make(
        "message_interval",
        "seconds",
        "Gaps between consecutive messages of a session."
    )
    nonisolated(unsafe) static let staleSessions = make("data_stale_sessions", "", "Sessions whose data is stale now.")
}

/// Histogram buckets, each fitted to its quantity.
enum MetricBuckets {
    /// Loopback handshakes take a millisecond, remote TLS ones a few hundred; 10 s is the timeout.
    static let handshake: [Duration] = [1, 2.5, 5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10000].map(ms)
    /// The spec says "typically < 100 ms"; a backend that waits for its first tick takes up to 5 s.
    static let firstMessage: [Duration] = [5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10000, 30000].map(ms)
    /// Reconnects follow the backoff (1 s … 30 s steps) and can last as long as the outage.
    static let reconnect: [Duration] = [0.5, 1, 2, 5, 10, 30, 60, 120, 300, 600, 1800, 3600].map(seconds)
    /// Centred on the spec's 5-second interval, so a drift shows.
    static let messageInterval: [Duration] = [0.5, 1, 2.5, 4, 4.5, 4.9, 5.1, 5.5, 6, 7.5, 10, 15, 30, 60].map(seconds)

    private static func ms(_ value: Double) -> Duration { .microseconds(Int64(value * 1000)) }
    private static func seconds(_ value: Double) -> Duration { .milliseconds(Int64(value * 1000)) }
}
