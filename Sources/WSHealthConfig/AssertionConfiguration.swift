/// A condition every data message must meet: `expect.assertions`. A message that fails one is
/// counted as `assertion_failed` and is not data.
public struct AssertionConfiguration: Sendable, Equatable, CustomStringConvertible {
    /// The JSON types a value can have.
    public enum ValueType: String, Sendable, Equatable, CaseIterable {
        case string, number, boolean, null, object, array
    }

    /// A scalar a value must equal.
    public enum Scalar: Sendable, Equatable, CustomStringConvertible {
        case string(String)
        case number(Double)
        case boolean(Bool)
        case null

        public var description: String {
            switch self {
            case .string(let text): text.quoted
            case .number(let value): value == value.rounded() && abs(value) < 1e15 ? String(Int(value)) : "\(value)"
            case .boolean(let value): "\(value)"
            case .null: "null"
            }
        }
    }

    /// Where the value is (RFC 6901).
    public var pointer: JSONPointer
    /// Whether the value must be there (true) or must not (false).
    public var exists: Bool
    public var type: ValueType?
    public var equals: Scalar?
    /// Bounds of a number, inclusive.
    public var min: Double?
    public var max: Double?

    /// Creates an assertion; with only a pointer, the value must exist.
    public init(
        pointer: JSONPointer,
        exists: Bool = true,
        type: ValueType? = nil,
        equals: Scalar? = nil,
        min: Double? = nil,
        max: Double? = nil
    ) {
        self.pointer = pointer
        self.exists = exists
        self.type = type
        self.equals = equals
        self.min = min
        self.max = max
    }

    /// What the assertion expects, in words for logs: `/cpu_percent: a number, at most 100`.
    public var description: String {
        guard self.exists else { return "\(self.pointer): absent" }
        var parts: [String] = []
        if let type { parts.append(type == .array || type == .object ? "an \(type.rawValue)" : "a \(type.rawValue)") }
        if let equals { parts.append("equal to \(equals)") }
        switch (self.min, self.max) {
        case (let low?, let high?): parts.append("between \(Self.number(low)) and \(Self.number(high))")
        case (let low?, nil): parts.append("at least \(Self.number(low))")
        case (nil, let high?): parts.append("at most \(Self.number(high))")
        case (nil, nil): break
        }
        return "\(self.pointer): \(parts.isEmpty ? "present" : parts.joined(separator: ", "))"
    }

    private static func number(_ value: Double) -> String { Scalar.number(value).description }
}

extension AssertionConfiguration {
    /// Decodes one entry of `expect.assertions`: `pointer` and any of `exists`, `type`,
    /// `equals`, `min`, `max`.
    static func decode(_ node: ConfigNode) -> AssertionConfiguration? {
        guard let mapping = node.mapping() else { return nil }
        let pointer = mapping.jsonPointer(example: "/status")
        var assertion = AssertionConfiguration(pointer: pointer ?? JSONPointer(tokens: []))
        var valid = pointer != nil
        if let exists = mapping["exists"]?.bool() { assertion.exists = exists }
        if let type = mapping["type"]?.choice(ValueType.self) { assertion.type = type }
        if let equals = mapping["equals"] {
            if let scalar = equals.jsonScalar() { assertion.equals = scalar } else { valid = false }
        }
        if let low = mapping["min"]?.number() { assertion.min = low }
        if let high = mapping["max"]?.number() { assertion.max = high }
        if let low = assertion.min, let high = assertion.max, low > high {
            mapping.report("max", "must be at least min (\(Scalar.number(low))), got \(Scalar.number(high))")
            valid = false
        }
        let conditions =
            assertion.type != nil || assertion.equals != nil || assertion.min != nil || assertion.max != nil
        if !assertion.exists && conditions {
            mapping.report("exists", "false cannot go with type, equals, min or max")
            valid = false
        }
        mapping.reportUnknownKeys()
        return valid ? assertion : nil
    }
}
