import Testing

@testable import WSHealthBackend

@Suite struct ListenerStateMachineTests {
    private typealias Machine = ListenerStateMachine<String>

    private func listening() -> Machine {
        var machine = Machine()
        #expect(machine.startRequested() == [.bind(generation: 0)])
        #expect(machine.bindSucceeded("L0", generation: 0) == [])
        return machine
    }

    /// Start binds generation 0; a failed first bind fails the start.
    @Test func firstBindFailureFailsStart() {
        var machine = Machine()
        #expect(machine.startRequested() == [.bind(generation: 0)])
        #expect(machine.bindFailed(generation: 0) == nil)
        #expect(machine.stopRequested() == [])
    }

    /// Down closes the listener, drops connections and schedules a reopen; the timer rebinds.
    @Test func downThenReopen() {
        var machine = self.listening()
        #expect(
            machine.downRequested(for: .seconds(2))
                == [.close("L0"), .dropConnections, .scheduleReopen(generation: 1, after: .seconds(2))]
        )
        #expect(machine.isDown)
        #expect(machine.reopenTimerFired(generation: 1) == [.bind(generation: 1)])
        #expect(machine.isDown)
        #expect(machine.bindSucceeded("L1", generation: 1) == [])
        #expect(!machine.isDown)
    }

    /// A second down while down supersedes the first timer, whose firing is then ignored.
    @Test func staleTimerIsIgnored() {
        var machine = self.listening()
        _ = machine.downRequested(for: .seconds(1))
        #expect(
            machine.downRequested(for: .seconds(5)) == [
                .dropConnections, .scheduleReopen(generation: 2, after: .seconds(5)),
            ]
        )
        #expect(machine.reopenTimerFired(generation: 1) == [])
        #expect(machine.reopenTimerFired(generation: 2) == [.bind(generation: 2)])
    }

    /// A bind that lands after a newer down is closed at once.
    @Test func staleBindIsClosed() {
        var machine = self.listening()
        _ = machine.downRequested(for: .zero)
        _ = machine.reopenTimerFired(generation: 1)
        _ = machine.downRequested(for: .seconds(1))
        #expect(machine.bindSucceeded("L1", generation: 1) == [.close("L1")])
        #expect(machine.isDown)
    }

    /// A failed reopen retries after a delay instead of giving up.
    @Test func failedReopenRetries() {
        var machine = self.listening()
        _ = machine.downRequested(for: .zero)
        _ = machine.reopenTimerFired(generation: 1)
        #expect(machine.bindFailed(generation: 1) == [.scheduleReopen(generation: 2, after: Machine.rebindRetryDelay)])
    }

    /// Reset reopens at once and cancels the pending timer; stop cancels it too.
    @Test func resetAndStop() {
        var machine = self.listening()
        _ = machine.downRequested(for: .seconds(60))
        #expect(machine.reopenNowRequested() == [.cancelReopen, .bind(generation: 1)])
        #expect(machine.reopenNowRequested() == [])
        _ = machine.bindSucceeded("L1", generation: 1)
        #expect(machine.stopRequested() == [.close("L1")])
        #expect(machine.downRequested(for: .seconds(1)) == [])

        var down = self.listening()
        _ = down.downRequested(for: .seconds(60))
        #expect(down.stopRequested() == [.cancelReopen])
    }
}
