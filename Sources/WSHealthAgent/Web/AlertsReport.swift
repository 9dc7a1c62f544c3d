import Foundation
import WSHealthAlerting

/// What `GET /api/v1/alerts` answers: the built-in alerts firing now, newest first.
struct AlertsReport: Encodable {
    var generatedAt: Date
    var alerts: [Alert]

    private enum CodingKeys: String, CodingKey {
        case generatedAt = "generated_at"
        case alerts
    }

    private enum AlertKeys: String, CodingKey {
        case labels, annotations, state, fingerprint
        case startsAt = "starts_at"
    }

    init(generatedAt: Date, alerts: [Alert]) {
        self.generatedAt = generatedAt
        self.alerts = alerts.sorted { $0.startsAt > $1.startsAt }
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(StatusReport.rfc3339(self.generatedAt), forKey: .generatedAt)
        var list = container.nestedUnkeyedContainer(forKey: .alerts)
        for alert in self.alerts {
            var entry = list.nestedContainer(keyedBy: AlertKeys.self)
            try entry.encode(alert.labels, forKey: .labels)
            try entry.encode(alert.annotations, forKey: .annotations)
            try entry.encode(alert.status.rawValue, forKey: .state)
            try entry.encode(StatusReport.rfc3339(alert.startsAt), forKey: .startsAt)
            try entry.encode(alert.fingerprint, forKey: .fingerprint)
        }
    }
}
