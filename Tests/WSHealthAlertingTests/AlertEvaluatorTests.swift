import Foundation
import Testing
import WSHealthAlerting
import WSHealthConfig

/// The evaluator's life cycle: `for`, one notification per fire and resolve, removed targets,
/// disabled rules, settings changes.
@Suite struct AlertEvaluatorTests {
    private func targetDownChanges(
        _ evaluator: inout AlertEvaluator,
        _ observation: TargetObservation,
        at second: Double
    )
        -> [Alert]
    {
        evaluator.evaluate([observation], now: RuleFixture.at(second)).changes.filter {
            $0.labels["alertname"] == "WebSocketTargetDown"
        }
    }

    /// `WebSocketTargetDown` (for 1m) stays pending for 59 s and fires at 60 s, started then.
    @Test func pendingFiresAfterFor() {
        var evaluator = RuleFixture.evaluator()
        for second in [0.0, 1, 30, 59] {
            #expect(targetDownChanges(&evaluator, RuleFixture.down(), at: second).isEmpty)
            #expect(evaluator.firing.isEmpty)
        }
        let fired = targetDownChanges(&evaluator, RuleFixture.down(), at: 60)
        #expect(fired.count == 1)
        #expect(fired.first?.startsAt == RuleFixture.at(60))
        #expect(fired.first?.endsAt == nil)
        #expect(evaluator.firing.map(\.labels) == [RuleFixture.labels(.targetDown)])
    }

    /// One evaluation without the condition resets pending: `for` counts again from there.
    @Test func pendingResetsWhenConditionClears() {
        var evaluator = RuleFixture.evaluator()
        #expect(targetDownChanges(&evaluator, RuleFixture.down(), at: 0).isEmpty)
        #expect(targetDownChanges(&evaluator, RuleFixture.down(), at: 50).isEmpty)
        #expect(targetDownChanges(&evaluator, RuleFixture.healthy(), at: 55).isEmpty)
        #expect(targetDownChanges(&evaluator, RuleFixture.down(), at: 56).isEmpty)
        #expect(targetDownChanges(&evaluator, RuleFixture.down(), at: 60).isEmpty)
        #expect(targetDownChanges(&evaluator, RuleFixture.down(), at: 115).isEmpty)
        let fired = targetDownChanges(&evaluator, RuleFixture.down(), at: 116)
        #expect(fired.map(\.startsAt) == [RuleFixture.at(116)])
    }

    /// A pending alert that clears sends nothing: no resolved notification for what never fired.
    @Test func clearedPendingSendsNothing() {
        var evaluator = RuleFixture.evaluator()
        #expect(evaluator.evaluate([RuleFixture.down()], now: RuleFixture.at(0)).changes.isEmpty)
        #expect(evaluator.evaluate([RuleFixture.healthy()], now: RuleFixture.at(30)).changes.isEmpty)
        #expect(evaluator.evaluate([], now: RuleFixture.at(31)).changes.isEmpty)
    }

    /// A firing alert is a change once; later evaluations of the same condition are not.
    @Test func firesOnceAndResolvesOnce() {
        var evaluator = RuleFixture.evaluator()
        var changes: [Alert] = []
        for second in stride(from: 0.0, through: 300, by: 10) {
            changes += evaluator.evaluate([RuleFixture.down()], now: RuleFixture.at(second)).changes
        }
        for second in stride(from: 310.0, through: 400, by: 10) {
            changes += evaluator.evaluate([RuleFixture.healthy()], now: RuleFixture.at(second)).changes
        }
        #expect(changes.map(\.status) == [.firing, .resolved])
        #expect(changes.map(\.startsAt) == [RuleFixture.at(60), RuleFixture.at(60)])
        #expect(changes.last?.endsAt == RuleFixture.at(310))
    }

    /// A target a reload removed resolves its firing alerts and forgets its pending ones.
    @Test func removedTargetResolves() {
        var evaluator = RuleFixture.evaluator()
        var stale = RuleFixture.healthy("api")
        stale.staleSessions = 1
        _ = evaluator.evaluate([stale, RuleFixture.down("feed")], now: RuleFixture.at(0))
        #expect(evaluator.firing.map(\.labels) == [RuleFixture.labels(.dataStale)])
        let result = evaluator.evaluate([RuleFixture.down("feed")], now: RuleFixture.at(10))
        #expect(result.changes.map(\.labels) == [RuleFixture.labels(.dataStale)])
        #expect(result.changes.first?.endsAt == RuleFixture.at(10))
        #expect(result.firing.isEmpty)
        let gone = evaluator.evaluate([], now: RuleFixture.at(70))
        #expect(gone.changes.isEmpty, "feed was only pending")
        #expect(gone.firing.isEmpty)
    }

    /// A disabled rule never fires, whatever its condition and for how long.
    @Test func disabledRuleNeverFires() {
        var settings = RuleFixture.immediate
        for rule in AlertRule.allCases { settings[rule].enabled = false }
        var evaluator = RuleFixture.evaluator(settings)
        var observation = RuleFixture.down()
        observation.authFailedSessions = 1
        observation.maxRetriesExceededSessions = 2
        observation.staleSessions = 1
        for minute in 0...30 {
            observation.counters = TargetCounters(disconnects: minute * 10, enteredError: minute, attempts: minute * 10)
            let result = evaluator.evaluate([observation], now: RuleFixture.at(Double(minute) * 60))
            #expect(result.changes.isEmpty)
            #expect(result.firing.isEmpty)
        }
    }

    /// Disabling a firing rule (a reload) resolves its alert at the next evaluation.
    @Test func disablingAFiringRuleResolvesIt() {
        var evaluator = RuleFixture.evaluator(RuleFixture.immediate)
        #expect(evaluator.evaluate([RuleFixture.down()], now: RuleFixture.at(0)).changes.count == 1)
        evaluator.settings.targetDown.enabled = false
        let result = evaluator.evaluate([RuleFixture.down()], now: RuleFixture.at(1))
        #expect(result.changes.map(\.status) == [.resolved])
        #expect(result.firing.isEmpty)
    }

    /// The firing list is ordered by target, then by rule, and carries every firing alert.
    @Test func firingListOrder() {
        var evaluator = RuleFixture.evaluator(RuleFixture.immediate)
        var zulu = RuleFixture.down("zulu")
        zulu.authFailedSessions = 3
        let result = evaluator.evaluate([zulu, RuleFixture.down("alpha")], now: RuleFixture.at(0))
        let expected = [
            RuleFixture.labels(.targetDown, target: "alpha"), RuleFixture.labels(.authFailed, target: "zulu"),
            RuleFixture.labels(.targetDown, target: "zulu"),
        ]
        #expect(result.firing.map(\.labels) == expected)
        #expect(result.changes.map(\.labels) == expected)
    }

    /// Every rule has the label values the README documents (alertname, severity, target).
    @Test func rulesAndSeverities() {
        #expect(
            AlertRule.allCases.map(\.alertname) == [
                "WebSocketAuthFailed", "WebSocketMaxRetriesExceeded", "WebSocketDataStale", "WebSocketTargetDown",
                "WebSocketFlapping", "WebSocketLowSuccessRatio", "WSHealthResourceExhausted",
            ]
        )
        #expect(
            AlertRule.allCases.map(\.severity.rawValue) == [
                "critical", "critical", "warning", "critical", "warning", "warning", "critical",
            ]
        )
        let defaults = AlertRuleSettings()
        #expect(
            AlertRule.allCases.map { defaults[$0].holdFor } == [.zero, .zero, .zero, .seconds(60), .zero, .zero, .zero]
        )
        #expect(AlertRule.allCases.allSatisfy { defaults[$0].enabled && defaults[$0].runbookURL == nil })
        #expect(defaults.flappingDisconnects == 5 && defaults.flappingWindow == .seconds(600))
        #expect(defaults.successRatioThreshold == 0.9 && defaults.successRatioWindow == .seconds(900))
        #expect(defaults.successRatioMinAttempts == 5 && defaults.resourceExhaustedWindow == .seconds(300))
    }
}
