package import Foundation
import WSHealthConfig

/// Alertmanager's webhook payload, version 4, so that every receiver built for Alertmanager
/// webhooks takes wshealth's notifications unchanged.
///
/// As Alertmanager builds it (`notify/webhook`, `template.Data`): `status` is `firing` when any
/// alert fires; `commonLabels` and `commonAnnotations` are the pairs every alert shares; a
/// firing alert's `endsAt` is Go's zero time `0001-01-01T00:00:00Z`; `fingerprint` is
/// ``Alert/fingerprint``; `groupKey` is that of a group of Alertmanager's root route,
/// `{}:{alertname="WebSocketTargetDown", instance="agent-1", target="api"}`; and `receiver` is
/// the receiver's name with regular-expression metacharacters escaped (Alertmanager passes it
/// through Go's `regexp.QuoteMeta`).
package enum WebhookPayload {
    /// The labels that make a group: one group per alert identity (severity follows from the
    /// alert name), so a firing and its resolved notification share a `groupKey`.
    package static let defaultGroupBy = ["alertname", "instance", "target"]

    /// The request body for `alerts`, sent to receiver `receiver`.
    ///
    /// `groupLabels` are the `groupBy` labels whose value all alerts share. `externalURL` is
    /// the agent's base URL; `generatorURL` is each alert's link back to the agent.
    package static func body(
        for alerts: [Alert],
        receiver: String,
        externalURL: String,
        generatorURL: String = "",
        groupBy: [String] = Self.defaultGroupBy
    ) -> Data {
        let commonLabels = Self.common(alerts.map(\.labels))
        let groupLabels = commonLabels.filter { groupBy.contains($0.key) }
        let message = Message(
            receiver: receiver.regexLiteral,
            status: alerts.contains { $0.status == .firing }
                ? AlertStatus.firing.rawValue : AlertStatus.resolved.rawValue,
            alerts: alerts.map { alert in
                Message.Alert(
                    status: alert.status.rawValue,
                    labels: alert.labels,
                    annotations: alert.annotations,
                    startsAt: RFC3339Timestamp.string(from: alert.startsAt),
                    endsAt: alert.endsAt.map(RFC3339Timestamp.string(from:)) ?? RFC3339Timestamp.zero,
                    generatorURL: generatorURL,
                    fingerprint: alert.fingerprint
                )
            },
            groupLabels: groupLabels,
            commonLabels: commonLabels,
            commonAnnotations: Self.common(alerts.map(\.annotations)),
            externalURL: externalURL,
            version: "4",
            groupKey: "{}:" + GoSyntax.labelSet(groupLabels),
            truncatedAlerts: 0
        )
        return PayloadJSON.encode(message)
    }

    /// The pairs every one of `sets` holds; none for no sets.
    private static func common(_ sets: [[String: String]]) -> [String: String] {
        guard var common = sets.first else { return [:] }
        for set in sets.dropFirst() { common = common.filter { set[$0.key] == $0.value } }
        return common
    }

    /// Alertmanager's `webhook.Message`: `template.Data` and three fields of its own.
    private struct Message: Encodable {
        var receiver: String
        var status: String
        var alerts: [Alert]
        var groupLabels: [String: String]
        var commonLabels: [String: String]
        var commonAnnotations: [String: String]
        var externalURL: String
        var version: String
        var groupKey: String
        var truncatedAlerts: Int

        /// Alertmanager's `template.Alert`.
        struct Alert: Encodable {
            var status: String
            var labels: [String: String]
            var annotations: [String: String]
            var startsAt: String
            var endsAt: String
            var generatorURL: String
            var fingerprint: String
        }
    }
}
