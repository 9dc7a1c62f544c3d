import WSHealthAlerting

/// The delivery series of one receiver: what was delivered, how long it took, what failed or
/// was dropped, and what waits. Its deliveries (one per URL) share them.
final class ReceiverStatistics: SeriesGroup {
    let receiver: String
    let slots: MetricSlots
    let lines: SeriesLines

    private enum Layout {
        static let delivered = 0
        static let failures = 1
        static let latency = HistogramSlots(
            MetricBuckets.notificationLatency,
            at: failures + DeliveryStateMachine.FailureReason.allCases.count
        )
        static let queueLength = latency.end
        static let dropped = queueLength + 1
        static let slotCount = dropped + 1

        static func index(of reason: DeliveryStateMachine.FailureReason) -> Int {
            DeliveryStateMachine.FailureReason.allCases.firstIndex(of: reason)!
        }
    }

    /// Every series of `receiver`, at zero.
    init(receiver: String) {
        self.receiver = receiver
        self.slots = MetricSlots(count: Layout.slotCount)
        let families = MetricDescriptors.self
        var lines = SeriesLines.Builder(familyCount: families.receiver.count)
        let label = [("receiver", receiver)]
        lines.add(family: 0, name: families.notifications.name, labels: label, value: .integer(slot: Layout.delivered))
        for (index, reason) in DeliveryStateMachine.FailureReason.allCases.enumerated() {
            lines.add(
                family: 1,
                name: families.notificationFailures.name,
                labels: label + [("reason", reason.rawValue)],
                value: .integer(slot: Layout.failures + index)
            )
        }
        lines.addHistogram(
            family: 2,
            name: families.notificationLatency.name,
            labels: label,
            slots: Layout.latency,
            sum: { .decimalSeconds(slot: $0) }
        )
        lines.add(
            family: 3,
            name: families.notificationQueueLength.name,
            labels: label,
            value: .decimal(slot: Layout.queueLength)
        )
        lines.add(
            family: 4,
            name: families.notificationsDropped.name,
            labels: label,
            value: .integer(slot: Layout.dropped)
        )
        self.lines = SeriesLines(lines)
        self.setQueueLength(0)
    }

    /// A notification reached the receiver, `latency` after it was queued.
    func recordDelivered(latency: Duration) {
        self.slots.update {
            self.slots.add(1, to: Layout.delivered)
            self.slots.observe(latency, in: Layout.latency)
        }
    }

    /// A request failed.
    func recordFailure(_ reason: DeliveryStateMachine.FailureReason) {
        self.slots.add(1, to: Layout.failures + Layout.index(of: reason))
    }

    /// Notifications dropped because the queue was full (or given up on).
    func recordDropped(_ count: Int) {
        if count > 0 { self.slots.add(count, to: Layout.dropped) }
    }

    /// Notifications waiting now.
    func setQueueLength(_ length: Int) {
        self.slots.store(Double(length), in: Layout.queueLength)
    }
}
