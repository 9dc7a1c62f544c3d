extension DeliveryStateMachine {
    /// What the driver must do after an event: plain data.
    public struct Action: Hashable, Sendable {
        /// Entries the receiver accepted: remove them from the outbox, count them in
        /// `wshealth_notifications_total`, observe their latency since `enqueuedAt`.
        public var delivered: [OutboxEntry]
        /// Entries given up on (an answer that retrying cannot change): remove them from the
        /// outbox and log them.
        public var abandoned: [OutboxEntry]
        /// The request that just ended failed: count one in
        /// `wshealth_notification_failures_total{reason}` and log it.
        public var failure: Failure?
        /// What to do next with the receiver.
        public var next: Next

        /// Nothing to do.
        public static var none: Action { Action() }

        init() {
            self.delivered = []
            self.abandoned = []
            self.failure = nil
            self.next = .none
        }

        /// The sequences to remove from the outbox: delivered and abandoned entries.
        public var entriesToRemove: [UInt64] {
            (self.delivered + self.abandoned).map(\.sequence)
        }
    }

    /// The next step with the receiver.
    public enum Next: Hashable, Sendable {
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
    public struct Batch: Hashable, Sendable {
        /// The entries to post, as one array.
        public var entries: [OutboxEntry]
        /// 1 for a request after a success, n + 1 after n failed requests in a row (for logs).
        public var attempt: Int

        /// Creates a batch.
        public init(entries: [OutboxEntry], attempt: Int) {
            self.entries = entries
            self.attempt = attempt
        }

        /// The alerts to put in the payload.
        public var alerts: [Alert] { self.entries.map(\.alert) }
    }
}
