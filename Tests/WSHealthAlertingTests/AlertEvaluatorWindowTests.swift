import Foundation
import Testing
import WSHealthAlerting
import WSHealthConfig

/// The windowed rules count increases of cumulative counters between evaluations, inside
/// their window only.
@Suite struct AlertEvaluatorWindowTests {
    private func observe(_ counters: TargetCounters) -> TargetObservation { RuleFixture.healthy(counters: counters) }

    private func changes(
        _ evaluator: inout AlertEvaluator,
        _ rule: AlertRule,
        _ counters: TargetCounters,
        at second: Double
    ) -> [AlertStatus] {
        evaluator.evaluate([self.observe(counters)], now: RuleFixture.at(second)).changes
            .filter { $0.labels["alertname"] == rule.alertname }.map(\.status)
    }

    /// One disconnect a minute: the fifth fires; each leaves the window ten minutes after it was
    /// seen, and with four left the alert resolves.
    @Test func flappingCountsOnlyTheWindow() {
        var evaluator = RuleFixture.evaluator()
        #expect(changes(&evaluator, .flapping, TargetCounters(), at: 0).isEmpty)
        for minute in 1...4 {
            #expect(
                changes(&evaluator, .flapping, TargetCounters(disconnects: minute), at: Double(minute) * 60).isEmpty
            )
        }
        #expect(changes(&evaluator, .flapping, TargetCounters(disconnects: 5), at: 300) == [.firing])
        #expect(changes(&evaluator, .flapping, TargetCounters(disconnects: 5), at: 659).isEmpty)
        #expect(changes(&evaluator, .flapping, TargetCounters(disconnects: 5), at: 660) == [.resolved])
    }

    /// Many disconnects in all, but never five within ten minutes: no alert.
    @Test func slowDisconnectsDoNotFlap() {
        var evaluator = RuleFixture.evaluator()
        for step in 0...40 {
            // One disconnect every 2.5 minutes: four per ten minutes at most.
            let statuses = changes(&evaluator, .flapping, TargetCounters(disconnects: step), at: Double(step) * 150)
            #expect(statuses.isEmpty)
        }
        #expect(evaluator.firing.isEmpty)
    }

    /// A shorter history than the window counts what there is; the threshold is configurable.
    @Test func flappingThresholdAndShortHistory() {
        var settings = AlertRuleSettings()
        settings.flappingDisconnects = 2
        settings.flappingWindow = .seconds(60)
        var evaluator = RuleFixture.evaluator(settings)
        #expect(changes(&evaluator, .flapping, TargetCounters(disconnects: 7), at: 0).isEmpty)
        #expect(changes(&evaluator, .flapping, TargetCounters(disconnects: 8), at: 10).isEmpty)
        let statuses = changes(&evaluator, .flapping, TargetCounters(disconnects: 9), at: 20)
        #expect(statuses == [.firing])
        #expect(evaluator.firing.first?.annotations["description"]?.contains("2 disconnects") == true)
    }

    /// Below five ended attempts in the window the ratio says nothing, even at 0 %; the fifth
    /// fires, and its description's numbers add up.
    @Test func successRatioNeedsMinimumAttempts() {
        var evaluator = RuleFixture.evaluator()
        #expect(changes(&evaluator, .lowSuccessRatio, TargetCounters(), at: 0).isEmpty)
        // Started attempts without an outcome do not count.
        let four = TargetCounters(attempts: 6, failedAttempts: 4)
        #expect(changes(&evaluator, .lowSuccessRatio, four, at: 60).isEmpty)
        let five = TargetCounters(attempts: 6, failedAttempts: 5)
        #expect(changes(&evaluator, .lowSuccessRatio, five, at: 120) == [.firing])
        #expect(
            evaluator.firing.first?.annotations["description"]
                == "0 of 5 connection attempts to wss://api.example/ws in the last 15m succeeded (0%), 5 failed; "
                + "threshold 90%"
        )
    }

    /// Refused attempts count: a target that refuses every other handshake fires, though no
    /// session ever reached `error`.
    @Test func refusedAttemptsCount() {
        var evaluator = RuleFixture.evaluator()
        _ = changes(&evaluator, .lowSuccessRatio, TargetCounters(), at: 0)
        let refused = TargetCounters(enteredConnected: 3, attempts: 6, failedAttempts: 3)
        #expect(changes(&evaluator, .lowSuccessRatio, refused, at: 60) == [.firing])
        #expect(
            evaluator.firing.first?.annotations["description"]?.hasPrefix(
                "3 of 6 connection attempts to wss://api.example/ws in the last 15m succeeded (50%), 3 failed"
            ) == true
        )
    }

    /// A close 1008 after a successful handshake sends the session to `error`, but the attempt
    /// succeeded: the handshake ratio is not lowered by it.
    @Test func closeAfterUpgradeIsNoFailedAttempt() {
        var evaluator = RuleFixture.evaluator()
        _ = changes(&evaluator, .lowSuccessRatio, TargetCounters(), at: 0)
        let closed = TargetCounters(disconnects: 5, enteredConnected: 5, enteredError: 5, attempts: 5)
        #expect(changes(&evaluator, .lowSuccessRatio, closed, at: 60).isEmpty)
    }

    /// Attempts older than the window no longer count: fifteen minutes after the bad ones were
    /// seen, the window holds no attempt and the alert resolves.
    @Test func successRatioWindowSlides() {
        var evaluator = RuleFixture.evaluator()
        let bad = TargetCounters(enteredConnected: 1, attempts: 6, failedAttempts: 5)
        #expect(changes(&evaluator, .lowSuccessRatio, TargetCounters(), at: 0).isEmpty)
        #expect(changes(&evaluator, .lowSuccessRatio, bad, at: 60) == [.firing])
        #expect(changes(&evaluator, .lowSuccessRatio, bad, at: 959).isEmpty)
        #expect(changes(&evaluator, .lowSuccessRatio, bad, at: 960) == [.resolved])
    }

    /// Successes after the failures lift the ratio over the threshold: the alert resolves.
    @Test func successRatioRecovers() {
        var evaluator = RuleFixture.evaluator()
        let bad = TargetCounters(enteredConnected: 1, attempts: 2, failedAttempts: 1)
        #expect(changes(&evaluator, .lowSuccessRatio, TargetCounters(), at: 0).isEmpty)
        let worse = TargetCounters(enteredConnected: 1, attempts: 6, failedAttempts: 5)
        _ = changes(&evaluator, .lowSuccessRatio, bad, at: 30)
        #expect(changes(&evaluator, .lowSuccessRatio, worse, at: 60) == [.firing])
        // Fresh successes after the bad ones: 1 + 59 succeeded of 65 ended = 92.3 %.
        let recovered = TargetCounters(enteredConnected: 60, attempts: 65, failedAttempts: 5)
        #expect(changes(&evaluator, .lowSuccessRatio, recovered, at: 120) == [.resolved])
    }

    /// At the threshold exactly, no alert: the ratio must be below it. 9 of 10 is 90 %.
    @Test func successRatioAtThreshold() {
        var evaluator = RuleFixture.evaluator()
        _ = changes(&evaluator, .lowSuccessRatio, TargetCounters(), at: 0)
        let atThreshold = TargetCounters(enteredConnected: 9, attempts: 10, failedAttempts: 1)
        #expect(changes(&evaluator, .lowSuccessRatio, atThreshold, at: 60).isEmpty)
    }

    /// Counters that go back (the target was re-created) start the history again instead of
    /// giving negative increases.
    @Test func counterResetStartsAgain() {
        var settings = AlertRuleSettings()
        settings.flappingDisconnects = 3
        var evaluator = RuleFixture.evaluator(settings)
        _ = changes(&evaluator, .flapping, TargetCounters(disconnects: 100), at: 0)
        #expect(changes(&evaluator, .flapping, TargetCounters(disconnects: 0), at: 10).isEmpty)
        #expect(changes(&evaluator, .flapping, TargetCounters(disconnects: 2), at: 20).isEmpty)
        #expect(changes(&evaluator, .flapping, TargetCounters(disconnects: 3), at: 30) == [.firing])
    }

    /// A removed target's history goes with it: re-added, it starts from its new counters.
    @Test func removedTargetForgetsHistory() {
        var evaluator = RuleFixture.evaluator()
        _ = changes(&evaluator, .flapping, TargetCounters(disconnects: 0), at: 0)
        _ = evaluator.evaluate([], now: RuleFixture.at(10))
        #expect(changes(&evaluator, .flapping, TargetCounters(disconnects: 10), at: 20).isEmpty)
        #expect(changes(&evaluator, .flapping, TargetCounters(disconnects: 10), at: 30).isEmpty)
    }
}
