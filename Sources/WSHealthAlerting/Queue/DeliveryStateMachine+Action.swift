extension DeliveryStateMachine {
    /// What the driver must do after an event: plain data.
    package struct Action: Hashable, Sendable {
        /// Entries the receiver accepted: remove them from the outbox, count them in
        /// `wshealth_notifications_total`, observe their latency since `enqueuedAt`.
        package var delivered: [OutboxEntry]
        /// Entries given up on (an answer that retrying cannot change): remove them from the
        /// outbox and log them.
        package var abandoned: [OutboxEntry]
        /// The request that just ended failed: count one in
        /// `wshealth_notification_failures_total{reason}` and log it.
        package var failure: Failure?
        /// What to do next with the receiver.
        package var next: Next

        /// Nothing to do.
        package static var none: Action { Action() }

        init() {
            self.delivered = []
            self.abandoned = []
            self.failure = nil
            self.next = .none
        }

        /// The sequences to remove from the outbox: delivered and abandoned entries.
        package var entriesToRemove: [UInt64] {
            (self.delivered + self.abandoned).map(\.sequence)
        }
    }

    /// The next step with the receiver.
    package enum Next: Hashable, Sendable {
        /// Nothing: wait for the next event.
        case none
        /// Post this batch (one request), then report with ``DeliveryStateMachine/sendFinished(_:)``.
        case send(Batch)
        /// Arm the retry timer for this delay, then report with ``DeliveryStateMachine/retryTimerFired()``.
        case scheduleRetry(after: Duration)
        /// Cancel the retry timer (shutdown).
        case cancelRetry
    }

    /// The notifications of one request, in sequence order, at most one per alert.
    package struct Batch: Hashable, Sendable {
        /// The entries to post, as one array.
        package var entries: [OutboxEntry]
        /// 1 for a request after a success, n + 1 after n failed requests in a row (for logs).
        package var attempt: Int

        /// Creates a batch.
        package init(entries: [OutboxEntry], attempt: Int) {
            self.entries = entries
            self.attempt = attempt
        }

        /// The alerts to put in the payload.
        package var alerts: [Alert] { self.entries.map(\.alert) }
    }
}
