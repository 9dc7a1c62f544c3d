import Logging
import NIOConcurrencyHelpers
import Synchronization
import Testing
import WSHealthConfig

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

    /// More sessions than the process's descriptor limit leaves sockets for: one warning, with
    /// the numbers, before any session fails; enough sockets: none.
    @Test(arguments: [(60_000, true), (10, false)])
    func anAgentShortOfSocketsSaysSoAtStart(sessions: Int, warns: Bool) throws {
        let limit = try #require(ProcessMetrics.descriptorLimit())
        try #require(limit < 2 * 60_000, "the test process's own limit is below the sessions")
        let lines = NIOLockedValueBox<[(Logger.Level, String, Logger.Metadata)]>([])
        let logger = Logger(label: "test") { _ in LogRateLimitTests.Capture(lines: lines) }
        let configuration = try AgentConfiguration.parse(
            yaml: """
                targets:
                  - {name: a, url: 'ws://127.0.0.1:1/x', sessions: \(sessions)}
                  - {name: b, url: 'ws://127.0.0.1:1/y', sessions: \(sessions)}
                """
        )
        let agent = Agent(configuration: configuration, logger: logger)
        agent.warnIfShortOfSockets(for: configuration)
        let warnings = lines.withLockedValue { $0 }.filter { $0.0 == .warning }
        #expect(warnings.count == (warns ? 1 : 0))
        if warns {
            #expect(warnings.first?.1.hasPrefix("the open-files limit leaves sockets for fewer sessions") == true)
            #expect(warnings.first?.2["sessions"] == "120000")
            #expect(warnings.first?.2["open_files_limit"] == "\(limit)")
        }
    }
}
