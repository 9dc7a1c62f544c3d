/// One metric family: its name, type and help text, as the text format 0.0.4 names them.
struct MetricFamily: Sendable {
    /// The text format's family types.
    enum Kind: String, Sendable {
        case counter, gauge, histogram
    }

    /// The family's name in the text format (a counter's ends in `_total`).
    var name: String
    var kind: Kind
    var help: String

    /// The family's metadata lines in `format`, rendered once per family and format.
    ///
    /// The text format has HELP then TYPE under the family's name. OpenMetrics 1.0 has TYPE,
    /// UNIT and HELP under its own name for the family: a counter `x_total` is the family `x`,
    /// a gauge `x_info` the info family `x` (their samples keep the suffix); a UNIT line when
    /// the name ends in a base unit; `"` escaped in the help text as well.
    func metadata(in format: ExpositionFormat) -> [UInt8] {
        var help = ""
        for character in self.help {
            switch character {
            case "\\": help += "\\\\"
            case "\n": help += "\\n"
            case "\"" where format == .openMetrics: help += "\\\""
            default: help.append(character)
            }
        }
        guard format == .openMetrics else {
            return Array("# HELP \(self.name) \(help)\n# TYPE \(self.name) \(self.kind.rawValue)\n".utf8)
        }
        let (family, type) =
            switch self.kind {
            case .counter where self.name.hasSuffix("_total"): (String(self.name.dropLast(6)), "counter")
            case .counter: (self.name, "unknown")
            case .gauge where self.name.hasSuffix("_info"): (String(self.name.dropLast(5)), "info")
            case .gauge, .histogram: (self.name, self.kind.rawValue)
            }
        var lines = "# TYPE \(family) \(type)\n"
        if type != "info", let unit = Self.baseUnits.first(where: { family.hasSuffix("_" + $0) }) {
            lines += "# UNIT \(family) \(unit)\n"
        }
        lines += "# HELP \(family) \(help)\n"
        return Array(lines.utf8)
    }

    /// The Prometheus base units a family name may end in, as OpenMetrics UNIT values.
    private static let baseUnits = ["seconds", "bytes", "ratio"]
}
