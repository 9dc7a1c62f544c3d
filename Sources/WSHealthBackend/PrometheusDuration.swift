/// Parses durations written the Prometheus way: `500ms`, `5s`, `1m30s`, `2h`, `1d`, `1w`, `1y`, or a bare `0`.
///
/// Units must appear from largest to smallest, each at most once (`1m30s` is fine, `30s1m` is not).
/// The result is capped at 100 years so that it always fits an event loop deadline.
enum PrometheusDuration {
    /// The units in the order they must appear, with their length in milliseconds.
    private static let units: [(suffix: String, milliseconds: Int64)] = [
        ("y", 365 * 24 * 3_600_000),
        ("w", 7 * 24 * 3_600_000),
        ("d", 24 * 3_600_000),
        ("h", 3_600_000),
        ("m", 60_000),
        ("s", 1_000),
        ("ms", 1),
    ]

    /// The largest accepted duration, in milliseconds (100 years).
    static let maximumMilliseconds: Int64 = 100 * 365 * 24 * 3_600_000

    /// The duration `text` denotes, or `nil` if it is not a well-formed Prometheus duration.
    static func parse(_ text: String) -> Duration? {
        if text == "0" {
            return .zero
        }
        var remaining = Substring(text)
        var nextUnit = 0
        var total: Int64 = 0
        while !remaining.isEmpty {
            let digits = remaining.prefix { $0.isASCII && $0.isNumber }
            guard !digits.isEmpty, let value = Int64(digits) else {
                return nil
            }
            remaining = remaining.dropFirst(digits.count)
            // "ms" must be tried before "m", so match the longest suffix that is still allowed here.
            guard
                let index = self.units.indices.filter({ $0 >= nextUnit && remaining.hasPrefix(self.units[$0].suffix) })
                    .max(by: { self.units[$0].suffix.count < self.units[$1].suffix.count })
            else {
                return nil
            }
            remaining = remaining.dropFirst(self.units[index].suffix.count)
            nextUnit = index + 1
            let (product, overflow) = value.multipliedReportingOverflow(by: self.units[index].milliseconds)
            guard !overflow, product <= self.maximumMilliseconds - total else {
                return nil
            }
            total += product
        }
        return nextUnit == 0 ? nil : .milliseconds(total)
    }

    /// `duration` written back in the largest units that describe it exactly, e.g. `1m30s` or `0s`.
    static func format(_ duration: Duration) -> String {
        let (seconds, attoseconds) = duration.components
        var remaining = seconds * 1_000 + attoseconds / 1_000_000_000_000_000
        guard remaining > 0 else {
            return "0s"
        }
        var text = ""
        for unit in self.units where remaining >= unit.milliseconds {
            text += "\(remaining / unit.milliseconds)\(unit.suffix)"
            remaining %= unit.milliseconds
        }
        return text
    }
}
