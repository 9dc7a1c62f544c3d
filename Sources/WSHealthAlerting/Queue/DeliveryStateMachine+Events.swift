import WSConnectionStateMachine

extension DeliveryStateMachine {
    /// Notifications became available (the outbox's pending entries at start, then each
    /// entry it accepts), and the outbox dropped `dropped` to keep its capacity. Starts a
    /// request when none is in flight or waiting.
    ///
    /// Entries must come in sequence order: an entry numbered at or below the highest already
    /// handed over is taken for one the machine has (or had) and ignored. Enqueueing and
    /// calling this from the one task or actor that owns the machine gives that order.
    package mutating func notificationsAvailable(_ entries: [OutboxEntry], dropped: [OutboxEntry] = []) -> Action {
        if !dropped.isEmpty {
            let droppedSequences = Set(dropped.map(\.sequence))
            self.pending.removeAll { droppedSequences.contains($0.sequence) }
            if let batch = self.inFlight {
                self.droppedInFlight.formUnion(batch.entries.map(\.sequence).filter { droppedSequences.contains($0) })
            }
        }
        for entry in entries.sorted(by: { $0.sequence < $1.sequence }) {
            guard self.lastKnownSequence.map({ entry.sequence > $0 }) ?? true else { continue }
            self.pending.append(entry)
            self.lastKnownSequence = entry.sequence
        }
        guard case .idle = self.phase, !self.isShuttingDown else { return .none }
        var action = Action()
        action.next = self.startNextRequest()
        return action
    }

    /// The request in flight ended with `outcome`. A 2xx delivers the batch and resets the
    /// backoff; a network error, 5xx or 429 puts the batch back first and schedules a retry;
    /// any other answer abandons the batch. Then the next batch is sent, if any.
    package mutating func sendFinished(_ outcome: Outcome) -> Action {
        guard case .sending(let batch) = self.phase else {
            preconditionFailure("Invalid state: \(self.phase): no request in flight")
        }
        var action = Action()
        var retryDelay: Duration?
        switch Self.verdict(for: outcome) {
        case .delivered:
            self.failures = 0
            action.delivered = batch.entries
        case .abandon(let failure):
            // The receiver answered, so it is up: no backoff for the next batch.
            self.failures = 0
            action.abandoned = batch.entries
            action.failure = failure
        case .retry(let failure, let retryAfter):
            self.failures += 1
            let retried = batch.entries.filter { !self.droppedInFlight.contains($0.sequence) }
            self.pending.insert(contentsOf: retried, at: 0)
            action.failure = failure
            retryDelay = self.configuration.retry.delay(
                afterFailures: self.failures,
                unitRandom: self.random.nextUnit(),
                retryAfter: retryAfter
            )
        }
        self.droppedInFlight.removeAll()

        if self.isShuttingDown {
            self.phase = .stopped
        } else if let retryDelay, !self.pending.isEmpty {
            self.phase = .waitingToRetry
            action.next = .scheduleRetry(after: retryDelay)
        } else {
            self.phase = .idle
            action.next = self.startNextRequest()
        }
        return action
    }

    /// The retry timer fired: the failed batch (and what follows it) is sent again.
    package mutating func retryTimerFired() -> Action {
        guard case .waitingToRetry = self.phase else { return .none }
        self.phase = .idle
        var action = Action()
        action.next = self.startNextRequest()
        return action
    }

    /// The agent shuts down: no new request starts; a request in flight finishes (feed its
    /// ``sendFinished(_:)``), then ``isStopped``. Undelivered entries stay in the outbox.
    package mutating func shutdown() -> Action {
        self.isShuttingDown = true
        switch self.phase {
        case .idle:
            self.phase = .stopped
            return .none
        case .waitingToRetry:
            self.phase = .stopped
            var action = Action()
            action.next = .cancelRetry
            return action
        case .sending, .stopped:
            return .none
        }
    }

    /// From `idle`: takes the next batch off the front of the queue and sends it, or stays idle.
    private mutating func startNextRequest() -> Next {
        guard case .idle = self.phase, !self.pending.isEmpty else { return .none }
        var fingerprints: Set<String> = []
        var count = 0
        for entry in self.pending.prefix(self.configuration.maxBatchSize) {
            guard fingerprints.insert(entry.fingerprint).inserted else { break }
            count += 1
        }
        let batch = Batch(entries: Array(self.pending.prefix(count)), attempt: self.failures + 1)
        self.pending.removeFirst(count)
        self.phase = .sending(batch)
        return .send(batch)
    }
}
