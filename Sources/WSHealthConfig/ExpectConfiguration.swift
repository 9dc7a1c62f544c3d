/// What a healthy session receives: a message at least every `interval`, each one JSON and not too large.
public struct ExpectConfiguration: Sendable, Equatable {
    /// What to do when no message arrived for `staleAfter`.
    public enum StaleAction: String, Sendable, Equatable, CaseIterable {
        /// Flag the data as stale and keep the session open (the dashboard's behaviour).
        case mark
        /// Close the session and reconnect.
        case reconnect
    }

    /// The largest `max_message_bytes` accepted: 64 MiB.
    static let maxMessageBytesLimit = 67_108_864

    /// How often the backend sends a message. Default 5 s (the spec's "every 5 seconds").
    public var interval: Duration
    /// How long without a message before the data counts as stale. Default 3 × `interval`.
    public var staleAfter: Duration
    /// Whether every message must parse as JSON. Default true.
    public var json: Bool
    /// The largest message accepted, in bytes (1 to 67108864). Default 1 MiB.
    public var maxMessageBytes: Int
    /// What to do when the data goes stale. Default ``StaleAction/mark``.
    public var onStale: StaleAction
    /// Where messages say when their data was produced; nil (the default): the data is as old
    /// as the newest message's arrival.
    public var timestamp: TimestampConfiguration?
    /// Conditions every data message must meet; none by default.
    public var assertions: [AssertionConfiguration]

    /// Creates the expectations; `staleAfter` defaults to three times `interval`.
    public init(
        interval: Duration = .seconds(5),
        staleAfter: Duration? = nil,
        json: Bool = true,
        maxMessageBytes: Int = 1_048_576,
        onStale: StaleAction = .mark,
        timestamp: TimestampConfiguration? = nil,
        assertions: [AssertionConfiguration] = []
    ) {
        self.interval = interval
        self.staleAfter = staleAfter ?? interval * 3
        self.json = json
        self.maxMessageBytes = maxMessageBytes
        self.onStale = onStale
        self.timestamp = timestamp
        self.assertions = assertions
    }
}

extension ExpectConfiguration: ConfigSection {
    /// Decodes `expect:`: `interval`, `stale_after`, `json`, `max_message_bytes`, `on_stale`,
    /// `timestamp`, `assertions`.
    init(decoding mapping: ConfigMapping) {
        self.init()
        if let interval = mapping["interval"]?.positiveDuration() {
            self.interval = interval
        }
        staleAfter = interval * 3
        if let node = mapping["stale_after"], let staleAfter = node.positiveDuration() {
            // Shorter than the interval, data would go stale between every two messages.
            if staleAfter < interval {
                node.report(
                    "must be at least expect.interval (\(PrometheusDuration.format(interval))), got \(node.text)"
                )
            } else {
                self.staleAfter = staleAfter
            }
        }
        if let json = mapping["json"]?.bool() {
            self.json = json
        }
        if let bytes = mapping["max_message_bytes"]?.integer(in: 1...Self.maxMessageBytesLimit) {
            maxMessageBytes = bytes
        }
        if let action = mapping["on_stale"]?.choice(StaleAction.self) {
            onStale = action
        }
        self.timestamp = mapping.section("timestamp", as: TimestampConfiguration.self)
        if self.timestamp != nil && !self.json {
            mapping.report("timestamp", "needs expect.json: true (the timestamp is read from each JSON message)")
        }
        if let list = mapping["assertions"]?.list() {
            self.assertions = list.compactMap(AssertionConfiguration.decode)
            if !self.assertions.isEmpty && !self.json {
                mapping.report("assertions", "need expect.json: true (they read each JSON message)")
            }
        }
        mapping.reportUnknownKeys()
    }
}
