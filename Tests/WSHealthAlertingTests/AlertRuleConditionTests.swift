import Foundation
import Testing
import WSHealthAlerting
import WSHealthConfig

/// Each built-in rule fires on its condition, with its labels and numbers, and resolves when
/// the condition clears.
@Suite struct AlertRuleConditionTests {
    /// Feeds `bad` until the rule fires, then `good` until it resolves; checks both changes.
    private func fireAndResolve(
        _ rule: AlertRule,
        bad: [(Double, TargetObservation)],
        good: (Double, TargetObservation),
        settings: AlertRuleSettings = RuleFixture.immediate
    ) -> (fired: Alert, resolved: Alert)? {
        var evaluator = RuleFixture.evaluator(settings)
        var fired: Alert?
        for (second, observation) in bad {
            let result = evaluator.evaluate([observation], now: RuleFixture.at(second))
            fired = fired ?? result.changes.first { $0.labels["alertname"] == rule.alertname }
        }
        guard let fired else {
            Issue.record("\(rule) did not fire")
            return nil
        }
        #expect(fired.status == .firing)
        #expect(fired.labels == RuleFixture.labels(rule))
        #expect(evaluator.firing.contains { $0.labels == fired.labels })
        let result = evaluator.evaluate([good.1], now: RuleFixture.at(good.0))
        guard let resolved = result.changes.first(where: { $0.labels == fired.labels }) else {
            Issue.record("\(rule) did not resolve")
            return nil
        }
        #expect(resolved.endsAt == RuleFixture.at(good.0))
        #expect(resolved.startsAt == fired.startsAt)
        #expect(resolved.fingerprint == fired.fingerprint)
        #expect(!result.firing.contains { $0.labels == fired.labels })
        return (fired, resolved)
    }

    /// Two sessions refused their token: critical, and the count is in the description.
    @Test func authFailed() throws {
        var bad = RuleFixture.healthy()
        bad.authFailedSessions = 2
        bad.receivingDataSessions = 1
        let (fired, _) = try #require(fireAndResolve(.authFailed, bad: [(0, bad)], good: (5, RuleFixture.healthy())))
        #expect(fired.labels["severity"] == "critical")
        #expect(fired.startsAt == RuleFixture.at(0))
        #expect(fired.annotations["summary"] == "WebSocket target api: authentication refused")
        #expect(
            fired.annotations["description"]
                == "2 of 3 sessions to wss://api.example/ws in error: the server refused the credentials "
                + "(HTTP 401/403 or close 1008)"
        )
    }

    /// Out of attempts after refused connections: "3 of 3 reconnect attempts to … refused".
    @Test func maxRetriesExceeded() throws {
        var bad = RuleFixture.down()
        bad.maxReconnectAttempts = 3
        bad.maxRetriesExceededSessions = 1
        let (fired, _) = try #require(
            fireAndResolve(.maxRetriesExceeded, bad: [(0, bad)], good: (5, RuleFixture.healthy()))
        )
        #expect(fired.labels["severity"] == "critical")
        #expect(
            fired.annotations["description"]
                == "3 of 3 reconnect attempts to wss://api.example/ws refused; 1 of 3 sessions in error"
        )
    }

    /// Two sessions silent for 45 s: "no message for 45s on 2 of 3 sessions".
    @Test func dataStale() throws {
        var bad = RuleFixture.healthy()
        bad.staleSessions = 2
        bad.longestSilence = .seconds(45)
        let (fired, _) = try #require(fireAndResolve(.dataStale, bad: [(0, bad)], good: (5, RuleFixture.healthy())))
        #expect(fired.labels["severity"] == "warning")
        #expect(fired.annotations["description"] == "no message for 45s on 2 of 3 sessions to wss://api.example/ws")
    }

    /// No session receives data: the attempt and the last failure are in the description.
    @Test func targetDown() throws {
        let (fired, _) = try #require(
            fireAndResolve(.targetDown, bad: [(0, RuleFixture.down())], good: (5, RuleFixture.healthy()))
        )
        #expect(fired.labels["severity"] == "critical")
        #expect(
            fired.annotations["description"]
                == "no data from wss://api.example/ws: 0 of 3 sessions receive data; reconnect attempt 4 of 10; "
                + "last failure: refused"
        )
    }

    /// Five disconnects in ten minutes flap; the rule resolves when they leave the window.
    @Test func flapping() throws {
        let bad: [(Double, TargetObservation)] = [
            (0, RuleFixture.healthy()),
            (60, RuleFixture.healthy(counters: TargetCounters(disconnects: 5, enteredConnected: 5, attempts: 5))),
        ]
        let later = RuleFixture.healthy(counters: TargetCounters(disconnects: 5, enteredConnected: 5, attempts: 5))
        let (fired, resolved) = try #require(fireAndResolve(.flapping, bad: bad, good: (660, later)))
        #expect(fired.labels["severity"] == "warning")
        #expect(fired.startsAt == RuleFixture.at(60))
        #expect(
            fired.annotations["description"]
                == "5 disconnects from wss://api.example/ws in the last 10m (threshold 5)"
        )
        #expect(resolved.endsAt == RuleFixture.at(660))
    }

    /// 2 of 5 ended attempts succeeded: 40 % < 90 %; the last failure's reason is named.
    @Test func lowSuccessRatio() throws {
        let counters = TargetCounters(enteredConnected: 2, enteredError: 1, attempts: 6, failedAttempts: 3)
        var failing = RuleFixture.healthy(counters: counters)
        failing.lastFailureReason = "refused"
        let bad: [(Double, TargetObservation)] = [
            (0, RuleFixture.healthy()), (60, failing),
        ]
        let (fired, _) = try #require(
            fireAndResolve(.lowSuccessRatio, bad: bad, good: (960, RuleFixture.healthy(counters: counters)))
        )
        #expect(fired.labels["severity"] == "warning")
        #expect(fired.annotations["summary"] == "WebSocket target api: low handshake success ratio")
        #expect(
            fired.annotations["description"]
                == "2 of 5 connection attempts to wss://api.example/ws in the last 15m succeeded (40%), "
                + "3 failed (last failure: refused); threshold 90%"
        )
    }

    /// A configured runbook becomes the `runbook_url` annotation of that rule only.
    @Test func runbookAnnotation() {
        var settings = RuleFixture.immediate
        settings.targetDown.runbookURL = "https://runbooks.example/websocket#down"
        var evaluator = RuleFixture.evaluator(settings)
        var observation = RuleFixture.down()
        observation.authFailedSessions = 3
        let fired = evaluator.evaluate([observation], now: RuleFixture.at(0)).changes
        #expect(fired.count == 2)
        let down = fired.first { $0.labels["alertname"] == "WebSocketTargetDown" }
        let auth = fired.first { $0.labels["alertname"] == "WebSocketAuthFailed" }
        #expect(down?.annotations["runbook_url"] == "https://runbooks.example/websocket#down")
        #expect(auth?.annotations["runbook_url"] == nil)
        #expect(auth?.annotations.keys.sorted() == ["description", "summary"])
    }

    /// While an alert fires its annotations follow the numbers, with no new notification.
    @Test func annotationsFollowTheNumbers() {
        var evaluator = RuleFixture.evaluator()
        var observation = RuleFixture.healthy()
        observation.staleSessions = 1
        observation.longestSilence = .seconds(45)
        #expect(evaluator.evaluate([observation], now: RuleFixture.at(0)).changes.count == 1)
        observation.staleSessions = 2
        observation.longestSilence = .seconds(110)
        let result = evaluator.evaluate([observation], now: RuleFixture.at(65))
        #expect(result.changes.isEmpty)
        #expect(
            result.firing.map { $0.annotations["description"] } == [
                "no message for 1m50s on 2 of 3 sessions to wss://api.example/ws"
            ]
        )
        #expect(result.firing.first?.startsAt == RuleFixture.at(0))
    }

    /// A healthy target fires nothing, whatever its history.
    @Test func healthyTargetFiresNothing() {
        var evaluator = RuleFixture.evaluator(RuleFixture.immediate)
        for second in stride(from: 0.0, through: 3600, by: 60) {
            let counters = TargetCounters(enteredConnected: 3, attempts: 3)
            let result = evaluator.evaluate([RuleFixture.healthy(counters: counters)], now: RuleFixture.at(second))
            #expect(result.changes.isEmpty)
            #expect(result.firing.isEmpty)
        }
    }
}
