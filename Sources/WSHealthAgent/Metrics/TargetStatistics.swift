import Foundation
import Logging
import NIOConcurrencyHelpers
import Prometheus
import WSConnectionStateMachine

/// The metrics of one target, aggregated over its sessions: sessions record into shared,
/// thread-safe series, so the cost of a session is not a set of series of its own and
/// `/metrics` stays as large as the number of targets, whatever the number of sessions.
final class TargetStatistics: Sendable {
    let target: String
    private let registry: PrometheusCollectorRegistry
    private let sessionsByState: [Gauge]
    private let transitions: [Counter?]
    private let attempts: Counter
    private let failures: [ConnectionFailureReason: Counter]
    private let disconnects: [DisconnectCause: Counter]
    private let successRatio: Gauge
    private let maxRetriesExceeded: Counter
    private let reconnectDuration: DurationHistogram
    private let handshakeDuration: DurationHistogram
    private let timeToFirstMessage: DurationHistogram
    private let messageInterval: DurationHistogram
    private let messages: Counter
    private let messageErrors: [MessageErrorReason: Counter]
    private let lastMessageTimestamp: Gauge
    private let staleSessions: Gauge
    private let reconnectAttempt: Gauge
    private let reconnectMaxAttempts: Gauge
    private let counts = NIOLockedValueBox(Counts())

    private struct Counts {
        var enteredConnected = 0
        var enteredError = 0
        var sessionsAtAttempt: [Int] = []
        var malformedSinceLog = 0
        var lastMalformedLog: ContinuousClock.Instant?
    }

    /// Registers every series of the target, at zero, for `sessions` sessions under `policy`.
    init(target: String, sessions: Int, policy: ConnectionPolicy, registry: PrometheusCollectorRegistry) {
        self.target = target
        self.registry = registry
        let label = [("target", target)]
        func gauge(_ descriptor: MetricNameDescriptor, _ extra: [(String, String)] = []) -> Gauge {
            registry.makeGauge(descriptor: descriptor, labels: label + extra)
        }
        func counter(_ descriptor: MetricNameDescriptor, _ extra: [(String, String)] = []) -> Counter {
            registry.makeCounter(descriptor: descriptor, labels: label + extra)
        }
        func histogram(_ descriptor: MetricNameDescriptor, _ buckets: [Duration]) -> DurationHistogram {
            registry.makeDurationHistogram(descriptor: descriptor, labels: label, buckets: buckets)
        }
        self.sessionsByState = ConnectionState.allCases.map {
            gauge(MetricDescriptors.sessions, [("state", $0.rawValue)])
        }
        self.sessionsByState[Self.slot(.disconnected)].set(Double(sessions))
        // Every transition the machine can take under this policy exists from the start, at 0.
        var transitions = [Counter?](repeating: nil, count: Self.stateCount * Self.stateCount)
        for edge in StateDiagram(policy: policy).edges {
            let key = Self.slot(edge.transition.from) * Self.stateCount + Self.slot(edge.transition.to)
            if transitions[key] == nil {
                transitions[key] = counter(
                    MetricDescriptors.transitions,
                    [("from", edge.transition.from.rawValue), ("to", edge.transition.to.rawValue)]
                )
            }
        }
        self.transitions = transitions
        self.attempts = counter(MetricDescriptors.attempts)
        self.failures = Dictionary(
            uniqueKeysWithValues: ConnectionFailureReason.allCases.map {
                ($0, counter(MetricDescriptors.failures, [("reason", $0.rawValue)]))
            }
        )
        self.disconnects = Dictionary(
            uniqueKeysWithValues: DisconnectCause.allCases.map {
                ($0, counter(MetricDescriptors.disconnects, [("cause", $0.rawValue)]))
            }
        )
        self.successRatio = gauge(MetricDescriptors.successRatio)
        self.successRatio.set(.nan)
        self.maxRetriesExceeded = counter(MetricDescriptors.maxRetriesExceeded)
        self.reconnectDuration = histogram(MetricDescriptors.reconnectDuration, MetricBuckets.reconnect)
        self.handshakeDuration = histogram(MetricDescriptors.handshakeDuration, MetricBuckets.handshake)
        self.timeToFirstMessage = histogram(MetricDescriptors.timeToFirstMessage, MetricBuckets.firstMessage)
        self.messageInterval = histogram(MetricDescriptors.messageInterval, MetricBuckets.messageInterval)
        self.messages = counter(MetricDescriptors.messagesReceived)
        self.messageErrors = Dictionary(
            uniqueKeysWithValues: MessageErrorReason.allCases.map {
                ($0, counter(MetricDescriptors.messageErrors, [("reason", $0.rawValue)]))
            }
        )
        self.lastMessageTimestamp = gauge(MetricDescriptors.lastMessageTimestamp)
        self.staleSessions = gauge(MetricDescriptors.staleSessions)
        self.reconnectAttempt = gauge(MetricDescriptors.reconnectAttempt)
        self.reconnectMaxAttempts = gauge(MetricDescriptors.reconnectMaxAttempts)
        self.reconnectMaxAttempts.set(Double(policy.maxReconnectAttempts))
        self.counts.withLockedValue { counts in
            counts.sessionsAtAttempt = [Int](repeating: 0, count: policy.maxReconnectAttempts + 1)
            counts.sessionsAtAttempt[0] = sessions
        }
    }

    private static let stateCount = ConnectionState.allCases.count
    private static func slot(_ state: ConnectionState) -> Int {
        switch state {
        case .disconnected: 0
        case .connecting: 1
        case .connected: 2
        case .receivingData: 3
        case .reconnecting: 4
        case .error: 5
        }
    }

    /// Records what one event of a session did.
    func record<Instant>(
        _ action: ConnectionStateMachine<Instant>.Action,
        staleChange: Bool?,
        attemptChange: (from: Int, to: Int)?
    ) {
        for transition in action.transitions {
            let from = Self.slot(transition.from)
            let to = Self.slot(transition.to)
            self.transitions[from * Self.stateCount + to]?.increment()
            if from != to {
                self.sessionsByState[from].decrement()
                self.sessionsByState[to].increment()
            }
            if transition.trigger == .maxRetriesExceeded { self.maxRetriesExceeded.increment() }
            if transition.to == .connected || transition.to == .error {
                self.recordOutcome(connected: transition.to == .connected)
            }
        }
        if let reason = action.failure { self.failures[reason]?.increment() }
        if let cause = action.disconnect { self.disconnects[cause]?.increment() }
        switch action.measurement {
        case .none:
            break
        case .handshake(let duration, let reconnect):
            self.handshakeDuration.record(duration)
            if let reconnect { self.reconnectDuration.record(reconnect) }
        case .message(let firstAfter, let interval):
            if let firstAfter { self.timeToFirstMessage.record(firstAfter) }
            if let interval { self.messageInterval.record(interval) }
        }
        if let staleChange { staleChange ? self.staleSessions.increment() : self.staleSessions.decrement() }
        if let attemptChange { self.recordAttemptChange(attemptChange) }
    }

    /// A connection attempt started.
    func recordAttempt() { self.attempts.increment() }

    /// A valid message arrived.
    func recordMessage() {
        self.messages.increment()
        self.lastMessageTimestamp.set(Date().timeIntervalSince1970)
    }

    /// A message was refused.
    func recordMessageError(_ reason: MessageErrorReason) { self.messageErrors[reason]?.increment() }

    /// Logs a malformed message at most once every 10 seconds per target, with the count of the
    /// ones not logged, so a backend sending garbage cannot flood the log.
    func logMalformedMessage(_ reason: MessageErrorReason, logger: Logger) {
        let now = ContinuousClock.Instant.now
        let suppressed: Int? = self.counts.withLockedValue { counts in
            counts.malformedSinceLog += 1
            if let last = counts.lastMalformedLog, last.duration(to: now) < .seconds(10) { return nil }
            counts.lastMalformedLog = now
            defer { counts.malformedSinceLog = 0 }
            return counts.malformedSinceLog - 1
        }
        if let suppressed {
            logger.warning(
                "message refused",
                metadata: ["reason": "\(reason.rawValue)", "suppressed_since_last_log": "\(suppressed)"]
            )
        }
    }

    /// Removes every series of the target (target removed or restarted by a reload).
    func unregister() {
        self.sessionsByState.forEach(self.registry.unregisterGauge)
        self.transitions.compactMap { $0 }.forEach(self.registry.unregisterCounter)
        self.registry.unregisterCounter(self.attempts)
        self.failures.values.forEach(self.registry.unregisterCounter)
        self.disconnects.values.forEach(self.registry.unregisterCounter)
        self.messageErrors.values.forEach(self.registry.unregisterCounter)
        [self.maxRetriesExceeded, self.messages].forEach(self.registry.unregisterCounter)
        [
            self.successRatio, self.lastMessageTimestamp, self.staleSessions, self.reconnectAttempt,
            self.reconnectMaxAttempts,
        ]
        .forEach(self.registry.unregisterGauge)
        [self.reconnectDuration, self.handshakeDuration, self.timeToFirstMessage, self.messageInterval]
            .forEach(self.registry.unregisterDurationHistogram)
    }

    private func recordOutcome(connected: Bool) {
        let ratio: Double = self.counts.withLockedValue { counts in
            if connected { counts.enteredConnected += 1 } else { counts.enteredError += 1 }
            return Double(counts.enteredConnected) / Double(counts.enteredConnected + counts.enteredError)
        }
        self.successRatio.set(ratio)
    }

    private func recordAttemptChange(_ change: (from: Int, to: Int)) {
        let highest: Int = self.counts.withLockedValue { counts in
            let top = counts.sessionsAtAttempt.count - 1
            counts.sessionsAtAttempt[min(change.from, top)] -= 1
            counts.sessionsAtAttempt[min(change.to, top)] += 1
            return counts.sessionsAtAttempt.lastIndex { $0 > 0 } ?? 0
        }
        self.reconnectAttempt.set(Double(highest))
    }
}
