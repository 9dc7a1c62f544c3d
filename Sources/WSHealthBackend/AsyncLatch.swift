import NIOConcurrencyHelpers

/// A value that is set once and awaited by any number of tasks; waiting honours cancellation.
final class AsyncLatch<Value: Sendable>: Sendable {
    private enum State {
        case pending(waiters: [Int: CheckedContinuation<Value, any Error>], nextID: Int)
        case resolved(Result<Value, any Error>)
    }

    private let state = NIOLockedValueBox(State.pending(waiters: [:], nextID: 0))

    /// Sets the outcome and wakes every waiter; later calls are ignored.
    func resolve(_ result: Result<Value, any Error>) {
        let waiters = self.state.withLockedValue { state -> [CheckedContinuation<Value, any Error>] in
            guard case .pending(let waiters, _) = state else {
                return []
            }
            state = .resolved(result)
            return Array(waiters.values)
        }
        for waiter in waiters {
            waiter.resume(with: result)
        }
    }

    /// The value once it is set; throws its error, or `CancellationError` if the task is cancelled first.
    func value() async throws -> Value {
        let id = self.state.withLockedValue { state -> Int in
            guard case .pending(let waiters, let nextID) = state else {
                return -1
            }
            state = .pending(waiters: waiters, nextID: nextID + 1)
            return nextID
        }
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { continuation in
                let outcome = self.state.withLockedValue { state -> Result<Value, any Error>? in
                    switch state {
                    case .resolved(let result):
                        return result
                    case .pending(var waiters, let nextID):
                        // Checked under the lock, so a cancellation can never slip between check and insert.
                        if Task.isCancelled {
                            return .failure(CancellationError())
                        }
                        waiters[id] = continuation
                        state = .pending(waiters: waiters, nextID: nextID)
                        return nil
                    }
                }
                if let outcome {
                    continuation.resume(with: outcome)
                }
            }
        } onCancel: {
            let waiter = self.state.withLockedValue { state -> CheckedContinuation<Value, any Error>? in
                guard case .pending(var waiters, let nextID) = state, let waiter = waiters.removeValue(forKey: id)
                else {
                    return nil
                }
                state = .pending(waiters: waiters, nextID: nextID)
                return waiter
            }
            waiter?.resume(throwing: CancellationError())
        }
    }
}
