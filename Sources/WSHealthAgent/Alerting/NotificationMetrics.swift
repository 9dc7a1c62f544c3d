import Prometheus
import WSHealthAlerting

/// The delivery series of one receiver: what was delivered, how long it took, what failed or
/// was dropped, and what waits.
struct NotificationMetrics: Sendable {
    private let delivered: Counter
    private let failures: [DeliveryStateMachine.FailureReason: Counter]
    private let latency: DurationHistogram
    private let queueLength: Gauge
    private let dropped: Counter

    /// Registers every series of `receiver` at zero (or finds them, for a second URL of the
    /// same receiver: the series are per receiver).
    init(receiver: String, registry: PrometheusCollectorRegistry) {
        let label = [("receiver", receiver)]
        self.delivered = registry.makeCounter(descriptor: Descriptors.delivered, labels: label)
        self.failures = Dictionary(
            uniqueKeysWithValues: DeliveryStateMachine.FailureReason.allCases.map { reason in
                (
                    reason,
                    registry.makeCounter(
                        descriptor: Descriptors.failures,
                        labels: label + [("reason", reason.rawValue)]
                    )
                )
            }
        )
        self.latency = registry.makeDurationHistogram(
            descriptor: Descriptors.latency,
            labels: label,
            buckets: [
                .milliseconds(5), .milliseconds(10), .milliseconds(25), .milliseconds(50), .milliseconds(100),
                .milliseconds(250), .milliseconds(500), .seconds(1), .seconds(5), .seconds(30), .seconds(120),
                .seconds(600),
            ]
        )
        self.queueLength = registry.makeGauge(descriptor: Descriptors.queueLength, labels: label)
        self.dropped = registry.makeCounter(descriptor: Descriptors.dropped, labels: label)
    }

    /// A notification reached the receiver, `latency` after it was queued.
    func recordDelivered(latency: Duration) {
        self.delivered.increment()
        self.latency.record(latency)
    }

    /// A request failed.
    func recordFailure(_ reason: DeliveryStateMachine.FailureReason) { self.failures[reason]?.increment() }

    /// Notifications dropped because the queue was full (or given up on).
    func recordDropped(_ count: Int) {
        if count > 0 { self.dropped.increment(by: Int64(count)) }
    }

    /// Notifications waiting now.
    func setQueueLength(_ length: Int) { self.queueLength.set(Double(length)) }

    /// Removes the receiver's series from `registry`: a reload removed the receiver, and
    /// series of a receiver that no longer exists would be reported forever.
    func unregister(from registry: PrometheusCollectorRegistry) {
        registry.unregisterCounter(self.delivered)
        for counter in self.failures.values { registry.unregisterCounter(counter) }
        registry.unregisterDurationHistogram(self.latency)
        registry.unregisterGauge(self.queueLength)
        registry.unregisterCounter(self.dropped)
    }

    enum Descriptors {
        nonisolated(unsafe) static let delivered = MetricDescriptors.make(
            "notifications",
            "total",
            "Notifications delivered to the receiver."
        )
        nonisolated(unsafe) static let failures = MetricDescriptors.make(
            "notification_failures",
            "total",
            "Failed delivery requests to the receiver, by reason."
        )
        nonisolated(unsafe) static let latency = MetricDescriptors.make(
            "notification_latency",
            "seconds",
            "Time from a notification being queued to its delivery."
        )
        nonisolated(unsafe) static let queueLength = MetricDescriptors.make(
            "notification_queue_length",
            "",
            "Notifications waiting for the receiver."
        )
        nonisolated(unsafe) static let dropped = MetricDescriptors.make(
            "notifications_dropped",
            "total",
            "Notifications dropped because the receiver's queue was full."
        )
    }
}
