internal import Yams

/// A value in the YAML tree, with its key path, read as one of the types the schema uses.
///
/// Every accessor returns nil when the value is not of the type or out of range, after reporting
/// why (`targets[0].sessions: must be an integer, got "many"`). Type errors show the value as
/// written: strings quoted, numbers bare, `a mapping`, `a list`; a secret shows as `<redacted>`.
struct ConfigNode {
    /// The YAML node.
    let node: Node
    /// Its key path, like `targets[0].expect.interval`.
    let path: String
    /// Whether the value is a secret that no message may show.
    let isSecret: Bool
    /// The decoder the problems go to.
    let decoder: ConfigDecoder

    /// Wraps `node`, found at `path`.
    init(_ node: Node, path: String, isSecret: Bool = false, decoder: ConfigDecoder) {
        self.node = node
        self.path = path
        self.isSecret = isSecret
        self.decoder = decoder
    }

    /// Reports `message` at this value's path.
    func report(_ message: String) {
        decoder.report(path.isEmpty ? "(root)" : path, message)
    }

    /// The value for a type error: `"many"`, `-3`, `true`, `null` (for `~` too), `a mapping`, `a list`,
    /// or `<redacted>`.
    var described: String {
        if isSecret {
            return "<redacted>"
        }
        switch node {
        case .scalar(let scalar):
            if hasTag(.null) {
                return "null"
            }
            return hasTag(.int) || hasTag(.float) || hasTag(.bool) ? scalar.string : scalar.string.quoted
        case .mapping: return "a mapping"
        case .sequence: return "a list"
        case .alias: return "an alias"
        }
    }

    /// The value as written, unquoted, for a range error on a value of the right type: `-3`, `0s`.
    var text: String {
        guard !isSecret, case .scalar(let scalar) = node else {
            return described
        }
        return scalar.string
    }

    /// Whether the value is the YAML type named `tag` (`int`, `float`, `bool`, …) after resolution.
    private func hasTag(_ tag: Tag.Name) -> Bool {
        node.tag.rawValue == tag.rawValue
    }

    /// Any scalar as the text written (`name: 123` is the name `"123"`); mappings and lists are reported.
    func string() -> String? {
        guard case .scalar(let scalar) = node, !hasTag(.null) else {
            report("must be a string, got \(described)")
            return nil
        }
        return scalar.string
    }

    /// A string that must not be empty (paths, names of variables and parameters).
    func nonEmptyString() -> String? {
        guard let value = string() else {
            return nil
        }
        guard !value.isEmpty else {
            report("must not be empty")
            return nil
        }
        return value
    }

    /// An integer (`5`, `0x10`, `1_000`); quoted numbers, fractions and words are reported.
    func integer() -> Int? {
        guard hasTag(.int), let value = node.int else {
            report("must be an integer, got \(described)")
            return nil
        }
        return value
    }

    /// An integer within `range`: `must be at least 1, got -3`, `must be at most 1000, got 5000`.
    func integer(in range: ClosedRange<Int>) -> Int? {
        guard let value = integer() else {
            return nil
        }
        if value < range.lowerBound {
            report("must be at least \(range.lowerBound), got \(text)")
            return nil
        }
        if value > range.upperBound {
            report("must be at most \(range.upperBound), got \(text)")
            return nil
        }
        return value
    }

    /// A number, integer or not (`0`, `0.25`, `1e-1`).
    func number() -> Double? {
        guard hasTag(.int) || hasTag(.float), let value = node.float else {
            report("must be a number, got \(described)")
            return nil
        }
        return value
    }

    /// A scalar as JSON compares it: YAML's null, booleans and numbers as they resolve, any
    /// other scalar a string; mappings and lists are reported.
    func jsonScalar() -> AssertionConfiguration.Scalar? {
        guard case .scalar(let scalar) = node else {
            report("must be a string, number, boolean or null, got \(described)")
            return nil
        }
        if hasTag(.null) { return .null }
        if hasTag(.bool), let value = node.bool { return .boolean(value) }
        if hasTag(.int) || hasTag(.float), let value = node.float { return .number(value) }
        return .string(scalar.string)
    }

    /// `true` or `false` (YAML 1.1 spellings like `yes` and `off` included); quoted strings are reported.
    func bool() -> Bool? {
        guard hasTag(.bool), let value = node.bool else {
            report("must be a boolean, got \(described)")
            return nil
        }
        return value
    }

    /// A Prometheus duration (`500ms`, `5s`, `1h30m`, `0s`), see ``PrometheusDuration``.
    func duration() -> Duration? {
        self.duration(ifNegative: "must not be negative")
    }

    /// A duration greater than zero: `must be greater than 0, got 0s`.
    func positiveDuration() -> Duration? {
        guard let value = self.duration(ifNegative: "must be greater than 0") else {
            return nil
        }
        guard value > .zero else {
            report("must be greater than 0, got \(text)")
            return nil
        }
        return value
    }

    /// A duration; a negative one, which Prometheus' syntax has no sign for, is reported with
    /// `message`, as a value out of range rather than an unreadable one.
    private func duration(ifNegative message: String) -> Duration? {
        guard case .scalar(let scalar) = node else {
            report("not a duration (like 500ms, 5s, 1m), got \(described)")
            return nil
        }
        if let value = PrometheusDuration.parse(scalar.string) {
            return value
        }
        if scalar.string.hasPrefix("-"), PrometheusDuration.parse(String(scalar.string.dropFirst())) != nil {
            report("\(message), got \(text)")
        } else {
            report("not a duration (like 500ms, 5s, 1m), got \(described)")
        }
        return nil
    }

    /// One of the raw values of `Choice`: `must be one of mark, reconnect, got "drop"`.
    func choice<Choice: RawRepresentable & CaseIterable>(_ type: Choice.Type = Choice.self) -> Choice?
    where Choice.RawValue == String {
        guard let raw = string() else {
            return nil
        }
        guard let value = Choice(rawValue: raw) else {
            let choices = Choice.allCases.map(\.rawValue).joined(separator: ", ")
            report("must be one of \(choices), got \(described)")
            return nil
        }
        return value
    }

    /// Whether the value is a scalar (not a mapping, list or alias): for keys that take a
    /// word or a mapping.
    var isScalar: Bool {
        if case .scalar = node { return true }
        return false
    }

    /// Whether the value is a list: for keys that take a mapping or a list of them.
    var isList: Bool {
        if case .sequence = node { return true }
        return false
    }

    /// The value as a mapping to read keys from.
    func mapping() -> ConfigMapping? {
        guard let mapping = self.mappingIfAny() else {
            report("must be a mapping, got \(described)")
            return nil
        }
        return mapping
    }

    /// The value as a mapping, or nil without a report: a second look at a key already read
    /// (and reported, if it was not a mapping).
    func mappingIfAny() -> ConfigMapping? {
        guard case .mapping(let mapping) = node else { return nil }
        return ConfigMapping(mapping, path: path, decoder: decoder)
    }

    /// The value as a list, its elements at paths `path[0]`, `path[1]`, ….
    func list() -> [ConfigNode]? {
        guard case .sequence(let sequence) = node else {
            report("must be a list, got \(described)")
            return nil
        }
        return sequence.enumerated().map { index, element in
            ConfigNode(element, path: ConfigDecoder.path(path, index: index), isSecret: isSecret, decoder: decoder)
        }
    }
}
