/// Rewrites the Prometheus text format, as swift-prometheus and `ProcessMetrics` write it, into
/// the format the scraper asked for, in one pass over the bytes.
///
/// Both formats get non-finite values spelled as they define them, `NaN`, `+Inf` and `-Inf`
/// (Swift prints `nan`, `inf`). OpenMetrics 1.0 also gets:
/// - each family's metadata in the order TYPE, UNIT, HELP, under the family's name: a counter
///   family `x_total` is `x` (its samples keep `x_total`), a gauge `x_info` is the info family
///   `x` (its sample keeps `x_info`), a counter without `_total` becomes `unknown`;
/// - a UNIT line when the family's name ends in a base unit (`_seconds`, `_bytes`, `_ratio`);
/// - `"` escaped in HELP texts;
/// - no blank lines or other comments, and `# EOF` at the end.
///
/// Sample lines, histograms included, are the same in both formats.
struct ExpositionWriter {
    private let format: ExpositionFormat
    private var output: [UInt8] = []
    /// A HELP line seen before its family's TYPE line: the family name and the escaped text.
    private var pendingHelp: (name: ArraySlice<UInt8>, text: ArraySlice<UInt8>)?

    /// The exposition of `text` in `format`; with `terminated`, OpenMetrics' `# EOF` ends it.
    static func rewrite(_ text: [UInt8], as format: ExpositionFormat, terminated: Bool = true) -> [UInt8] {
        var writer = ExpositionWriter(format: format)
        // OpenMetrics adds a UNIT line to some families and `# EOF`; `+Inf` is a byte longer than `inf`.
        writer.output.reserveCapacity(text.count + text.count / 8 + 256)
        var start = text.startIndex
        while start < text.endIndex {
            let end = text[start...].firstIndex(of: UInt8(ascii: "\n")) ?? text.endIndex
            writer.line(text[start..<end])
            start = end + 1
        }
        writer.flushHelp()
        if terminated { writer.output.append(contentsOf: Self.end(of: format).utf8) }
        return writer.output
    }

    /// The metadata lines of `family` in `format`: what this writer makes of its HELP and TYPE
    /// lines in the text format. Rendered once per family and format.
    static func metadata(of family: MetricFamily, in format: ExpositionFormat) -> [UInt8] {
        var writer = ExpositionWriter(format: format)
        var help = ""
        for character in family.help {
            switch character {
            case "\\": help += "\\\\"
            case "\n": help += "\\n"
            default: help.append(character)
            }
        }
        writer.line(Array("# HELP \(family.name) \(help)".utf8)[...])
        writer.line(Array("# TYPE \(family.name) \(family.kind.rawValue)".utf8)[...])
        return writer.output
    }

    /// What ends an exposition in `format`: `# EOF` in OpenMetrics, nothing in the text format.
    static func end(of format: ExpositionFormat) -> String {
        format == .openMetrics ? "# EOF\n" : ""
    }

    private init(format: ExpositionFormat) { self.format = format }

    private mutating func line(_ line: ArraySlice<UInt8>) {
        guard let first = line.first else { return }
        guard first == UInt8(ascii: "#") else {
            self.flushHelp()
            self.sample(line)
            return
        }
        if line.starts(with: Self.helpPrefix), let (name, text) = Self.split(line.dropFirst(Self.helpPrefix.count)) {
            self.flushHelp()
            self.pendingHelp = (name, text)
        } else if line.starts(with: Self.typePrefix),
            let (name, type) = Self.split(line.dropFirst(Self.typePrefix.count))
        {
            self.family(name: name, type: type)
        } else if self.format == .text {
            self.flushHelp()
            self.output.append(contentsOf: line)
            self.output.append(UInt8(ascii: "\n"))
        }
    }

    /// The metadata of one family, with the HELP text seen before its TYPE line.
    private mutating func family(name: ArraySlice<UInt8>, type: ArraySlice<UInt8>) {
        let help = self.pendingHelp.flatMap { $0.name.elementsEqual(name) ? $0.text : nil }
        if help != nil { self.pendingHelp = nil }
        self.flushHelp()
        guard self.format == .openMetrics else {
            if let help { self.metadata("# HELP ", name, help) }
            self.metadata("# TYPE ", name, type)
            return
        }
        let (family, kind) = Self.openMetricsFamily(name: name, type: String(decoding: type, as: UTF8.self))
        self.metadata("# TYPE ", family, kind.utf8)
        if kind != "info", let unit = Self.baseUnits.first(where: { family.hasSuffix("_" + $0) }) {
            self.metadata("# UNIT ", family, unit.utf8)
        }
        if let help { self.metadata("# HELP ", family, Self.escapingQuotes(help)) }
    }

    /// The OpenMetrics name and type of a family of the text format.
    private static func openMetricsFamily(name: ArraySlice<UInt8>, type: String) -> (ArraySlice<UInt8>, String) {
        switch type {
        case "counter": name.hasSuffix("_total") ? (name.dropLast(6), "counter") : (name, "unknown")
        case "gauge" where name.hasSuffix("_info"): (name.dropLast(5), "info")
        case "untyped": (name, "unknown")
        default: (name, type)
        }
    }

    /// A HELP line whose TYPE line never came: as it is (an untyped family in both formats).
    private mutating func flushHelp() {
        guard let (name, text) = self.pendingHelp else { return }
        self.pendingHelp = nil
        self.metadata("# HELP ", name, self.format == .openMetrics ? Self.escapingQuotes(text) : text)
    }

    private mutating func metadata(_ keyword: String, _ name: ArraySlice<UInt8>, _ value: some Sequence<UInt8>) {
        self.output.append(contentsOf: keyword.utf8)
        self.output.append(contentsOf: name)
        self.output.append(UInt8(ascii: " "))
        self.output.append(contentsOf: value)
        self.output.append(UInt8(ascii: "\n"))
    }

    /// A sample line, its value respelled when it is not finite. Samples carry no timestamp,
    /// so the value follows the last space (label values may hold spaces, never after it).
    private mutating func sample(_ line: ArraySlice<UInt8>) {
        guard let space = line.lastIndex(of: UInt8(ascii: " ")),
            let spelling = Self.nonFiniteSpelling(line[(space + 1)...])
        else {
            self.output.append(contentsOf: line)
            self.output.append(UInt8(ascii: "\n"))
            return
        }
        self.output.append(contentsOf: line[...space])
        self.output.append(contentsOf: spelling.utf8)
        self.output.append(UInt8(ascii: "\n"))
    }

    /// `NaN`, `+Inf` or `-Inf` for Swift's spellings of them (`nan`, `-nan`, `snan`, `inf`,
    /// `-inf`); nil for a finite number, which both formats take as Swift prints it.
    static func nonFiniteSpelling(_ value: ArraySlice<UInt8>) -> String? {
        guard let first = value.first, !(UInt8(ascii: "0")...UInt8(ascii: "9")).contains(first) else { return nil }
        let lowercased = String(decoding: value, as: UTF8.self).lowercased()
        if lowercased.hasSuffix("nan") { return "NaN" }
        switch lowercased {
        case "inf", "+inf", "infinity", "+infinity": return "+Inf"
        case "-inf", "-infinity": return "-Inf"
        default: return nil
        }
    }

    /// HELP text escaped for the text format (`\\`, `\n`) escaped for OpenMetrics, which also escapes `"`.
    private static func escapingQuotes(_ text: ArraySlice<UInt8>) -> ArraySlice<UInt8> {
        guard text.contains(UInt8(ascii: "\"")) else { return text }
        var escaped: [UInt8] = []
        for byte in text {
            if byte == UInt8(ascii: "\"") { escaped.append(UInt8(ascii: "\\")) }
            escaped.append(byte)
        }
        return escaped[...]
    }

    /// `name rest` split at the first space.
    private static func split(_ text: ArraySlice<UInt8>) -> (ArraySlice<UInt8>, ArraySlice<UInt8>)? {
        guard let space = text.firstIndex(of: UInt8(ascii: " ")) else { return nil }
        return (text[..<space], text[(space + 1)...])
    }

    private static let helpPrefix = Array("# HELP ".utf8)
    private static let typePrefix = Array("# TYPE ".utf8)
    /// The Prometheus base units a family name may end in, as OpenMetrics UNIT values.
    private static let baseUnits = ["seconds", "bytes", "ratio"]
}

extension ArraySlice<UInt8> {
    fileprivate func hasSuffix(_ suffix: String) -> Bool {
        let count = suffix.utf8.count
        return self.count >= count && self.suffix(count).elementsEqual(suffix.utf8)
    }
}
