import Foundation
import WSConnectionStateMachine
import WSHealthConfig

/// The landing page at `/`: each target with its sessions' states, and links to the endpoints.
enum LandingPage {
    static func render(targets: [TargetMonitor]) async -> String {
        var rows = ""
        for target in targets {
            let snapshots = await target.snapshots()
            var counts: [ConnectionState: Int] = [:]
            for snapshot in snapshots { counts[snapshot.state, default: 0] += 1 }
            let states = ConnectionState.allCases.compactMap { state in
                counts[state].map { "\(state.rawValue): \($0)" }
            }.joined(separator: ", ")
            rows += "<tr><td>\(escape(target.configuration.name))</td>"
            rows += "<td>\(escape(Redaction.url(target.configuration.url)))</td><td>\(escape(states))</td></tr>\n"
        }
        return """
            <!DOCTYPE html>
            <html><head><meta charset="utf-8"><title>wshealth</title></head>
            <body><h1>wshealth \(WSHealthVersion.version)</h1>
            <p><a href="/metrics">Metrics</a> · <a href="/-/healthy">Health</a> · <a href="/-/ready">Ready</a></p>
            <table><tr><th>Target</th><th>URL</th><th>Sessions</th></tr>
            \(rows)</table></body></html>

            """
    }

    /// HTML-escapes text that came from the config.
    static func escape(_ text: String) -> String {
        var escaped = ""
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
