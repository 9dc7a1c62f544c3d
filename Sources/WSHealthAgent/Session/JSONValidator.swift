/// Checks that bytes are one well-formed JSON text (RFC 8259) without building any objects:
/// the agent validates every message the way the dashboard's `JSON.parse` would accept it,
/// at the cost of one pass and no allocation.
struct JSONValidator {
    /// How deep arrays and objects may nest before the text is refused (a hostile backend
    /// cannot make the agent recurse without bound).
    static let maximumDepth = 128

    /// Whether `bytes` hold exactly one JSON value, surrounded by optional whitespace.
    static func isValid(_ bytes: some Collection<UInt8>) -> Bool {
        let result = bytes.withContiguousStorageIfAvailable { buffer in
            var validator = JSONValidator(buffer)
            return validator.validateDocument()
        }
        if let result { return result }
        let copy = Array(bytes)
        return copy.withUnsafeBufferPointer { buffer in
            var validator = JSONValidator(buffer)
            return validator.validateDocument()
        }
    }

    private let bytes: UnsafeBufferPointer<UInt8>
    private var index = 0

    private init(_ bytes: UnsafeBufferPointer<UInt8>) { self.bytes = bytes }

    private var current: UInt8? { self.index < self.bytes.count ? self.bytes[self.index] : nil }

    private mutating func validateDocument() -> Bool {
        self.skipWhitespace()
        guard self.value(depth: 0) else { return false }
        self.skipWhitespace()
        return self.index == self.bytes.count
    }

    private mutating func skipWhitespace() {
        while let byte = self.current, byte == 0x20 || byte == 0x0A || byte == 0x0D || byte == 0x09 {
            self.index += 1
        }
    }

    /// A value inside `depth` arrays and objects. The limit is checked where one opens, not
    /// for every value: 128 nested arrays hold a number as well as nothing.
    private mutating func value(depth: Int) -> Bool {
        guard let byte = self.current else { return false }
        switch byte {
        case UInt8(ascii: "{"): return depth < Self.maximumDepth && self.object(depth: depth + 1)
        case UInt8(ascii: "["): return depth < Self.maximumDepth && self.array(depth: depth + 1)
        case UInt8(ascii: "\""): return self.string()
        case UInt8(ascii: "t"): return self.literal("true")
        case UInt8(ascii: "f"): return self.literal("false")
        case UInt8(ascii: "n"): return self.literal("null")
        default: return self.number()
        }
    }

    private mutating func object(depth: Int) -> Bool {
        self.index += 1
        self.skipWhitespace()
        if self.current == UInt8(ascii: "}") {
            self.index += 1
            return true
        }
        while true {
            guard self.current == UInt8(ascii: "\""), self.string() else { return false }
            self.skipWhitespace()
            guard self.current == UInt8(ascii: ":") else { return false }
            self.index += 1
            self.skipWhitespace()
            guard self.value(depth: depth) else { return false }
            self.skipWhitespace()
            switch self.current {
            case UInt8(ascii: ","):
                self.index += 1
                self.skipWhitespace()
            case UInt8(ascii: "}"):
                self.index += 1
                return true
            default:
                return false
            }
        }
    }

    private mutating func array(depth: Int) -> Bool {
        self.index += 1
        self.skipWhitespace()
        if self.current == UInt8(ascii: "]") {
            self.index += 1
            return true
        }
        while true {
            guard self.value(depth: depth) else { return false }
            self.skipWhitespace()
            switch self.current {
            case UInt8(ascii: ","):
                self.index += 1
                self.skipWhitespace()
            case UInt8(ascii: "]"):
                self.index += 1
                return true
            default:
                return false
            }
        }
    }

    private mutating func string() -> Bool {
        self.index += 1
        while let byte = self.current {
            self.index += 1
            switch byte {
            case UInt8(ascii: "\""):
                return true
            case UInt8(ascii: "\\"):
                guard let escaped = self.current else { return false }
                self.index += 1
                switch escaped {
                case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"), UInt8(ascii: "b"),
                    UInt8(ascii: "f"), UInt8(ascii: "n"), UInt8(ascii: "r"), UInt8(ascii: "t"):
                    continue
                case UInt8(ascii: "u"):
                    for _ in 0..<4 {
                        guard let hex = self.current, hex.isHexDigit else { return false }
                        self.index += 1
                    }
                default:
                    return false
                }
            case 0x00..<0x20:
                return false  // control characters must be escaped
            default:
                continue  // UTF-8 validity is the WebSocket decoder's job for text frames
            }
        }
        return false
    }

    private mutating func number() -> Bool {
        if self.current == UInt8(ascii: "-") { self.index += 1 }
        guard let first = self.current, first.isDigit else { return false }
        self.index += 1
        if first != UInt8(ascii: "0") { self.skipDigits() }
        if self.current == UInt8(ascii: ".") {
            self.index += 1
            guard self.current?.isDigit == true else { return false }
            self.skipDigits()
        }
        if self.current == UInt8(ascii: "e") || self.current == UInt8(ascii: "E") {
            self.index += 1
            if self.current == UInt8(ascii: "+") || self.current == UInt8(ascii: "-") { self.index += 1 }
            guard self.current?.isDigit == true else { return false }
            self.skipDigits()
        }
        return true
    }

    private mutating func skipDigits() {
        while self.current?.isDigit == true { self.index += 1 }
    }

    private mutating func literal(_ word: StaticString) -> Bool {
        let count = word.utf8CodeUnitCount
        guard self.bytes.count - self.index >= count else { return false }
        for offset in 0..<count where self.bytes[self.index + offset] != word.utf8Start[offset] {
            return false
        }
        self.index += count
        return true
    }
}

extension UInt8 {
    fileprivate var isDigit: Bool { self >= UInt8(ascii: "0") && self <= UInt8(ascii: "9") }
    fileprivate var isHexDigit: Bool {
        self.isDigit || (self >= UInt8(ascii: "a") && self <= UInt8(ascii: "f"))
            || (self >= UInt8(ascii: "A") && self <= UInt8(ascii: "F"))
    }
}
