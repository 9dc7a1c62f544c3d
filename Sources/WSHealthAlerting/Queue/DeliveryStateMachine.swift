import WSConnectionStateMachine

/// The delivery of one receiver's notifications, as a pure value: every input is a
/// `mutating func` named after the event, and returns an ``Action`` for the owner (the
/// driver) to carry out. The machine does no I/O, reads no clock and draws its jitter from a
/// seeded generator, so a test feeds events and checks actions without sockets or sleeps.
///
/// One request is in flight at a time, which keeps the order of each alert's notifications:
/// a batch of up to ``Configuration/maxBatchSize`` consecutive entries, cut before a second
/// notification of an alert already in it, so that a firing and its resolved never share a
/// request. A request that fails with a network error, a 5xx or a 429 is retried, whole and
/// first, after a capped exponential backoff with jitter (``RetryPolicy``) that honours
/// `Retry-After`; entries that arrived meanwhile wait behind it. Any other answer that is not
/// 2xx abandons the batch: it would fail the same way again.
///
/// The driver's loop:
/// - at start, ``notificationsAvailable(_:dropped:)`` with the outbox's pending entries; after
///   each ``Outbox/enqueue(_:at:)``, with its entry and its dropped entries;
/// - on ``Next/send(_:)``, post the batch, then ``sendFinished(_:)`` with the outcome;
/// - remove ``Action/entriesToRemove`` from the outbox, count ``Action/delivered``,
///   ``Action/abandoned`` and ``Action/failure``;
/// - on ``Next/scheduleRetry(after:)``, sleep that long, then ``retryTimerFired()``; on
///   ``Next/cancelRetry``, cancel the sleep;
/// - at shutdown, ``shutdown()``, and wait for ``isStopped`` (the request in flight finishes).
package struct DeliveryStateMachine: Sendable {
    /// How the machine batches and retries.
    package let configuration: Configuration

    var phase: Phase
    /// Entries waiting (not in flight), in sequence order.
    var pending: [OutboxEntry]
    /// The highest sequence handed to the machine, so a re-sent entry is not queued twice.
    var lastKnownSequence: UInt64?
    /// Failed requests since the last one the receiver answered.
    var failures: Int
    /// Entries of the batch in flight that the outbox dropped meanwhile: not retried.
    var droppedInFlight: Set<UInt64>
    /// Whether ``shutdown()`` was called.
    var isShuttingDown: Bool
    var random: SplitMix64

    /// Creates an idle machine; `seed` drives the retry jitter.
    package init(configuration: Configuration = Configuration(), seed: UInt64 = 0) {
        self.configuration = configuration
        self.phase = .idle
        self.pending = []
        self.lastKnownSequence = nil
        self.failures = 0
        self.droppedInFlight = []
        self.isShuttingDown = false
        self.random = SplitMix64(seed: seed)
    }

    /// Notifications not yet delivered, in flight included (`wshealth_notification_queue_length`).
    package var queueLength: Int {
        self.pending.count + (self.inFlight?.entries.count(where: { !self.droppedInFlight.contains($0.sequence) }) ?? 0)
    }

    /// The batch of the request in flight, if any.
    package var inFlight: Batch? {
        if case .sending(let batch) = self.phase { return batch }
        return nil
    }

    /// Whether the machine waits for its retry timer.
    package var isWaitingToRetry: Bool {
        if case .waitingToRetry = self.phase { return true }
        return false
    }

    /// Requests failed in a row since the receiver last answered (reset by a 2xx, or by an
    /// answer that abandons a batch).
    package var consecutiveFailures: Int { self.failures }

    /// Whether ``shutdown()`` was called and no request is in flight any more: the driver can
    /// return. Undelivered entries stay in the outbox for the next start.
    package var isStopped: Bool {
        if case .stopped = self.phase { return true }
        return false
    }
}

extension DeliveryStateMachine {
    /// How a machine batches and retries.
    package struct Configuration: Hashable, Sendable {
        /// The most notifications in one request (Alertmanager and webhooks take arrays).
        package var maxBatchSize: Int
        /// The delays between failed requests.
        package var retry: RetryPolicy

        /// Creates a configuration; `maxBatchSize` is at least 1.
        package init(maxBatchSize: Int = 64, retry: RetryPolicy = RetryPolicy()) {
            self.maxBatchSize = max(1, maxBatchSize)
            self.retry = retry
        }
    }

    /// Where the machine is.
    enum Phase: Hashable, Sendable {
        /// No request in flight, no timer armed: waiting for notifications.
        case idle
        /// One request in flight, carrying this batch.
        case sending(Batch)
        /// The last request failed and the retry timer is armed.
        case waitingToRetry
        /// Shut down, nothing in flight: every event is ignored.
        case stopped
    }
}
