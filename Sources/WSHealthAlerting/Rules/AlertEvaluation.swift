/// What one evaluation of the rules produced: the notifications to send and what fires now.
package struct AlertEvaluation: Sendable, Hashable {
    /// Alerts that started firing (`endsAt` nil) or resolved (`endsAt` = the evaluation's time)
    /// at this evaluation: each alert appears here once when it fires and once when it resolves.
    /// Ordered: restored alerts that match no rule, removed targets, then by target and rule.
    package var changes: [Alert]
    /// Every alert firing after this evaluation, by target, then in ``AlertRule`` order: for
    /// `/api/v1/alerts`, the `wshealth_alerts_firing` gauge and Alertmanager's resends. The
    /// annotations carry this evaluation's numbers.
    package var firing: [Alert]

    /// Creates an evaluation result.
    package init(changes: [Alert] = [], firing: [Alert] = []) {
        self.changes = changes
        self.firing = firing
    }
}
