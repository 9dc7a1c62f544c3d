import Foundation

@testable import WSHealthAgent

/// The JSON validator (``JSONValidator``) against Foundation's `JSONSerialization` (fragments
/// allowed: the validator takes any value at the top level): the same verdict on every input
/// within the validator's contract, which is RFC 8259 as `JSON.parse` reads it.
///
/// Where the contract and Foundation part, the input is either not asked of Foundation or
/// normalised for it first, each for a stated reason, so that everything else is compared:
/// - not UTF-8: the validator leaves UTF-8 to the WebSocket reader (text messages are checked
///   before); not compared. A raw NUL byte or a UTF-8 byte order mark: never valid to the
///   validator (nor to `JSON.parse`), which is checked, while Foundation would read the text
///   as UTF-16/32 or skip the mark.
/// - nesting over ``JSONValidator/maximumDepth`` (Foundation allows 512): must be refused.
/// - `\uD800`…`\uDFFF` escapes: the grammar allows lone surrogates and `JSON.parse` accepts
///   them; Foundation refuses them. Every surrogate escape becomes `\u0041` for Foundation.
/// - numbers: Foundation refuses magnitudes a Double cannot hold (`1e400`), `JSON.parse`
///   reads them as infinity. Every number that RFC 8259's grammar (checked here, a third
///   opinion) accepts becomes `0`; the validator must give that text the same verdict.
/// - a comma before `]` or `}` (after whitespace and commas): Foundation accepts it, the
///   grammar does not. The validator must refuse it; each such comma becomes a space for the
///   comparison of the rest.
@_cdecl("LLVMFuzzerTestOneInput")
func fuzzJSONValidator(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
    let bytes = UnsafeBufferPointer(start: data, count: size)
    let verdict = JSONValidator.isValid(bytes)
    // A collection without contiguous storage is copied first: the same verdict.
    precondition(JSONValidator.isValid(bytes.lazy.map { $0 }) == verdict, "copied input judged differently")
    if bytes.contains(0) || bytes.starts(with: [0xEF, 0xBB, 0xBF]) {
        precondition(!verdict, "a NUL byte or a byte order mark accepted: \(describe(bytes))")
        return 0
    }
    guard String(validating: bytes, as: UTF8.self) != nil else { return 0 }
    let lexed = Lexed(bytes)
    if lexed.depth > JSONValidator.maximumDepth {
        precondition(!verdict, "nesting \(lexed.depth) deep accepted: \(describe(bytes))")
        return 0
    }
    let normalizedVerdict = JSONValidator.isValid(lexed.normalized)
    if lexed.hadTrailingComma {
        precondition(!verdict, "a comma before a closing bracket accepted: \(describe(bytes))")
    } else {
        precondition(
            normalizedVerdict == verdict,
            "numbers or surrogate escapes changed the verdict to \(normalizedVerdict): \(describe(bytes))"
        )
    }
    let foundation =
        (try? JSONSerialization.jsonObject(with: Data(lexed.normalized), options: .fragmentsAllowed)) != nil
    precondition(
        normalizedVerdict == foundation,
        "validator \(normalizedVerdict), JSONSerialization \(foundation): \(describe(lexed.normalized))"
    )
    return 0
}

func describe(_ bytes: some Collection<UInt8>) -> String {
    String(decoding: bytes.prefix(2000), as: UTF8.self).debugDescription
}

/// The input as Foundation is asked about it, and what was seen on the way: one pass that
/// knows strings (and their escapes) from the rest.
struct Lexed {
    private(set) var normalized: [UInt8] = []
    /// The deepest nesting of `[` and `{` outside strings.
    private(set) var depth = 0
    /// Whether a comma was followed (after whitespace and commas) by `]` or `}`.
    private(set) var hadTrailingComma = false

    init(_ bytes: UnsafeBufferPointer<UInt8>) {
        self.normalized.reserveCapacity(bytes.count)
        var open = 0
        var index = 0
        while index < bytes.count {
            let byte = bytes[index]
            switch byte {
            case UInt8(ascii: "\""):
                index = self.copyString(bytes, from: index)
                continue
            case UInt8(ascii: "["), UInt8(ascii: "{"):
                open += 1
                self.depth = max(self.depth, open)
            case UInt8(ascii: "]"), UInt8(ascii: "}"):
                open -= 1
            case UInt8(ascii: ","):
                // Commas too: in `[1,,]` both go, or Foundation would see the second alone.
                let next = bytes[(index + 1)...].firstIndex { !Self.isWhitespace($0) && $0 != UInt8(ascii: ",") }
                if let next, bytes[next] == UInt8(ascii: "]") || bytes[next] == UInt8(ascii: "}") {
                    self.hadTrailingComma = true
                    self.normalized.append(UInt8(ascii: " "))
                    index += 1
                    continue
                }
            case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"):
                let end = bytes[index...].firstIndex { !Self.isNumberByte($0) } ?? bytes.count
                if Self.isNumber(bytes[index..<end]) {
                    self.normalized.append(UInt8(ascii: "0"))
                } else {
                    self.normalized.append(contentsOf: bytes[index..<end])
                }
                index = end
                continue
            default:
                break
            }
            self.normalized.append(byte)
            index += 1
        }
    }

    /// Copies the string starting at `start` (its opening quote), surrogate escapes replaced;
    /// returns the index after its closing quote (or the end).
    private mutating func copyString(_ bytes: UnsafeBufferPointer<UInt8>, from start: Int) -> Int {
        self.normalized.append(bytes[start])
        var index = start + 1
        while index < bytes.count {
            let byte = bytes[index]
            if byte == UInt8(ascii: "\"") {
                self.normalized.append(byte)
                return index + 1
            }
            guard byte == UInt8(ascii: "\\"), index + 1 < bytes.count else {
                self.normalized.append(byte)
                index += 1
                continue
            }
            let escape = bytes[(index + 2)..<min(bytes.count, index + 6)]
            if bytes[index + 1] == UInt8(ascii: "u"), escape.count == 4, Self.isSurrogate(escape) {
                self.normalized.append(contentsOf: Array(#"\u0041"#.utf8))
                index += 6
            } else {
                self.normalized.append(contentsOf: bytes[index...(index + 1)])
                index += 2
            }
        }
        return index
    }

    static func isWhitespace(_ byte: UInt8) -> Bool {
        byte == 0x20 || byte == 0x0A || byte == 0x0D || byte == 0x09
    }

    static func isNumberByte(_ byte: UInt8) -> Bool {
        isDigit(byte) || byte == UInt8(ascii: "-") || byte == UInt8(ascii: "+") || byte == UInt8(ascii: ".")
            || byte == UInt8(ascii: "e") || byte == UInt8(ascii: "E")
    }

    static func isDigit(_ byte: UInt8) -> Bool { (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) }

    /// `\uD800`…`\uDFFF`: four hex digits, the first `d`, the second 8 to f.
    static func isSurrogate(_ hex: Slice<UnsafeBufferPointer<UInt8>>) -> Bool {
        let digits = Array(hex)
        guard digits.allSatisfy({ $0 < 0x80 && Character(Unicode.Scalar($0)).isHexDigit }) else { return false }
        return (digits[0] | 0x20) == UInt8(ascii: "d") && "89abcdefABCDEF".utf8.contains(digits[1])
    }

    /// RFC 8259's number: `-? (0 | [1-9][0-9]*) (\.[0-9]+)? ([eE][+-]?[0-9]+)?`.
    static func isNumber(_ token: Slice<UnsafeBufferPointer<UInt8>>) -> Bool {
        var rest = token[...]
        if rest.first == UInt8(ascii: "-") { rest = rest.dropFirst() }
        guard let first = rest.first, isDigit(first) else { return false }
        rest = first == UInt8(ascii: "0") ? rest.dropFirst() : rest.drop(while: isDigit)
        if rest.first == UInt8(ascii: ".") {
            let fraction = rest.dropFirst().prefix(while: isDigit)
            guard !fraction.isEmpty else { return false }
            rest = rest.dropFirst(1 + fraction.count)
        }
        if rest.first == UInt8(ascii: "e") || rest.first == UInt8(ascii: "E") {
            rest = rest.dropFirst()
            if rest.first == UInt8(ascii: "+") || rest.first == UInt8(ascii: "-") { rest = rest.dropFirst() }
            let exponent = rest.prefix(while: isDigit)
            guard !exponent.isEmpty else { return false }
            rest = rest.dropFirst(exponent.count)
        }
        return rest.isEmpty
    }
}
