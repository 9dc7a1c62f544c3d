import Testing

@testable import WSHealthAgent

/// A strict reader of both exposition formats, for tests: it throws at the first departure from
/// the OpenMetrics 1.0 ABNF and the MUSTs of its data model, or from the text format 0.0.4, and
/// spells non-finite values only `NaN`, `+Inf`, `-Inf`. Exemplars are not supported.
struct ExpositionReader {
    struct Sample: Hashable {
        var name: String
        var labels: [String: String]
        var value: Double
    }

    struct Family {
        var name: String
        var type: String?
        var unit: String?
        var help: String?
        var samples: [Sample] = []
    }

    struct Failure: Error, CustomStringConvertible {
        var description: String
        init(_ description: String) { self.description = description }
    }

    let format: ExpositionFormat
    private(set) var families: [String: Family] = [:]
    private var current: String?
    /// The label sets (without `le`/`quantile`) of the current family's metrics already ended.
    private var endedMetrics: Set<[String: String]> = []
    private var lastMetric: [String: String]?

    /// The families of `exposition`, by name (a counter family `x` of OpenMetrics, `x_total` of the text format).
    static func read(_ exposition: String, as format: ExpositionFormat) throws -> [String: Family] {
        guard !exposition.contains("\r") else { throw Failure("carriage return") }
        var lines = exposition.split(separator: "\n", omittingEmptySubsequences: false)
        if lines.last == "" { lines.removeLast() }
        if format == .openMetrics {
            guard lines.popLast() == "# EOF" else { throw Failure("does not end with # EOF") }
        }
        var reader = ExpositionReader(format: format)
        for (index, line) in lines.enumerated() {
            do { try reader.line(line) } catch { throw Failure("line \(index + 1): \(error): \(line)") }
        }
        try reader.endFamily()
        return reader.families
    }

    private mutating func line(_ line: Substring) throws {
        if line.isEmpty {
            guard self.format == .text else { throw Failure("blank line") }
            return
        }
        guard line.hasPrefix("#") else { return try self.sample(line) }
        let words = line.split(separator: " ", maxSplits: 3, omittingEmptySubsequences: false)
        let keywords = self.format == .openMetrics ? ["TYPE", "UNIT", "HELP"] : ["TYPE", "HELP"]
        guard words.count >= 3, words[0] == "#", keywords.contains(String(words[1])) else {
            if self.format == .text && !line.hasPrefix("# TYPE") && !line.hasPrefix("# HELP") { return }
            throw Failure("not a metadata line")
        }
        let name = String(words[2])
        guard Grammar.isMetricName(name) else { throw Failure("bad family name") }
        let value = words.count == 4 ? String(words[3]) : ""
        if self.current != name { try self.startFamily(name) }
        guard self.families[name]!.samples.isEmpty else { throw Failure("metadata after samples") }
        switch words[1] {
        case "TYPE":
            guard self.families[name]!.type == nil else { throw Failure("second TYPE") }
            guard Grammar.types(self.format).contains(value) else { throw Failure("bad type") }
            self.families[name]!.type = value
        case "UNIT":
            guard self.families[name]!.unit == nil else { throw Failure("second UNIT") }
            self.families[name]!.unit = value
        default:
            guard self.families[name]!.help == nil else { throw Failure("second HELP") }
            self.families[name]!.help = try Grammar.unescape(value, quotes: self.format == .openMetrics)
        }
    }

    private mutating func sample(_ line: Substring) throws {
        var scanner = Scanner(line)
        let name = scanner.take { Grammar.isMetricNameCharacter($0) }
        guard Grammar.isMetricName(name) else { throw Failure("bad metric name") }
        let labels = try scanner.labels(format: self.format)
        guard scanner.skip(" ") else { throw Failure("no space before the value") }
        let value = try Grammar.number(scanner.take { $0 != " " }, format: self.format)
        if scanner.skip(" ") {
            _ = try Grammar.number(scanner.take { $0 != " " }, format: self.format)  // a timestamp
        }
        guard scanner.isAtEnd else { throw Failure("trailing text (exemplars are not supported)") }
        let family = self.current.flatMap { current in
            Grammar.sampleNames(current, self.families[current]?.type, self.format).contains(name) ? current : nil
        }
        if family == nil { try self.startFamily(name) }
        try self.add(Sample(name: name, labels: labels, value: value), to: family ?? name)
    }

    private mutating func add(_ sample: Sample, to name: String) throws {
        let family = self.families[name]!
        let special: Set<String> = family.type == "summary" ? ["quantile"] : ["le"]
        let metric = sample.labels.filter { !special.contains($0.key) }
        if sample.labels.keys.contains("le") && !(sample.name.hasSuffix("_bucket") && family.type != "summary") {
            throw Failure("le outside a bucket")
        }
        if family.samples.contains(where: { $0.name == sample.name && $0.labels == sample.labels }) {
            throw Failure("duplicate series")
        }
        if let last = self.lastMetric, last != metric {
            self.endedMetrics.insert(last)
            if self.endedMetrics.contains(metric) && self.format == .openMetrics {
                throw Failure("metrics interleaved")
            }
        }
        self.lastMetric = metric
        self.families[name]!.samples.append(sample)
    }

    private mutating func startFamily(_ name: String) throws {
        try self.endFamily()
        guard self.families[name] == nil else { throw Failure("family \(name) appears twice") }
        self.families[name] = Family(name: name)
        self.current = name
    }

    /// The checks that need the whole family: its metadata and its values.
    private mutating func endFamily() throws {
        self.endedMetrics = []
        self.lastMetric = nil
        guard let name = self.current, let family = self.families[name] else { return }
        try FamilyRules.check(family, format: self.format, others: self.families.values.filter { $0.name != name })
    }
}
