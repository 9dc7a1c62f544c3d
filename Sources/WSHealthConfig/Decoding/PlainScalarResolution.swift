internal import Yams

/// The YAML 1.1 type of a plain (unquoted, untagged) scalar: `3` is an int, `yes` a bool, `~` a
/// null, `<<` a merge key, `1.5e3` a float, anything else a string. The same decision as Yams'
/// default resolver, made without its regular expressions.
///
/// Why not Yams' resolver: its default rules are seven `NSRegularExpression`s, which bring
/// Foundation's ICU regular-expression engine and Unicode tables into the agent, resident for
/// its whole life, to type a handful of scalars once at start-up. Documents are composed with
/// Yams' basic resolver (no rules, every untagged scalar a string), then
/// ``Yams/Node/resolvingPlainScalars()`` retags the plain ones; quoted scalars and explicit
/// tags (`!!int`) keep their type.
enum PlainScalarResolution {
    /// The tag of a plain scalar written `text`.
    static func tag(of text: String) -> Tag.Name {
        let bytes = Array(text.utf8)
        if isBool(text) { return .bool }
        if isInt(bytes[...]) { return .int }
        if isFloat(bytes[...]) { return .float }
        if text == "<<" { return .merge }
        if isNull(text) { return .null }
        return .str
    }

    /// `~`, `null`, `Null`, `NULL` or nothing at all.
    static func isNull(_ text: String) -> Bool {
        ["", "~", "null", "Null", "NULL"].contains(text)
    }

    /// YAML 1.1's booleans: yes/no, true/false, on/off, each all lower-case, capitalised or all
    /// upper-case.
    static func isBool(_ text: String) -> Bool {
        ["yes", "no", "true", "false", "on", "off"].contains { word in
            text == word || text == word.uppercased() || text == word.prefix(1).uppercased() + word.dropFirst()
        }
    }

    /// `0b1010`, `017` or `0o17`, `42`, `0x2A`, `1_000`, `1:30` (base 60), each with an
    /// optional sign.
    static func isInt(_ bytes: ArraySlice<UInt8>) -> Bool {
        let digits = bytes.dropSign()
        if digits.hasPrefix("0b") { return digits.dropFirst(2).isNonEmpty(allIn: binaryDigits) }
        if digits.hasPrefix("0x") { return digits.dropFirst(2).isNonEmpty(allIn: hexDigits) }
        if digits.hasPrefix("0o") { return digits.dropFirst(2).isNonEmpty(allIn: octalDigits) }
        if digits.first == ascii("0") {
            return digits.count == 1 || digits.dropFirst().isNonEmpty(allIn: octalDigits)
        }
        if digits.first.map(nonZeroDigits.contains) == true {
            return digits.isNonEmpty(allIn: underscoredDigits) || isSexagesimal(digits, fraction: false)
        }
        return false
    }

    /// `1.5`, `1.`, `1e3`, `1_000.5E-3`, `.5`, `.5e+3`, `1:30.5` (base 60), `.inf`, `-.Inf`,
    /// `.nan`, with an optional sign where YAML 1.1 allows one. Integers match too: the int
    /// rule is asked first.
    static func isFloat(_ bytes: ArraySlice<UInt8>) -> Bool {
        if [".nan", ".NaN", ".NAN"].contains(where: { bytes.elementsEqual($0.utf8) }) { return true }
        let unsigned = bytes.dropSign()
        if [".inf", ".Inf", ".INF"].contains(where: { unsigned.elementsEqual($0.utf8) }) { return true }
        if unsigned.first.map(decimalDigits.contains) == true {
            return isDecimalFloat(unsigned) || isSexagesimal(unsigned, fraction: true)
        }
        // `.5`: no sign allowed, and an exponent needs its sign.
        guard bytes.first == ascii("."), unsigned.count == bytes.count else { return false }
        var rest = bytes.dropFirst()
        let mantissa = rest.prefix { underscoredDigits.contains($0) }
        guard !mantissa.isEmpty else { return false }
        rest = rest.dropFirst(mantissa.count)
        return rest.isEmpty || isExponent(rest, signRequired: true)
    }

    /// `[0-9][0-9_]*(\.[0-9_]*)?([eE][-+]?[0-9]+)?`, without its sign.
    private static func isDecimalFloat(_ bytes: ArraySlice<UInt8>) -> Bool {
        var rest = bytes.drop { underscoredDigits.contains($0) }
        if rest.first == ascii(".") {
            rest = rest.dropFirst().drop { underscoredDigits.contains($0) }
        }
        return rest.isEmpty || isExponent(rest, signRequired: false)
    }

    /// `[eE][-+]?[0-9]+` (the sign required for `.5e+3`).
    private static func isExponent(_ bytes: ArraySlice<UInt8>, signRequired: Bool) -> Bool {
        guard let e = bytes.first, e == ascii("e") || e == ascii("E") else { return false }
        let afterE = bytes.dropFirst()
        let digits = afterE.dropSign()
        if signRequired && digits.count == afterE.count { return false }
        return digits.isNonEmpty(allIn: decimalDigits)
    }

    /// Base 60, without its sign: `[1-9][0-9_]*(:[0-5]?[0-9])+` for an int (`[0-9][0-9_]*`
    /// first, then `\.[0-9_]*`, for a float).
    private static func isSexagesimal(_ bytes: ArraySlice<UInt8>, fraction: Bool) -> Bool {
        var rest = bytes
        if fraction {
            guard let dot = rest.lastIndex(of: ascii(".")),
                rest[(dot + 1)...].allSatisfy(underscoredDigits.contains)
            else { return false }
            rest = rest[..<dot]
        }
        let groups = rest.split(separator: ascii(":"), omittingEmptySubsequences: false)
        guard groups.count >= 2, let head = groups.first, head.isNonEmpty(allIn: underscoredDigits),
            head.first.map(decimalDigits.contains) == true
        else { return false }
        return groups.dropFirst().allSatisfy { group in
            switch group.count {
            case 1: return decimalDigits.contains(group[group.startIndex])
            case 2:
                return (ascii("0")...ascii("5")).contains(group[group.startIndex])
                    && decimalDigits.contains(group[group.startIndex + 1])
            default: return false
            }
        }
    }

    private static func ascii(_ character: Unicode.Scalar) -> UInt8 { UInt8(ascii: character) }
    private static let decimalDigits = UInt8(ascii: "0")...UInt8(ascii: "9")
    private static let nonZeroDigits = UInt8(ascii: "1")...UInt8(ascii: "9")
    private static let binaryDigits: Set<UInt8> = Set("01_".utf8)
    private static let octalDigits: Set<UInt8> = Set("01234567_".utf8)
    private static let hexDigits: Set<UInt8> = Set("0123456789abcdefABCDEF_".utf8)
    private static let underscoredDigits: Set<UInt8> = Set("0123456789_".utf8)
}

extension Node {
    /// The tree with every plain scalar tagged by ``PlainScalarResolution``, as Yams' default
    /// resolver would have tagged it: what the decoder and Yams' constructors (`int`, `bool`,
    /// which give nil for a `str`) then read is the usual YAML typing.
    func resolvingPlainScalars() -> Node {
        switch self {
        case .scalar(var scalar):
            // The basic resolver made every untagged plain scalar a `str`. One written `!!str 2`
            // cannot be told apart (Yams resolves keys' tags while composing), so it is typed
            // too: harmless here, where any scalar is accepted as a string.
            guard scalar.style == .plain, self.tag.rawValue == Tag.Name.str.rawValue else { return self }
            // The basic resolver given explicitly: `Tag`'s default is the regular-expression one.
            scalar.tag = Tag(PlainScalarResolution.tag(of: scalar.string), .basic, .default)
            return .scalar(scalar)
        case .mapping(var mapping):
            for index in mapping.indices {
                let (key, value) = mapping[index]
                mapping[index] = (key.resolvingPlainScalars(), value.resolvingPlainScalars())
            }
            return .mapping(mapping)
        case .sequence(var sequence):
            for index in sequence.indices { sequence[index] = sequence[index].resolvingPlainScalars() }
            return .sequence(sequence)
        case .alias:
            return self
        }
    }
}

extension ArraySlice<UInt8> {
    /// Without one leading `-` or `+`.
    fileprivate func dropSign() -> ArraySlice<UInt8> {
        first == UInt8(ascii: "-") || first == UInt8(ascii: "+") ? dropFirst() : self
    }

    fileprivate func hasPrefix(_ prefix: String) -> Bool {
        starts(with: prefix.utf8)
    }

    /// Not empty, and every byte in `allowed`.
    fileprivate func isNonEmpty<Allowed: Collection<UInt8>>(allIn allowed: Allowed) -> Bool {
        !isEmpty && allSatisfy(allowed.contains)
    }
}
