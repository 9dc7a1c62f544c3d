import Foundation
import Testing
import WSHealthAlerting

/// After a restart the evaluator starts from the alerts that fired before it: no duplicate
/// notification for what still holds, a resolved one for what does not.
@Suite struct AlertEvaluatorRestoreTests {
    private func restored(_ rule: AlertRule, startedAt second: Double, instance: String = "agent-1") -> Alert {
        Alert(
            labels: RuleFixture.labels(rule, instance: instance),
            annotations: ["summary": "from disk", "description": "from disk"],
            startsAt: RuleFixture.at(second)
        )
    }

    /// Still true: it keeps its `startsAt`, sends nothing, and is in the firing list, even for a
    /// rule with a `for` that has not elapsed since the restart.
    @Test func stillTrueKeepsFiringWithoutNotification() {
        let before = restored(.targetDown, startedAt: -600)
        var evaluator = RuleFixture.evaluator(restoring: [before])
        #expect(evaluator.firing == [before])
        let result = evaluator.evaluate([RuleFixture.down()], now: RuleFixture.at(0))
        #expect(result.changes.isEmpty)
        #expect(result.firing.count == 1)
        #expect(result.firing.first?.startsAt == RuleFixture.at(-600))
        #expect(result.firing.first?.fingerprint == before.fingerprint)
        #expect(result.firing.first?.annotations["summary"] == "WebSocket target api: down", "fresh numbers")
        let resolved = evaluator.evaluate([RuleFixture.healthy()], now: RuleFixture.at(30)).changes
        #expect(resolved.map(\.startsAt) == [RuleFixture.at(-600)])
        #expect(resolved.map(\.endsAt) == [RuleFixture.at(30)])
    }

    /// No longer true: it resolves at the first evaluation, ended then, as it was.
    @Test func noLongerTrueResolvesAtFirstEvaluation() {
        let before = restored(.authFailed, startedAt: -60)
        var evaluator = RuleFixture.evaluator(restoring: [before])
        let result = evaluator.evaluate([RuleFixture.healthy()], now: RuleFixture.at(0))
        var expected = before
        expected.endsAt = RuleFixture.at(0)
        #expect(result.changes == [expected])
        #expect(result.firing.isEmpty)
    }

    /// A restored alert of a target that no longer exists resolves at the first evaluation.
    @Test func restoredAlertOfRemovedTargetResolves() {
        var evaluator = RuleFixture.evaluator(restoring: [restored(.dataStale, startedAt: -5)])
        let result = evaluator.evaluate([RuleFixture.healthy("other")], now: RuleFixture.at(0))
        #expect(result.changes.map(\.status) == [.resolved])
        #expect(result.changes.map(\.labels) == [RuleFixture.labels(.dataStale)])
    }

    /// Alerts the rules would not make (another instance name, an unknown rule) resolve at the
    /// first evaluation; an alert under the new instance fires as new.
    @Test func foreignAlertsResolve() {
        let oldInstance = restored(.targetDown, startedAt: -300, instance: "old-name")
        let unknown = Alert(
            labels: ["alertname": "WebSocketRetired", "target": "api", "severity": "warning", "instance": "agent-1"],
            annotations: [:],
            startsAt: RuleFixture.at(-300)
        )
        var evaluator = RuleFixture.evaluator(RuleFixture.immediate, restoring: [oldInstance, unknown, unknown])
        let result = evaluator.evaluate([RuleFixture.down()], now: RuleFixture.at(0))
        #expect(result.changes.map(\.labels) == [oldInstance.labels, unknown.labels, RuleFixture.labels(.targetDown)])
        #expect(result.changes.map(\.status) == [.resolved, .resolved, .firing])
        #expect(result.firing.map(\.labels) == [RuleFixture.labels(.targetDown)])
        #expect(evaluator.evaluate([RuleFixture.down()], now: RuleFixture.at(1)).changes.isEmpty)
    }

    /// Resolved alerts among those restored are history, not state: ignored.
    @Test func resolvedAlertsAreNotRestored() {
        var done = restored(.dataStale, startedAt: -100)
        done.endsAt = RuleFixture.at(-50)
        var evaluator = RuleFixture.evaluator(restoring: [done])
        #expect(evaluator.firing.isEmpty)
        #expect(evaluator.evaluate([RuleFixture.healthy()], now: RuleFixture.at(0)).changes.isEmpty)
    }
}
