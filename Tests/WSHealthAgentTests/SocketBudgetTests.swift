import Synchronization
import Testing

@testable import WSHealthAgent

/// The sessions' share of the descriptor limit, under a limit the test sets.
struct SocketBudgetTests {
    @Test func sessionsGetWhatTheReserveAndBaselineLeave() {
        let budget = SocketBudget(reserve: 10, baseline: 5, limit: { 20 })
        for _ in 0..<5 { #expect(budget.acquire()) }
        #expect(!budget.acquire(), "20 - 5 open - 10 reserved leaves 5")
        #expect(budget.held == 5)
        budget.release()
        #expect(budget.acquire(), "a closed socket gives its descriptor back")
        #expect(!budget.acquire())
    }

    @Test func aRaisedLimitIsSeenWhenTheBudgetRunsOut() {
        let limit = Atomic(20)
        let budget = SocketBudget(reserve: 10, baseline: 5, limit: { limit.load(ordering: .relaxed) })
        for _ in 0..<5 { #expect(budget.acquire()) }
        #expect(!budget.acquire())
        limit.store(22, ordering: .relaxed)
        #expect(budget.acquire())
        #expect(budget.acquire())
        #expect(!budget.acquire())
        #expect(budget.held == 7)
    }

    @Test func aLimitBelowTheReserveLeavesSessionsNothing() {
        let budget = SocketBudget(reserve: 128, baseline: 30, limit: { 100 })
        #expect(!budget.acquire())
        #expect(budget.held == 0)
    }
}
