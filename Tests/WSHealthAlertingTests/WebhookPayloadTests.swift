import Foundation
import Testing
import WSHealthAlerting

/// Alertmanager's webhook payload, version 4.
@Suite struct WebhookPayloadTests {
    private func message(_ alerts: [Alert], receiver: String = "hook") throws -> [String: Any] {
        try PayloadFixture.object(
            WebhookPayload.body(
                for: alerts,
                receiver: receiver,
                externalURL: "http://agent-1:9100",
                generatorURL: "http://agent-1:9100/#api"
            )
        )
    }

    /// A firing alert: every field of the message and of the alert, exactly.
    @Test func firingAlert() throws {
        let message = try message([PayloadFixture.firing])
        #expect(
            message.keys.sorted() == [
                "alerts", "commonAnnotations", "commonLabels", "externalURL", "groupKey", "groupLabels", "receiver",
                "status", "truncatedAlerts", "version",
            ]
        )
        #expect(message["version"] as? String == "4")
        #expect(message["truncatedAlerts"] as? Int == 0)
        #expect(message["status"] as? String == "firing")
        #expect(message["receiver"] as? String == "hook")
        #expect(message["externalURL"] as? String == "http://agent-1:9100")
        #expect(
            message["groupKey"] as? String == #"{}:{alertname="WebSocketTargetDown", instance="agent-1", target="api"}"#
        )
        #expect(
            message["groupLabels"] as? [String: String]
                == ["alertname": "WebSocketTargetDown", "instance": "agent-1", "target": "api"]
        )
        #expect(message["commonLabels"] as? [String: String] == PayloadFixture.firing.labels)
        #expect(message["commonAnnotations"] as? [String: String] == PayloadFixture.firing.annotations)
        let alerts = try #require(message["alerts"] as? [[String: Any]])
        #expect(alerts.count == 1)
        let alert = try #require(alerts.first)
        #expect(
            alert.keys.sorted() == [
                "annotations", "endsAt", "fingerprint", "generatorURL", "labels", "startsAt", "status",
            ]
        )
        #expect(alert["status"] as? String == "firing")
        #expect(alert["labels"] as? [String: String] == PayloadFixture.firing.labels)
        #expect(alert["annotations"] as? [String: String] == PayloadFixture.firing.annotations)
        #expect(alert["startsAt"] as? String == "2024-05-01T12:00:00Z")
        #expect(alert["endsAt"] as? String == "0001-01-01T00:00:00Z")
        #expect(alert["generatorURL"] as? String == "http://agent-1:9100/#api")
        #expect(alert["fingerprint"] as? String == PayloadFixture.fnv1a(PayloadFixture.firing.labels))
    }

    /// Firing and resolved together: status firing; only shared pairs are common; group labels
    /// keep only the grouping labels all alerts share.
    @Test func mixedAlerts() throws {
        let message = try message([PayloadFixture.resolved, PayloadFixture.firing])
        #expect(message["status"] as? String == "firing")
        #expect(message["commonLabels"] as? [String: String] == ["instance": "agent-1", "target": "api"])
        #expect(message["commonAnnotations"] as? [String: String] == [:])
        #expect(message["groupLabels"] as? [String: String] == ["instance": "agent-1", "target": "api"])
        #expect(message["groupKey"] as? String == #"{}:{instance="agent-1", target="api"}"#)
        let alerts = try #require(message["alerts"] as? [[String: Any]])
        #expect(alerts.map { $0["status"] as? String } == ["resolved", "firing"])
        #expect(alerts[0]["startsAt"] as? String == "2024-05-01T12:00:00.5Z")
        #expect(alerts[0]["endsAt"] as? String == "2024-05-01T12:05:30.25Z")
        #expect(alerts[0]["fingerprint"] as? String == PayloadFixture.fnv1a(PayloadFixture.resolved.labels))
    }

    /// Only resolved alerts: status resolved.
    @Test func resolvedOnly() throws {
        #expect(try message([PayloadFixture.resolved])["status"] as? String == "resolved")
    }

    /// The receiver name goes through Go's `regexp.QuoteMeta`, as in Alertmanager's `Data`.
    @Test func receiverIsQuotedLikeAlertmanager() throws {
        #expect(
            try message([PayloadFixture.firing], receiver: "team.hook-1")["receiver"] as? String == #"team\.hook-1"#
        )
    }

    /// Group key values are quoted as Go's `%q`, pairs sorted bytewise like Prometheus' `LabelSet`.
    @Test func groupKeyQuoting() throws {
        var alert = PayloadFixture.firing
        alert.labels["target"] = "a\"b\\c\nd"
        let message = try PayloadFixture.object(
            WebhookPayload.body(for: [alert], receiver: "hook", externalURL: "", groupBy: ["target", "alertname"])
        )
        #expect(message["groupKey"] as? String == #"{}:{alertname="WebSocketTargetDown", target="a\"b\\c\nd"}"#)
        let alerts = try #require(message["alerts"] as? [[String: Any]])
        #expect(alerts.first?["generatorURL"] as? String == "")
    }
}

/// The fingerprint is Alertmanager's.
@Suite struct AlertFingerprintTests {
    /// Prometheus' own test vector of `LabelsToSignature` (`prometheus/common` model):
    /// 5799056148416392346 = 0x507a62d79ee76c9a; the empty set is the FNV offset basis.
    @Test func knownValues() {
        let alert = Alert(
            labels: ["name": "garland, briggs", "fear": "love is not enough"],
            annotations: [:],
            startsAt: Date(timeIntervalSince1970: 0)
        )
        #expect(alert.fingerprint == "507a62d79ee76c9a")
        #expect(Alert(labels: [:], annotations: [:], startsAt: Date()).fingerprint == "cbf29ce484222325")
    }

    /// The evaluator's alerts have the fingerprint an independent FNV-1a gives their labels.
    @Test func matchesIndependentImplementation() {
        var evaluator = AlertEvaluator(instance: "agent-1")
        var observation = RuleFixture.healthy()
        observation.staleSessions = 1
        let alert = evaluator.evaluate([observation], now: RuleFixture.at(0)).changes.first
        #expect(alert?.fingerprint == PayloadFixture.fnv1a(RuleFixture.labels(.dataStale)))
        #expect(PayloadFixture.fnv1a(["name": "garland, briggs", "fear": "love is not enough"]) == "507a62d79ee76c9a")
    }
}
