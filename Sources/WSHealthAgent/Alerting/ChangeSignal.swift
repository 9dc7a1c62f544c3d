import NIOConcurrencyHelpers

/// Tells the alert rules that some session changed state, so that they evaluate now rather
/// than at their next tick: an alert whose `for` is 0s reaches its receivers within
/// milliseconds of the change, while a steady agent evaluates only once per interval.
///
/// Signals coalesce: any number of them before the next ``wait(atMost:)`` wakes it once.
final class ChangeSignal: Sendable {
    private struct State {
        var pending = false
        var waiter: CheckedContinuation<Void, Never>?
    }

    // NIO's lock (pthread) rather than `Mutex`: event loops signal concurrently, and a
    // contended `Mutex` locks in uninstrumented code, which ThreadSanitizer reports as races.
    private let state = NIOLockedValueBox(State())

    /// Something changed. Cheap, and callable from any thread (an event loop included).
    func signal() {
        let waiter: CheckedContinuation<Void, Never>? = self.state.withLockedValue { state in
            guard let waiter = state.waiter else {
                state.pending = true
                return nil
            }
            state.waiter = nil
            return waiter
        }
        waiter?.resume()
    }

    /// Returns at the next signal (at once if one came since the last wait), after `timeout`,
    /// or when the task is cancelled, whichever comes first. One waiter at a time.
    func wait(atMost timeout: Duration) async {
        await withTaskGroup(of: Void.self) { group in
            group.addTask { await self.next() }
            group.addTask { try? await Task.sleep(for: timeout) }
            await group.next()
            group.cancelAll()
        }
    }

    private func next() async {
        await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                let resumeNow: Bool = self.state.withLockedValue { state in
                    if state.pending || Task.isCancelled {
                        state.pending = false
                        return true
                    }
                    state.waiter = continuation
                    return false
                }
                if resumeNow { continuation.resume() }
            }
        } onCancel: {
            let waiter = self.state.withLockedValue { state in
                defer { state.waiter = nil }
                return state.waiter
            }
            waiter?.resume()
        }
    }
}
