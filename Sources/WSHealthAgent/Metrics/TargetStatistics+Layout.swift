import WSConnectionStateMachine
import WSHealthAlerting

extension TargetStatistics {
    /// Where each series of a target lives in its slots.
    enum Layout {
        static let states = ConnectionState.allCases
        static let sessions = 0
        static let transitions = sessions + states.count
        static let attempts = transitions + states.count * states.count
        static let failures = attempts + 1
        static let disconnects = failures + ConnectionFailureReason.allCases.count
        static let maxRetriesExceeded = disconnects + DisconnectCause.allCases.count
        static let messages = maxRetriesExceeded + 1
        static let messageErrors = messages + 1
        static let enteredConnected = messageErrors + MessageErrorReason.allCases.count
        static let enteredError = enteredConnected + 1
        /// Successful handshakes and failed attempts, for the handshake success ratio (a slot
        /// is read by one family only, so these are not the success ratio's or the failures').
        static let succeededAttempts = enteredError + 1
        static let failedAttempts = succeededAttempts + 1
        /// Nanoseconds since the Unix epoch.
        static let lastMessage = failedAttempts + 1
        static let staleSessions = lastMessage + 1
        static let reconnectAttempt = staleSessions + 1
        static let reconnect = HistogramSlots(MetricBuckets.reconnect, at: reconnectAttempt + 1)
        static let handshake = HistogramSlots(MetricBuckets.handshake, at: reconnect.end)
        static let firstMessage = HistogramSlots(MetricBuckets.firstMessage, at: handshake.end)
        static let messageInterval = HistogramSlots(MetricBuckets.messageInterval, at: firstMessage.end)
        static let messageAge = HistogramSlots(MetricBuckets.messageAge, at: messageInterval.end)
        /// Nanoseconds since the Unix epoch: when the newest data was produced (or arrived).
        static let newestData = messageAge.end
        /// The bit pattern of a `Double`, set at each scrape.
        static let dataAge = newestData + 1
        static let clockSkew = dataAge + 1
        /// Seconds, as the bit patterns of `Double`s.
        static let sessionSeconds = clockSkew + 1
        static let staleSessionSeconds = sessionSeconds + 1
        /// 1 or 0 for each built-in rule, in the order of `AlertRule.allCases`.
        static let alertsFiring = staleSessionSeconds + 1
        static let slotCount = alertsFiring + AlertRule.allCases.count

        static func transition(from: Int, to: Int) -> Int { transitions + from * states.count + to }

        @inline(__always)
        static func index(of state: ConnectionState) -> Int {
            switch state {
            case .disconnected: 0
            case .connecting: 1
            case .connected: 2
            case .receivingData: 3
            case .reconnecting: 4
            case .error: 5
            }
        }

        static func index(of reason: ConnectionFailureReason) -> Int {
            ConnectionFailureReason.allCases.firstIndex(of: reason)!
        }

        static func index(of cause: DisconnectCause) -> Int { DisconnectCause.allCases.firstIndex(of: cause)! }

        static func index(of reason: MessageErrorReason) -> Int { MessageErrorReason.allCases.firstIndex(of: reason)! }
    }

    /// The target's sample lines, in the order of ``MetricDescriptors/target``.
    static func lines(
        target: String,
        transitions: [(from: ConnectionState, to: ConnectionState)],
        maxReconnectAttempts: Int
    ) -> SeriesLines {
        var lines = SeriesLines.Builder(familyCount: MetricDescriptors.target.count)
        let families = MetricDescriptors.self
        func add(_ family: MetricFamily, _ value: SeriesLines.Value, _ labels: [(String, String)] = []) {
            let index = families.target.firstIndex { $0.name == family.name }!
            lines.add(family: index, name: family.name, labels: [("target", target)] + labels, value: value)
        }
        func histogram(_ family: MetricFamily, _ layout: HistogramSlots) {
            let index = families.target.firstIndex { $0.name == family.name }!
            lines.addHistogram(family: index, name: family.name, labels: [("target", target)], slots: layout)
        }
        // Every name below is one of the table's, the suffixes the text format's: checked by
        // the contract test and promtool, so no name is validated at run time.
        for (index, state) in Layout.states.enumerated() {
            add(families.sessions, .integer(slot: Layout.sessions + index), [("state", state.rawValue)])
        }
        for (from, to) in transitions {
            let slot = Layout.transition(from: Layout.index(of: from), to: Layout.index(of: to))
            add(families.transitions, .integer(slot: slot), [("from", from.rawValue), ("to", to.rawValue)])
        }
        add(families.attempts, .integer(slot: Layout.attempts))
        for (index, reason) in ConnectionFailureReason.allCases.enumerated() {
            add(families.failures, .integer(slot: Layout.failures + index), [("reason", reason.rawValue)])
        }
        add(families.successRatio, .ratio(slot: Layout.enteredConnected, otherSlot: Layout.enteredError))
        add(families.handshakeSuccessRatio, .ratio(slot: Layout.succeededAttempts, otherSlot: Layout.failedAttempts))
        histogram(families.reconnectDuration, Layout.reconnect)
        add(families.maxRetriesExceeded, .integer(slot: Layout.maxRetriesExceeded))
        for (index, cause) in DisconnectCause.allCases.enumerated() {
            add(families.disconnects, .integer(slot: Layout.disconnects + index), [("cause", cause.rawValue)])
        }
        add(families.reconnectAttempt, .integer(slot: Layout.reconnectAttempt))
        add(families.reconnectMaxAttempts, .constant(maxReconnectAttempts))
        histogram(families.handshakeDuration, Layout.handshake)
        histogram(families.timeToFirstMessage, Layout.firstMessage)
        add(families.messagesReceived, .integer(slot: Layout.messages))
        for (index, reason) in MessageErrorReason.allCases.enumerated() {
            add(families.messageErrors, .integer(slot: Layout.messageErrors + index), [("reason", reason.rawValue)])
        }
        add(families.lastMessageTimestamp, .seconds(slot: Layout.lastMessage))
        histogram(families.messageInterval, Layout.messageInterval)
        add(families.staleSessions, .integer(slot: Layout.staleSessions))
        histogram(families.messageAge, Layout.messageAge)
        add(families.dataAge, .decimal(slot: Layout.dataAge))
        add(families.clockSkew, .integer(slot: Layout.clockSkew))
        add(families.sessionSeconds, .decimal(slot: Layout.sessionSeconds))
        add(families.staleSessionSeconds, .decimal(slot: Layout.staleSessionSeconds))
        for (index, rule) in AlertRule.allCases.enumerated() {
            add(families.alertsFiring, .integer(slot: Layout.alertsFiring + index), [("alertname", rule.alertname)])
        }
        return SeriesLines(lines)
    }
}
