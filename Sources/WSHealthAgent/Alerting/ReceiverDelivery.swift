import Foundation
import Logging
import WSHealthAlerting

/// Delivers one receiver's notifications (one URL of it): the durable outbox holds them, the
/// pure ``DeliveryStateMachine`` decides what to send and when to retry, and this actor does
/// what it says: one request in flight, retry timers, removal of what was delivered.
///
/// Enqueueing and feeding the machine happen on this actor, so entries reach the machine in
/// sequence order, as it requires. Outbox writes block for an fsync: alerts are rare, so that
/// is a few milliseconds now and then on a cooperative thread, never on an event loop.
actor ReceiverDelivery {
    /// Sends a batch and reports what happened; never throws.
    typealias Send = @Sendable ([Alert]) async -> DeliveryStateMachine.Outcome

    let name: String
    private let outbox: Outbox
    private var machine: DeliveryStateMachine
    private let send: Send
    private let metrics: ReceiverStatistics
    private let storage: AgentStatistics
    private let logger: Logger
    private var inFlight: Task<Void, Never>?
    private var retryTimer: Task<Void, Never>?

    init(
        name: String,
        outbox: Outbox,
        send: @escaping Send,
        metrics: ReceiverStatistics,
        storage: AgentStatistics,
        logger: Logger
    ) {
        self.name = name
        self.outbox = outbox
        self.machine = DeliveryStateMachine(seed: UInt64.random(in: .min ... .max))
        self.send = send
        self.metrics = metrics
        self.storage = storage
        var logger = logger
        logger[metadataKey: "receiver"] = "\(name)"
        self.logger = logger
    }

    /// Hands what survived the last run to the machine.
    func start() {
        let report = self.outbox.loadReport
        for damaged in report.damaged {
            self.logger.warning("damaged notification skipped", metadata: ["file": "\(damaged)"])
        }
        self.storage.recordStorageError(.outboxDamaged, count: report.damaged.count)
        self.metrics.recordDropped(report.dropped.count)
        if report.loaded > 0 {
            self.logger.info("notifications from before the restart", metadata: ["count": "\(report.loaded)"])
        }
        self.apply(self.machine.notificationsAvailable(self.outbox.pending))
    }

    /// Queues `alert` durably and sends it when its turn comes.
    func enqueue(_ alert: Alert) {
        let result = self.outbox.enqueue(alert)
        for error in result.storageErrors {
            // Kept in memory and delivered all the same; written when the disk takes it.
            self.logger.error("cannot store notification, keeping it in memory", metadata: ["error": "\(error)"])
            self.storage.recordStorageError(.outboxWrite)
        }
        self.metrics.recordDropped(result.dropped.count)
        if !result.dropped.isEmpty {
            self.logger.warning("queue full, notifications dropped", metadata: ["dropped": "\(result.dropped.count)"])
        }
        self.apply(self.machine.notificationsAvailable([result.entry].compactMap { $0 }, dropped: result.dropped))
    }

    /// Writes the notifications the disk refused earlier, if it takes them now: they were
    /// kept in memory, and only on disk do they survive a restart.
    func storeUnwritten() {
        let unwritten = self.outbox.unwrittenCount
        guard unwritten > 0, self.outbox.writeUnwritten() == nil else { return }
        self.logger.notice("notifications kept in memory are stored again", metadata: ["count": "\(unwritten)"])
    }

    /// Stops retrying; a request in flight finishes. Whatever is undelivered stays on disk.
    func shutdown() async {
        self.apply(self.machine.shutdown())
        self.retryTimer?.cancel()
        await self.inFlight?.value
    }

    private func finished(_ outcome: DeliveryStateMachine.Outcome) {
        self.inFlight = nil
        self.apply(self.machine.sendFinished(outcome))
    }

    private func retryTimerFired() {
        self.retryTimer = nil
        self.apply(self.machine.retryTimerFired())
    }

    private func apply(_ action: DeliveryStateMachine.Action) {
        let now = Date()
        for entry in action.delivered {
            self.metrics.recordDelivered(latency: .seconds(max(0, now.timeIntervalSince(entry.enqueuedAt))))
        }
        if let failure = action.failure {
            self.metrics.recordFailure(failure.reason)
            self.logger.warning(
                "notification not delivered",
                metadata: [
                    "reason": "\(failure.reason.rawValue)", "detail": "\(failure.detail)",
                    "retry": "\(failure.willRetry)",
                ]
            )
        }
        if !action.abandoned.isEmpty {
            self.metrics.recordDropped(action.abandoned.count)
        }
        if !action.entriesToRemove.isEmpty {
            do {
                try self.outbox.remove(action.entriesToRemove)
            } catch {
                // Left on disk, they would be sent again after a restart: at least once, not lost.
                self.logger.error("cannot remove delivered notifications", metadata: ["error": "\(error)"])
            }
        }
        switch action.next {
        case .none:
            break
        case .send(let batch):
            let send = self.send
            let alerts = batch.alerts
            self.inFlight = Task {
                let outcome = await send(alerts)
                self.finished(outcome)
            }
        case .scheduleRetry(let delay):
            self.retryTimer?.cancel()
            self.retryTimer = Task {
                do {
                    try await Task.sleep(for: delay)
                } catch {
                    return
                }
                self.retryTimerFired()
            }
        case .cancelRetry:
            self.retryTimer?.cancel()
            self.retryTimer = nil
        }
        self.metrics.setQueueLength(self.machine.queueLength)
    }
}
