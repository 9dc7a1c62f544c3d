import WSHealthConfig

/// Finds the value a JSON Pointer names in a JSON text the ``JSONValidator`` accepted, without
/// building any objects: one forward scan that skips what the pointer does not enter.
struct JSONPointerReader {
    /// A value found: its kind, and for a number or a string where its bytes are in the text.
    enum Value: Equatable {
        /// A number: the literal's bytes.
        case number(Range<Int>)
        /// A string: the bytes between its quotes, escapes as written.
        case string(Range<Int>, escaped: Bool)
        case bool(Bool)
        case null
        case object
        case array
    }

    /// The value at `pointer` in `bytes`; nil when the pointer names nothing.
    static func value(at pointer: JSONPointer, in bytes: UnsafeRawBufferPointer) -> Value? {
        var reader = JSONPointerReader(bytes: bytes)
        reader.skipWhitespace()
        return reader.value(following: pointer.tokens[...])
    }

    private let bytes: UnsafeRawBufferPointer
    private var index = 0

    private init(bytes: UnsafeRawBufferPointer) { self.bytes = bytes }

    private var current: UInt8? { self.index < self.bytes.count ? self.bytes[self.index] : nil }

    private mutating func value(following tokens: ArraySlice<String>) -> Value? {
        guard let token = tokens.first else { return self.valueHere() }
        switch self.current {
        case UInt8(ascii: "{"):
            self.index += 1
            while true {
                self.skipWhitespace()
                guard self.current == UInt8(ascii: "\"") else { return nil }  // `}`: not found
                let (key, escaped) = self.string()
                self.skipWhitespace()
                self.index += 1  // `:`
                self.skipWhitespace()
                if !escaped && self.bytes[key].elementsEqual(token.utf8) {
                    return self.value(following: tokens.dropFirst())
                }
                self.skipValue()
                self.skipWhitespace()
                guard self.current == UInt8(ascii: ",") else { return nil }
                self.index += 1
            }
        case UInt8(ascii: "["):
            guard let position = Int(token), position >= 0, token.first != "+" else { return nil }
            self.index += 1
            for _ in 0..<position {
                self.skipWhitespace()
                guard self.current != UInt8(ascii: "]") else { return nil }
                self.skipValue()
                self.skipWhitespace()
                guard self.current == UInt8(ascii: ",") else { return nil }
                self.index += 1
            }
            self.skipWhitespace()
            guard self.current != UInt8(ascii: "]") else { return nil }
            return self.value(following: tokens.dropFirst())
        default:
            return nil
        }
    }

    private mutating func valueHere() -> Value? {
        switch self.current {
        case UInt8(ascii: "{"): return .object
        case UInt8(ascii: "["): return .array
        case UInt8(ascii: "t"): return .bool(true)
        case UInt8(ascii: "f"): return .bool(false)
        case UInt8(ascii: "n"): return .null
        case UInt8(ascii: "\""):
            let (range, escaped) = self.string()
            return .string(range, escaped: escaped)
        case let byte? where byte == UInt8(ascii: "-") || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte):
            let start = self.index
            self.skipLiteral()
            return .number(start..<self.index)
        default:
            return nil
        }
    }

    /// Reads a string at a quote; returns its content's range and whether it has escapes.
    private mutating func string() -> (Range<Int>, Bool) {
        self.index += 1
        let start = self.index
        var escaped = false
        while let byte = self.current, byte != UInt8(ascii: "\"") {
            if byte == UInt8(ascii: "\\") {
                escaped = true
                self.index += 1
            }
            self.index += 1
        }
        let end = min(self.index, self.bytes.count)
        self.index += 1
        return (start..<end, escaped)
    }

    private mutating func skipValue() {
        switch self.current {
        case UInt8(ascii: "\""):
            _ = self.string()
        case UInt8(ascii: "{"), UInt8(ascii: "["):
            var depth = 0
            repeat {
                switch self.current {
                case UInt8(ascii: "\""): _ = self.string()
                case UInt8(ascii: "{"), UInt8(ascii: "["):
                    depth += 1
                    self.index += 1
                case UInt8(ascii: "}"), UInt8(ascii: "]"):
                    depth -= 1
                    self.index += 1
                case nil: return
                default: self.index += 1
                }
            } while depth > 0
        default:
            self.skipLiteral()
        }
    }

    /// Skips a number, `true`, `false` or `null`.
    private mutating func skipLiteral() {
        while let byte = self.current, !Self.endsLiteral(byte) { self.index += 1 }
    }

    private static func endsLiteral(_ byte: UInt8) -> Bool {
        byte == UInt8(ascii: ",") || byte == UInt8(ascii: "}") || byte == UInt8(ascii: "]") || byte == 0x20
            || byte == 0x0A || byte == 0x0D || byte == 0x09
    }

    private mutating func skipWhitespace() {
        while let byte = self.current, byte == 0x20 || byte == 0x0A || byte == 0x0D || byte == 0x09 {
            self.index += 1
        }
    }
}
