import Foundation
import Testing
import WSHealthAlerting

@Suite struct OutboxDeliveryTests {
    /// The receiver is down, an alert fires, the agent dies; the next agent, on the same
    /// storage, delivers it exactly once and the outbox ends empty.
    @Test func notificationAcceptedBeforeAKillIsDeliveredOnceAfterRestart() throws {
        try withOutboxTemporaryDirectory { root in
            let alert = outboxTestAlert("WebSocketAuthFailed")
            do {
                let outbox = try Outbox(storagePath: root, receiver: "hook")
                var machine = DeliveryStateMachine()
                let accepted = outbox.enqueue(alert)
                let action = machine.notificationsAvailable([try #require(accepted.entry)], dropped: accepted.dropped)
                #expect(sent(action) != nil)
                _ = machine.sendFinished(.transportFailure("Connection refused"))
                // Killed here: no removal happened.
            }
            let outbox = try Outbox(storagePath: root, receiver: "hook")
            var machine = DeliveryStateMachine()
            // Re-deriving the same firing alert at start does not queue it twice.
            #expect(outbox.enqueue(alert).entry == nil)
            var received: [Alert] = []
            var action = machine.notificationsAvailable(outbox.pending)
            while let batch = sent(action) {
                received += batch.alerts
                action = machine.sendFinished(.httpStatus(200, retryAfter: nil))
                try outbox.remove(action.entriesToRemove)
            }
            #expect(received == [alert])
            #expect(outbox.count == 0)
            #expect(try Outbox(storagePath: root, receiver: "hook").pending.isEmpty)
        }
    }
}

private func sent(_ action: DeliveryStateMachine.Action) -> DeliveryStateMachine.Batch? {
    if case .send(let batch) = action.next { return batch }
    return nil
}
