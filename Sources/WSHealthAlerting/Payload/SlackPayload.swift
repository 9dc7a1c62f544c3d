package import Foundation

/// A Slack incoming-webhook message, `{"text": "…"}`, which Mattermost accepts as well: one
/// line per alert.
///
/// ```
/// [FIRING] WebSocket target api: down — no data from wss://api.example/ws: 0 of 3 sessions receive data
/// [RESOLVED] WebSocket target api: data stale — no message for 45s on 2 of 3 sessions to wss://api.example/ws
/// ```
package enum SlackPayload {
    /// The request body for `alerts`.
    package static func body(for alerts: [Alert]) -> Data {
        PayloadJSON.encode(["text": Self.text(for: alerts)])
    }

    /// The message text: per alert `[FIRING]` or `[RESOLVED]`, the summary, the description,
    /// and the runbook when there is one. `&`, `<` and `>` are escaped as Slack requires of
    /// message text (its link and mention syntax); Mattermost shows the entities as characters.
    package static func text(for alerts: [Alert]) -> String {
        alerts.map { alert in
            let summary =
                alert.annotations["summary"]
                ?? [alert.labels["alertname"], alert.labels["target"]].compactMap { $0 }.joined(separator: " ")
            var line = "[\(alert.status.rawValue.uppercased())] \(summary)"
            if let description = alert.annotations["description"] { line += " — \(description)" }
            if let runbook = alert.annotations["runbook_url"] { line += " (runbook: \(runbook))" }
            return Self.escape(line)
        }
        .joined(separator: "\n")
    }

    private static func escape(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;")
            .replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;")
    }
}
