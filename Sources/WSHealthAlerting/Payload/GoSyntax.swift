/// The few Go formatting functions whose output Alertmanager puts into webhook payloads.
enum GoSyntax {
    /// A label set as Prometheus' `model.LabelSet.String()` writes it: `name="value"` pairs,
    /// the pairs sorted bytewise, joined by `, `, in braces: `{alertname="X", target="api"}`.
    static func labelSet(_ labels: [String: String]) -> String {
        let pairs = labels.map { "\($0.key)=\(Self.quote($0.value))" }
            .sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
        return "{" + pairs.joined(separator: ", ") + "}"
    }

    /// `strconv.Quote`: a double-quoted string with Go escapes for quotes, backslashes and
    /// control characters; other characters stay as they are.
    static func quote(_ text: String) -> String {
        var quoted = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": quoted += "\\\""
            case "\\": quoted += "\\\\"
            case "\u{07}": quoted += "\\a"
            case "\u{08}": quoted += "\\b"
            case "\u{0C}": quoted += "\\f"
            case "\n": quoted += "\\n"
            case "\r": quoted += "\\r"
            case "\t": quoted += "\\t"
            case "\u{0B}": quoted += "\\v"
            case "\u{00}"..."\u{1F}", "\u{7F}": quoted += "\\x" + Self.hex(scalar.value, digits: 2)
            case "\u{80}"..."\u{9F}": quoted += "\\u" + Self.hex(scalar.value, digits: 4)
            default: quoted.unicodeScalars.append(scalar)
            }
        }
        return quoted + "\""
    }

    private static func hex(_ value: UInt32, digits: Int) -> String {
        let text = String(value, radix: 16)
        return String(repeating: "0", count: max(0, digits - text.count)) + text
    }
}
