import Foundation
import WSConnectionStateMachine
import WSHealthAlerting

/// The status page at `/`: one row per target, expandable to its sessions, with the spec's
/// badges (``StatusBadge``), "Last updated", stale data and a Retry button for `error`.
///
/// The first state is rendered here, so the page reads without JavaScript; its script then
/// polls `/api/v1/targets` every 2 s and redraws `#targets` with the same markup. Everything
/// that comes from the configuration or the network is HTML-escaped; the page loads nothing
/// else.
enum StatusPage {
    /// Session rows shown per target; `/api/v1/targets` lists them all.
    static let maxSessionRows = 100

    /// The whole page for `report`.
    static func render(_ report: StatusReport, alerts: [Alert] = []) -> String {
        let targets =
            report.targets.isEmpty
            ? "<p class=\"empty\">No targets configured.</p>"
            : report.targets.map { self.target($0, in: report) }.joined()
        return """
            <!DOCTYPE html>
            <html lang="en"><head><meta charset="utf-8">
            <meta name="viewport" content="width=device-width, initial-scale=1">
            <title>wshealth</title>
            <style>\(self.style)</style></head>
            <body data-rendered-by="server">
            <header><h1>wshealth <small>\(escape(WSHealthVersion.version))</small></h1>
            <nav><a href="/metrics">/metrics</a><a href="/api/v1/targets">/api/v1/targets</a>\
            <a href="/api/v1/alerts">/api/v1/alerts</a>\
            <a href="/-/healthy">/-/healthy</a><a href="/-/ready">/-/ready</a></nav></header>
            <section id="alerts" aria-label="Alerts firing">\(self.alerts(alerts))</section>
            <main id="targets">\(targets)</main>
            <p id="notice" role="status"></p>
            <footer id="refreshed">Rendered by the server at \(StatusReport.rfc3339(report.generatedAt)); \
            with JavaScript the page refreshes every 2 s.</footer>
            <form id="retry" method="post"></form>
            <script>\(self.script)</script>
            </body></html>

            """
    }

    /// The firing alerts, most severe first; nothing when none fires.
    static func alerts(_ alerts: [Alert]) -> String {
        guard !alerts.isEmpty else { return "" }
        let rows = alerts.sorted {
            ($0.labels["severity"] ?? "", $1.startsAt) < ($1.labels["severity"] ?? "", $0.startsAt)
        }
        .map { alert in
            let severity = escape(alert.labels["severity"] ?? "")
            return "<li class=\"alert \(severity)\"><strong>\(escape(alert.labels["alertname"] ?? ""))</strong> "
                + "\(escape(alert.labels["target"] ?? "")) — \(escape(alert.annotations["description"] ?? ""))</li>"
        }
        return "<h2>Alerts firing</h2><ul>\(rows.joined())</ul>"
    }

    /// A target: its summary row and, inside, the table of its sessions.
    static func target(_ target: TargetStatus, in report: StatusReport) -> String {
        let counts = target.sessionsByState
        let chips = ConnectionState.allCases.compactMap { state in
            counts[state].flatMap { $0 > 0 ? "<span class=\"chip\">\($0) \(state.rawValue)</span>" : nil }
        }
        var status = ""
        if let headline = target.headline {
            status = self.badge(target.badge(headline))
            if target.staleSessions > 0 {
                let share = target.sessions.count > 1 ? " (\(target.staleSessions)/\(target.sessions.count))" : ""
                status += self.staleBadge(share)
            }
            status += self.errorMessage(headline)
        }
        let retry =
            (counts[.error] ?? 0) > 0
            ? "<button class=\"retry\" type=\"submit\" form=\"retry\" formaction=\"/api/v1/targets/"
                + "\(escape(self.pathComponent(target.name)))/retry\">Retry</button>"
            : ""
        var rows = target.sessions.prefix(self.maxSessionRows).map { self.session($0, of: target, in: report) }
        if target.sessions.count > self.maxSessionRows {
            rows.append(
                "<tr><td colspan=\"5\">… \(target.sessions.count - self.maxSessionRows) more sessions "
                    + "in <a href=\"/api/v1/targets\">/api/v1/targets</a></td></tr>"
            )
        }
        return """
            <details class="target" data-target="\(escape(target.name))"><summary>\
            <span class="name">\(escape(target.name))<small>\(escape(target.url))</small></span>\
            <span class="state">\(status)</span><span class="counts">\(chips.joined())</span>\
            <span class="updated">Last updated: \(report.age(of: target.newestDataAt ?? target.lastMessageAt))</span>\(retry)</summary>
            <table><thead><tr><th>Session</th><th>Status</th><th>Last updated</th><th>Last failure</th>\
            <th>Last disconnect</th></tr></thead><tbody>\(rows.joined())</tbody></table></details>

            """
    }

    /// A session's row.
    static func session(_ session: SessionSnapshot, of target: TargetStatus, in report: StatusReport) -> String {
        var status = self.badge(target.badge(session))
        if session.isDataStale { status += self.staleBadge("") }
        status += self.errorMessage(session)
        var failure = "–"
        if let reason = session.lastFailure {
            failure = escape(reason.rawValue) + (session.lastFailureDetail.map { "<small>\(escape($0))</small>" } ?? "")
        }
        return "<tr data-session=\"\(session.index)\"><td>\(self.timelineButton(session.index))</td><td>\(status)</td>"
            + "<td>\(report.age(of: session.newestDataAt ?? session.lastMessageAt))</td>"
            + "<td>\(failure)</td><td>\(escape(session.lastDisconnect?.rawValue ?? "–"))</td></tr>"
    }

    /// The session's number, a button that opens its timeline (the script fetches it).
    static func timelineButton(_ index: Int) -> String {
        "<button type=\"button\" class=\"timeline\" aria-expanded=\"false\" title=\"events of session \(index)\">\(index)</button>"
    }

    /// A badge with its indicator: a spinner, a pulsing dot, a symbol, or a progress bar.
    static func badge(_ badge: StatusBadge) -> String {
        let mark =
            switch badge.kind {
            case .connecting: "<i class=\"spinner\"></i>"
            case .live: "<i class=\"pulse\"></i>"
            case .connected: "<i class=\"icon\" aria-hidden=\"true\">✓</i>"
            case .error: "<i class=\"icon\" aria-hidden=\"true\">✕</i>"
            case .disconnected: "<i class=\"icon\" aria-hidden=\"true\">⚠</i>"
            case .reconnecting: ""
            }
        let progress = badge.progress.map { "<span class=\"bar\"><span style=\"width:\($0)%\"></span></span>" } ?? ""
        return "<span class=\"badge b-\(badge.kind.rawValue)\">\(mark)\(escape(badge.label))\(progress)</span>"
    }

    static func staleBadge(_ share: String) -> String {
        "<span class=\"badge b-stale\" title=\"no valid message for stale_after\">Stale data\(share)</span>"
    }

    static func errorMessage(_ session: SessionSnapshot) -> String {
        guard let reason = session.errorReason else { return "" }
        return "<span class=\"message\">\(escape(StatusBadge.errorText(reason)))</span>"
    }

    /// A target name as one path segment (what the script's `encodeURIComponent` gives).
    static func pathComponent(_ name: String) -> String {
        let unreserved = CharacterSet(
            charactersIn: "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.!~*'()"
        )
        return name.addingPercentEncoding(withAllowedCharacters: unreserved) ?? name
    }

    /// HTML-escapes text for element content and quoted attribute values.
    static func escape(_ text: String) -> String {
        var escaped = ""
        escaped.reserveCapacity(text.utf8.count)
        for character in text {
            switch character {
            case "<": escaped += "&lt;"
            case ">": escaped += "&gt;"
            case "&": escaped += "&amp;"
            case "\"": escaped += "&quot;"
            case "'": escaped += "&#39;"
            default: escaped.append(character)
            }
        }
        return escaped
    }
}
