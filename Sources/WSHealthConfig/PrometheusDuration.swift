/// Durations written the way Prometheus writes them: `500ms`, `5s`, `1m`, `1h30m`, `2w`, `0s`.
///
/// The units are `w` (7 days), `d` (24 hours), `h`, `m`, `s` and `ms`. Each appears at most once,
/// from the largest to the smallest, with a non-negative whole number in front of it; a bare `0`
/// is also accepted. There is no sign, no fraction and no space. The resolution is one millisecond.
///
/// | Text       | Duration         | Formatted back |
/// |------------|------------------|----------------|
/// | `500ms`    | 0.5 s            | `500ms`        |
/// | `90s`      | 90 s             | `1m30s`        |
/// | `1h30m`    | 5400 s           | `1h30m`        |
/// | `14d`      | 1 209 600 s      | `2w`           |
/// | `0`, `0s`  | 0 s              | `0s`           |
public enum PrometheusDuration {
    /// One unit: its suffix, its length in milliseconds, and whether `format` uses it only when it divides exactly.
    private struct Unit {
        let suffix: String
        let milliseconds: UInt64
        let onlyWhenExact: Bool
    }

    /// The units from the largest to the smallest, in the order they must be written.
    private static let units: [Unit] = [
        Unit(suffix: "w", milliseconds: 604_800_000, onlyWhenExact: true),
        Unit(suffix: "d", milliseconds: 86_400_000, onlyWhenExact: true),
        Unit(suffix: "h", milliseconds: 3_600_000, onlyWhenExact: false),
        Unit(suffix: "m", milliseconds: 60_000, onlyWhenExact: false),
        Unit(suffix: "s", milliseconds: 1000, onlyWhenExact: false),
        Unit(suffix: "ms", milliseconds: 1, onlyWhenExact: false),
    ]

    /// Parses a Prometheus duration such as `1m30s`; returns nil when `text` is not one.
    ///
    /// Durations longer than `Int64.max` milliseconds are rejected.
    public static func parse(_ text: String) -> Duration? {
        if text == "0" {
            return .zero
        }
        var rest = Substring(text)
        var total: UInt64 = 0
        var nextUnit = units.startIndex
        guard !rest.isEmpty else {
            return nil
        }
        while !rest.isEmpty {
            let digits = rest.prefix { $0.isASCII && $0.isNumber }
            let suffix = rest.dropFirst(digits.count).prefix { $0.isASCII && $0.isLetter }
            guard !digits.isEmpty, let count = UInt64(digits),
                let unitIndex = units[nextUnit...].firstIndex(where: { $0.suffix == suffix })
            else {
                return nil
            }
            let (product, overflow) = count.multipliedReportingOverflow(by: units[unitIndex].milliseconds)
            let (sum, sumOverflow) = total.addingReportingOverflow(product)
            guard !overflow, !sumOverflow, sum <= UInt64(Int64.max) else {
                return nil
            }
            total = sum
            nextUnit = unitIndex + 1
            rest = rest.dropFirst(digits.count + suffix.count)
        }
        return .milliseconds(Int64(total))
    }

    /// Formats `duration` the way Prometheus does: `1m30s`, `500ms`, `2w`, `0s`.
    ///
    /// Weeks and days are used only when they divide the duration exactly (`36h`, not `1d12h`).
    /// Anything below a millisecond is dropped; a negative duration gets a leading `-`.
    public static func format(_ duration: Duration) -> String {
        let (seconds, attoseconds) = duration.components
        let isNegative = seconds < 0 || attoseconds < 0
        let milliseconds = attoseconds.magnitude / 1_000_000_000_000_000
        var remainingSeconds = seconds.magnitude
        guard remainingSeconds > 0 || milliseconds > 0 else {
            return "0s"
        }
        var text = isNegative ? "-" : ""
        for unit in units where unit.milliseconds >= 1000 {
            let unitSeconds = unit.milliseconds / 1000
            if unit.onlyWhenExact && (milliseconds != 0 || !remainingSeconds.isMultiple(of: unitSeconds)) {
                continue
            }
            let count = remainingSeconds / unitSeconds
            if count > 0 {
                text += "\(count)\(unit.suffix)"
                remainingSeconds -= count * unitSeconds
            }
        }
        if milliseconds > 0 {
            text += "\(milliseconds)ms"
        }
        return text
    }
}
