import Foundation

/// How the rules put numbers into words for annotations.
enum RuleFormat {
    /// A duration in seconds, with its fraction.
    static func seconds(_ duration: Duration) -> Double {
        let (seconds, attoseconds) = duration.components
        return Double(seconds) + Double(attoseconds) / 1e18
    }

    /// A duration as Prometheus writes one, to the second: `45s`, `10m`, `1h30m`, `0s`.
    static func duration(_ duration: Duration) -> String {
        var rest = max(0, duration.components.seconds)
        if rest == 0 { return "0s" }
        var text = ""
        for (unit, length) in [("d", Int64(86_400)), ("h", 3_600), ("m", 60), ("s", 1)] where rest >= length {
            text += "\(rest / length)\(unit)"
            rest %= length
        }
        return text
    }

    /// A ratio as a percentage with at most one decimal: `0.4` → `40%`, `0.895` → `89.5%`.
    static func percent(_ ratio: Double) -> String {
        let tenths = (ratio * 1000).rounded()
        let whole = Int(tenths / 10)
        let decimal = Int(tenths.truncatingRemainder(dividingBy: 10))
        return decimal == 0 ? "\(whole)%" : "\(whole).\(decimal)%"
    }

    /// `1 session`, `3 sessions`.
    static func count(_ count: Int, _ noun: String) -> String {
        count == 1 ? "1 \(noun)" : "\(count) \(noun)s"
    }

    /// What happened to connection attempts that failed for `reason` (a failure `reason` label
    /// value), as the end of "3 of 3 reconnect attempts to ws://… refused"; reasons without a
    /// plain verb keep their label value, which is what operators find in the metrics.
    static func outcome(ofFailure reason: String?) -> String {
        switch reason {
        case nil: "failed"
        case "refused": "refused"
        case "timeout": "timed out"
        case let other?: "failed (\(other))"
        }
    }
}
