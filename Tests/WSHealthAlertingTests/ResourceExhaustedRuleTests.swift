import Foundation
import Testing
import WSHealthAlerting
import WSHealthConfig

/// `WSHealthResourceExhausted`: the agent's own shortage of descriptors or message buffers is
/// paged as the agent's, and does not make the target look down.
@Suite struct ResourceExhaustedRuleTests {
    private static func alertnames(_ alerts: [Alert]) -> [String] { alerts.compactMap { $0.labels["alertname"] } }

    /// Fires at the first shortage the evaluator sees, names the count and the sessions that
    /// still receive data, and resolves once a window (5 m) has passed without one.
    @Test func firesWithinItsWindow() {
        var evaluator = RuleFixture.evaluator()
        var starved = RuleFixture.healthy()
        starved.receivingDataSessions = 1
        #expect(evaluator.evaluate([starved], now: RuleFixture.at(0)).changes.isEmpty, "the first sample: a baseline")
        starved.counters.resourceExhaustions = 2
        let fired = evaluator.evaluate([starved], now: RuleFixture.at(10))
        #expect(Self.alertnames(fired.changes) == ["WSHealthResourceExhausted"])
        let alert = fired.changes[0]
        #expect(alert.labels == RuleFixture.labels(.resourceExhausted))
        #expect(alert.labels["severity"] == "critical")
        #expect(
            alert.annotations["description"]
                == "the agent ran out of file descriptors or message buffers 2 times for wss://api.example/ws in "
                + "the last 5m (resource_exhausted): those attempts never reached the target; 1 of 3 sessions "
                + "receive data"
        )
        #expect(evaluator.evaluate([starved], now: RuleFixture.at(309)).changes.isEmpty)
        let resolved = evaluator.evaluate([starved], now: RuleFixture.at(310)).changes
        #expect(resolved.map(\.status) == [.resolved])
    }

    /// While the agent is short of resources for a target, WebSocketTargetDown cannot start for
    /// it; once the shortage is a window old, a target still without data is down (after `for`).
    @Test func targetDownCannotStartMeanwhile() {
        var evaluator = RuleFixture.evaluator()
        var down = RuleFixture.down()
        down.lastFailureReason = "resource_exhausted"
        _ = evaluator.evaluate([down], now: RuleFixture.at(0))
        for second in stride(from: 1.0, through: 200, by: 1) {
            down.counters.resourceExhaustions += 1
            _ = evaluator.evaluate([down], now: RuleFixture.at(second))
        }
        #expect(Self.alertnames(evaluator.firing) == ["WSHealthResourceExhausted"], "not WebSocketTargetDown")
        // No shortage any more, the sessions still without data: the window passes, then `for`.
        _ = evaluator.evaluate([down], now: RuleFixture.at(500))
        #expect(Self.alertnames(evaluator.firing) == [])
        let fired = evaluator.evaluate([down], now: RuleFixture.at(560)).changes
        #expect(Self.alertnames(fired) == ["WebSocketTargetDown"])
    }

    /// A target already down when the agent runs short stays down: resolving it would claim the
    /// target is back.
    @Test func aFiringTargetDownIsLeftToItsCondition() {
        var evaluator = RuleFixture.evaluator(RuleFixture.immediate)
        var down = RuleFixture.down()
        _ = evaluator.evaluate([down], now: RuleFixture.at(0))
        #expect(Self.alertnames(evaluator.firing) == ["WebSocketTargetDown"])
        down.counters.resourceExhaustions = 5
        let changes = evaluator.evaluate([down], now: RuleFixture.at(1)).changes
        #expect(Self.alertnames(changes) == ["WSHealthResourceExhausted"])
        #expect(Self.alertnames(evaluator.firing) == ["WebSocketTargetDown", "WSHealthResourceExhausted"])
    }

    /// The window is configurable; disabled, the rule neither fires nor holds TargetDown back.
    @Test func windowAndDisabling() {
        var settings = RuleFixture.immediate
        settings.resourceExhaustedWindow = .seconds(30)
        var evaluator = RuleFixture.evaluator(settings)
        var starved = RuleFixture.healthy()
        _ = evaluator.evaluate([starved], now: RuleFixture.at(0))
        starved.counters.resourceExhaustions = 1
        #expect(Self.alertnames(evaluator.evaluate([starved], now: RuleFixture.at(1)).changes).count == 1)
        #expect(evaluator.evaluate([starved], now: RuleFixture.at(31)).changes.map(\.status) == [.resolved])

        settings.resourceExhausted.enabled = false
        var disabled = RuleFixture.evaluator(settings)
        var down = RuleFixture.down()
        _ = disabled.evaluate([down], now: RuleFixture.at(0))
        down.counters.resourceExhaustions = 1
        let changes = disabled.evaluate([down], now: RuleFixture.at(1)).changes
        #expect(Self.alertnames(changes) == [], "TargetDown was already firing from the first evaluation")
        #expect(Self.alertnames(disabled.firing) == ["WebSocketTargetDown"])
    }
}
