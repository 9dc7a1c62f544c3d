import Foundation
import Testing
import WSHealthAlerting

/// An entry numbered `sequence` for `alert`.
private func entry(_ sequence: UInt64, _ alert: Alert) -> OutboxEntry {
    OutboxEntry(sequence: sequence, enqueuedAt: Date(timeIntervalSince1970: 10_000 + Double(sequence)), alert: alert)
}

/// The batch an action sends, or nil.
private func sent(_ action: DeliveryStateMachine.Action) -> DeliveryStateMachine.Batch? {
    if case .send(let batch) = action.next { return batch }
    return nil
}

/// The retry delay an action schedules, or nil.
private func retryDelay(_ action: DeliveryStateMachine.Action) -> Duration? {
    if case .scheduleRetry(let delay) = action.next { return delay }
    return nil
}

@Suite struct DeliveryStateMachineTests {
    /// The first N requests answered 500 are retried with growing, jittered, bounded delays;
    /// then the notification is delivered once, removed, and the backoff starts over.
    @Test(arguments: [UInt64(0), 7, 0xDEAD_BEEF])
    func serverErrorsAreRetriedThenDeliveredOnce(seed: UInt64) throws {
        var machine = DeliveryStateMachine(seed: seed)
        let a = entry(1, outboxTestAlert("A"))
        var posts: [DeliveryStateMachine.Batch] = []
        posts.append(try #require(sent(machine.notificationsAvailable([a]))))
        var delays: [Duration] = []
        for failure in 1...10 {
            let action = machine.sendFinished(.httpStatus(500, retryAfter: nil))
            #expect(action.failure == .init(reason: .http5xx, detail: "HTTP 500", willRetry: true))
            #expect(action.entriesToRemove.isEmpty)
            let delay = try #require(retryDelay(action))
            // Equal jitter: within [backoff / 2, backoff), backoff 1 s doubling to 300 s.
            let backoff = min(Duration.seconds(1 << (failure - 1)), .seconds(300))
            #expect(delay >= backoff / 2 && delay < backoff, "failure \(failure): \(delay)")
            delays.append(delay)
            #expect(machine.queueLength == 1)
            posts.append(try #require(sent(machine.retryTimerFired())))
        }
        #expect(delays[5] > delays[0])
        #expect(posts.map(\.entries) == Array(repeating: [a], count: 11))
        #expect(posts.map(\.attempt) == Array(1...11))
        let delivered = machine.sendFinished(.httpStatus(202, retryAfter: nil))
        #expect(delivered.delivered == [a])
        #expect(delivered.entriesToRemove == [1])
        #expect(delivered.failure == nil)
        #expect(delivered.next == .none)
        #expect(machine.queueLength == 0)
        #expect(machine.consecutiveFailures == 0)
        // Delivered once: nothing left to send, and a known entry handed again is ignored.
        #expect(machine.notificationsAvailable([a]).next == .none)
        // The attempt counter reset: the next failure waits the first backoff again.
        let b = entry(2, outboxTestAlert("B"))
        #expect(sent(machine.notificationsAvailable([b]))?.attempt == 1)
        let delay = try #require(retryDelay(machine.sendFinished(.transportFailure("Connection refused"))))
        #expect(delay >= .milliseconds(500) && delay < .seconds(1))
    }

    /// A 400 gives the batch up at once: abandoned, counted as http_4xx, not retried; the
    /// next batch goes out immediately.
    @Test func clientErrorIsAbandonedNotRetried() throws {
        var machine = DeliveryStateMachine()
        let a = entry(1, outboxTestAlert("A"))
        let b = entry(2, outboxTestAlert("A").resolvedForOutboxTest())
        #expect(sent(machine.notificationsAvailable([a, b]))?.entries == [a])
        let action = machine.sendFinished(.httpStatus(400, retryAfter: .seconds(30)))
        #expect(action.abandoned == [a])
        #expect(action.delivered.isEmpty)
        #expect(action.entriesToRemove == [1])
        #expect(action.failure == .init(reason: .http4xx, detail: "HTTP 400", willRetry: false))
        #expect(sent(action) == DeliveryStateMachine.Batch(entries: [b], attempt: 1))
        #expect(machine.sendFinished(.delivered).delivered == [b])
        #expect(machine.retryTimerFired() == .none)
    }

    /// 429 with `Retry-After: 7` waits at least 7 s; a huge Retry-After is capped.
    @Test func tooManyRequestsHonoursRetryAfter() throws {
        var machine = DeliveryStateMachine()
        _ = machine.notificationsAvailable([entry(1, outboxTestAlert("A"))])
        let action = machine.sendFinished(.httpStatus(429, retryAfter: .seconds(7)))
        #expect(action.failure?.reason == .http429)
        let delay = try #require(retryDelay(action))
        #expect(delay >= .seconds(7))
        #expect(delay < .seconds(8))
        _ = machine.retryTimerFired()
        let capped = try #require(retryDelay(machine.sendFinished(.httpStatus(503, retryAfter: .seconds(86_400)))))
        #expect(capped == .seconds(600))
    }

    /// Network errors and 5xx are retried; other statuses are not.
    @Test(arguments: [
        (DeliveryStateMachine.Outcome.transportFailure("timeout"), DeliveryStateMachine.FailureReason.network, true),
        (.httpStatus(502, retryAfter: nil), .http5xx, true),
        (.httpStatus(429, retryAfter: nil), .http429, true),
        (.httpStatus(404, retryAfter: nil), .http4xx, false),
        (.httpStatus(302, retryAfter: nil), .httpOther, false),
    ])
    func failureClassification(
        outcome: DeliveryStateMachine.Outcome,
        reason: DeliveryStateMachine.FailureReason,
        retried: Bool
    ) {
        var machine = DeliveryStateMachine()
        _ = machine.notificationsAvailable([entry(1, outboxTestAlert("A"))])
        let action = machine.sendFinished(outcome)
        #expect(action.failure?.reason == reason)
        #expect(action.failure?.willRetry == retried)
        #expect((retryDelay(action) != nil) == retried)
        #expect(action.abandoned.isEmpty == retried)
    }

    /// Order is kept across retries: the failed batch goes again first, and an alert's
    /// firing and resolved notifications never share a batch.
    @Test func orderIsKeptAcrossRetries() throws {
        var machine = DeliveryStateMachine(configuration: .init(maxBatchSize: 3))
        let a1 = entry(1, outboxTestAlert("A"))
        let b = entry(2, outboxTestAlert("B"))
        let a2 = entry(3, outboxTestAlert("A").resolvedForOutboxTest())
        let c = entry(4, outboxTestAlert("C"))
        let d = entry(5, outboxTestAlert("D"))
        let e = entry(6, outboxTestAlert("E"))
        #expect(sent(machine.notificationsAvailable([a1, b, a2, c, d, e]))?.entries == [a1, b])
        _ = machine.sendFinished(.transportFailure("Connection refused"))
        #expect(sent(machine.retryTimerFired())?.entries == [a1, b])
        _ = machine.sendFinished(.httpStatus(503, retryAfter: nil))
        #expect(sent(machine.retryTimerFired())?.entries == [a1, b])
        let first = machine.sendFinished(.delivered)
        #expect(first.delivered == [a1, b])
        #expect(sent(first)?.entries == [a2, c, d])
        #expect(sent(machine.sendFinished(.delivered))?.entries == [e])
    }

    /// Entries enqueued while a request is in flight, or while waiting to retry, are sent
    /// after the ones before them.
    @Test func entriesEnqueuedWhileInFlightAreSentAfter() throws {
        var machine = DeliveryStateMachine()
        let a = entry(1, outboxTestAlert("A"))
        let b = entry(2, outboxTestAlert("B"))
        let c = entry(3, outboxTestAlert("C"))
        #expect(sent(machine.notificationsAvailable([a]))?.entries == [a])
        #expect(machine.notificationsAvailable([b]) == .none)
        #expect(machine.queueLength == 2)
        let first = machine.sendFinished(.delivered)
        #expect(first.delivered == [a])
        #expect(sent(first)?.entries == [b])
        #expect(retryDelay(machine.sendFinished(.httpStatus(500, retryAfter: nil))) != nil)
        #expect(machine.notificationsAvailable([c]) == .none)
        #expect(sent(machine.retryTimerFired())?.entries == [b, c])
    }

    /// Entries the outbox dropped are forgotten, and not retried if they were in flight.
    @Test func droppedEntriesAreNotRetried() throws {
        var machine = DeliveryStateMachine()
        let a = entry(1, outboxTestAlert("A"))
        let b = entry(2, outboxTestAlert("B"))
        let c = entry(3, outboxTestAlert("C"))
        let d = entry(4, outboxTestAlert("D"))
        #expect(sent(machine.notificationsAvailable([a, b]))?.entries == [a, b])
        _ = machine.notificationsAvailable([c], dropped: [a])
        _ = machine.notificationsAvailable([d], dropped: [c])
        #expect(machine.queueLength == 2)
        _ = machine.sendFinished(.httpStatus(500, retryAfter: nil))
        #expect(sent(machine.retryTimerFired())?.entries == [b, d])
    }

    /// Shutdown cancels a pending retry, and lets a request in flight finish without starting
    /// another.
    @Test func shutdownLetsTheRequestInFlightFinish() throws {
        var waiting = DeliveryStateMachine()
        _ = waiting.notificationsAvailable([entry(1, outboxTestAlert("A"))])
        _ = waiting.sendFinished(.httpStatus(500, retryAfter: nil))
        #expect(waiting.isWaitingToRetry)
        #expect(waiting.shutdown().next == .cancelRetry)
        #expect(waiting.isStopped)
        #expect(waiting.retryTimerFired() == .none)

        var sending = DeliveryStateMachine()
        let a = entry(1, outboxTestAlert("A"))
        _ = sending.notificationsAvailable([a])
        #expect(sending.shutdown() == .none)
        #expect(!sending.isStopped)
        #expect(sending.notificationsAvailable([entry(2, outboxTestAlert("B"))]) == .none)
        let last = sending.sendFinished(.delivered)
        #expect(last.delivered == [a])
        #expect(last.next == .none)
        #expect(sending.isStopped)
    }

    /// Jitter is deterministic for a seed.
    @Test func jitterIsSeeded() {
        func delays(seed: UInt64) -> [Duration] {
            var machine = DeliveryStateMachine(seed: seed)
            _ = machine.notificationsAvailable([entry(1, outboxTestAlert("A"))])
            return (1...5).compactMap { _ in
                let delay = retryDelay(machine.sendFinished(.transportFailure("refused")))
                _ = machine.retryTimerFired()
                return delay
            }
        }
        #expect(delays(seed: 1) == delays(seed: 1))
        #expect(delays(seed: 1) != delays(seed: 2))
    }
}
