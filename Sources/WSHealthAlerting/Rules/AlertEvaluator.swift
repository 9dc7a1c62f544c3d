package import Foundation
import WSHealthConfig

/// The built-in alert rules as a pure state machine: fed one observation per target and
/// the time, it returns the alerts that fired or resolved.
///
/// Each rule and target is one alert: inactive, pending (the condition holds, for less than the
/// rule's `for`), or firing. Like Prometheus, a condition must hold at every evaluation of its
/// `for` (one evaluation without it and pending starts again), and `startsAt` is the evaluation
/// at which the alert went from pending to firing (Prometheus' `FiredAt`, which it sends as
/// `startsAt`). A resolved alert keeps the annotations it last fired with and ends at the
/// evaluation that found the condition gone. The machine reads no clock and does no I/O.
///
/// A rule held back by another (``AlertRule/heldBackBy``) cannot start on a target while the
/// other's condition holds there.
///
/// Alerts identify themselves by their labels: `alertname`, `target`, `severity`, `instance`.
/// Restored alerts (firing before a restart, from disk) whose labels are those the rules would
/// give keep firing, with their `startsAt` and no new notification, if their condition holds at
/// the first evaluation, and resolve at it otherwise; restored alerts of an unknown rule or with
/// other labels (another `instance`) resolve at the first evaluation.
package struct AlertEvaluator: Sendable {
    /// The `instance` label of every alert.
    package let instance: String
    /// The rules' settings; a change applies from the next evaluation (a disabled rule's
    /// alerts resolve, pending alerts are held to the new `for`).
    package var settings: AlertRuleSettings

    private var states: [Key: State] = [:]
    private var histories: [String: CounterHistory] = [:]
    private var orphans: [Alert] = []

    private struct Key: Hashable, Sendable {
        var rule: AlertRule
        var target: String
    }

    private enum State: Sendable {
        /// The condition holds since `since`, not yet for the rule's `for`.
        case pending(since: Date)
        /// The alert fires.
        case firing(Alert)
    }

    /// Creates an evaluator; `restoring` are the alerts that fired before a restart.
    package init(instance: String, settings: AlertRuleSettings = AlertRuleSettings(), restoring: [Alert] = []) {
        self.instance = instance
        self.settings = settings
        for alert in restoring where alert.status == .firing {
            guard let rule = alert.labels["alertname"].flatMap(AlertRule.init(rawValue:)),
                let target = alert.labels["target"],
                alert.labels == self.labels(rule, target: target)
            else {
                if !self.orphans.contains(where: { $0.labels == alert.labels }) { self.orphans.append(alert) }
                continue
            }
            let key = Key(rule: rule, target: target)
            if self.states[key] == nil { self.states[key] = .firing(alert) }
        }
    }

    /// Every alert firing now, as in ``AlertEvaluation/firing`` (restored alerts included until
    /// the first evaluation has checked them).
    package var firing: [Alert] {
        self.states.sorted { Self.precedes($0.key, $1.key) }.compactMap { _, state in
            if case .firing(let alert) = state { return alert }
            return nil
        }
    }

    /// Evaluates every rule on every target at `now`.
    ///
    /// Targets missing from `observations` are gone (a reload removed them): their alerts
    /// resolve and their history is forgotten. A target observed twice counts once, the last.
    package mutating func evaluate(_ observations: [TargetObservation], now: Date) -> AlertEvaluation {
        var changes: [Alert] = []
        for var orphan in self.orphans {
            orphan.endsAt = now
            changes.append(orphan)
        }
        self.orphans.removeAll()

        var byTarget: [String: TargetObservation] = [:]
        for observation in observations { byTarget[observation.target] = observation }

        for key in self.states.keys.sorted(by: Self.precedes) where byTarget[key.target] == nil {
            if case .firing(var alert) = self.states.removeValue(forKey: key) {
                alert.endsAt = now
                changes.append(alert)
            }
        }
        self.histories = self.histories.filter { byTarget[$0.key] != nil }

        let keeping = max(
            self.settings.flappingWindow,
            self.settings.successRatioWindow,
            self.settings.resourceExhaustedWindow
        )
        for target in byTarget.keys.sorted() {
            let observation = byTarget[target]!
            self.histories[target, default: CounterHistory()].record(observation.counters, at: now, keeping: keeping)
            let history = self.histories[target]!
            var findings: [AlertRule: RuleFinding] = [:]
            for rule in AlertRule.allCases where self.settings[rule].enabled {
                findings[rule] = rule.check(observation, history: history, settings: self.settings, now: now)
            }
            for rule in AlertRule.allCases {
                let key = Key(rule: rule, target: target)
                var finding = findings[rule]
                // Held back, it cannot start; firing, it keeps to its own condition (a
                // resolution would claim what nobody saw).
                if let holder = rule.heldBackBy, findings[holder] != nil, !self.isFiring(key) { finding = nil }
                if let change = self.step(key, finding: finding, now: now) { changes.append(change) }
            }
        }
        return AlertEvaluation(changes: changes, firing: self.firing)
    }

    private func isFiring(_ key: Key) -> Bool {
        if case .firing = self.states[key] { return true }
        return false
    }

    /// Moves one alert on by what its rule found; returns the alert if it fired or resolved.
    private mutating func step(_ key: Key, finding: RuleFinding?, now: Date) -> Alert? {
        let holdFor = self.settings[key.rule].holdFor
        switch (self.states[key], finding) {
        case (nil, nil):
            return nil
        case (nil, let finding?):
            if holdFor > .zero {
                self.states[key] = .pending(since: now)
                return nil
            }
            return self.fire(key, finding, now: now)
        case (.pending(let since), let finding?):
            guard now.timeIntervalSince(since) >= RuleFormat.seconds(holdFor) else { return nil }
            return self.fire(key, finding, now: now)
        case (.pending, nil):
            self.states[key] = nil
            return nil
        case (.firing(var alert), let finding?):
            // Still firing: no notification, but the numbers of the annotations are brought up to date.
            alert.annotations = self.annotations(key.rule, finding)
            self.states[key] = .firing(alert)
            return nil
        case (.firing(var alert), nil):
            self.states[key] = nil
            alert.endsAt = now
            return alert
        }
    }

    private mutating func fire(_ key: Key, _ finding: RuleFinding, now: Date) -> Alert {
        let alert = Alert(
            labels: self.labels(key.rule, target: key.target),
            annotations: self.annotations(key.rule, finding),
            startsAt: now
        )
        self.states[key] = .firing(alert)
        return alert
    }

    private func labels(_ rule: AlertRule, target: String) -> [String: String] {
        [
            "alertname": rule.alertname, "target": target, "severity": rule.severity.rawValue,
            "instance": self.instance,
        ]
    }

    private func annotations(_ rule: AlertRule, _ finding: RuleFinding) -> [String: String] {
        var annotations = ["summary": finding.summary, "description": finding.description]
        if let runbook = self.settings[rule].runbookURL, !runbook.isEmpty { annotations["runbook_url"] = runbook }
        return annotations
    }

    /// By target, then in the rules' declaration order.
    private static func precedes(_ left: Key, _ right: Key) -> Bool {
        if left.target != right.target { return left.target < right.target }
        return AlertRule.allCases.firstIndex(of: left.rule)! < AlertRule.allCases.firstIndex(of: right.rule)!
    }
}
