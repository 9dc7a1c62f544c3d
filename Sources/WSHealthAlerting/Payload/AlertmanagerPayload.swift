package import Foundation

/// The body of Alertmanager's `POST /api/v2/alerts`: a JSON array of postable alerts.
///
/// ```json
/// [{"annotations": {"summary": "…"}, "endsAt": "2024-05-01T12:04:00Z",
///   "generatorURL": "http://agent-1:9100/", "labels": {"alertname": "…"},
///   "startsAt": "2024-05-01T12:00:00Z"}]
/// ```
package enum AlertmanagerPayload {
    /// The request body for `alerts`.
    ///
    /// A firing alert is sent with `endsAt` = `firingEndsAt`, which the caller sets to now + 4 ×
    /// the resend interval: Alertmanager resolves an alert that stops being re-sent once that
    /// time passes, as it does for Prometheus. A resolved alert is sent with its own `endsAt`.
    /// `generatorURL` must be an absolute URL; nil leaves the field out.
    package static func body(for alerts: [Alert], firingEndsAt: Date, generatorURL: String? = nil) -> Data {
        PayloadJSON.encode(
            alerts.map { alert in
                PostableAlert(
                    labels: alert.labels,
                    annotations: alert.annotations,
                    startsAt: RFC3339Timestamp.string(from: alert.startsAt),
                    endsAt: RFC3339Timestamp.string(from: alert.endsAt ?? firingEndsAt),
                    generatorURL: generatorURL
                )
            }
        )
    }

    /// Alertmanager's `postableAlert` (OpenAPI v2).
    private struct PostableAlert: Encodable {
        var labels: [String: String]
        var annotations: [String: String]
        var startsAt: String
        var endsAt: String
        var generatorURL: String?
    }
}
