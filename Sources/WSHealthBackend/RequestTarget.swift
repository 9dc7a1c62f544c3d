/// The path and query parameters of an HTTP request target such as `/faults/close?code=1011&reason=bye`.
struct RequestTarget: Hashable {
    /// The percent-decoded path, without the query.
    var path: String
    /// The query parameters in order, percent-decoded, `+` read as a space.
    var query: [(name: String, value: String)]

    /// Splits and decodes `uri`; malformed percent escapes are kept as they are.
    init(_ uri: String) {
        let parts = uri.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false)
        self.path = Self.percentDecoded(parts.first ?? "", plusIsSpace: false)
        self.query =
            parts.count < 2
            ? []
            : parts[1].split(separator: "&").map { pair in
                let nameAndValue = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
                return (
                    Self.percentDecoded(nameAndValue[0], plusIsSpace: true),
                    nameAndValue.count > 1 ? Self.percentDecoded(nameAndValue[1], plusIsSpace: true) : ""
                )
            }
    }

    /// The value of the first parameter called `name`, if any.
    subscript(_ name: String) -> String? {
        self.query.first { $0.name == name }?.value
    }

    static func == (lhs: RequestTarget, rhs: RequestTarget) -> Bool {
        lhs.path == rhs.path && lhs.query.elementsEqual(rhs.query) { $0 == $1 }
    }

    func hash(into hasher: inout Hasher) {
        hasher.combine(self.path)
        for (name, value) in self.query {
            hasher.combine(name)
            hasher.combine(value)
        }
    }

    private static func percentDecoded(_ text: Substring, plusIsSpace: Bool) -> String {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(text.utf8.count)
        var input = text.utf8[...]
        while let byte = input.popFirst() {
            if byte == UInt8(ascii: "%"), input.count >= 2,
                let high = Self.hexValue(input[input.startIndex]),
                let low = Self.hexValue(input[input.index(after: input.startIndex)])
            {
                bytes.append(high << 4 | low)
                input = input.dropFirst(2)
            } else if byte == UInt8(ascii: "+") && plusIsSpace {
                bytes.append(UInt8(ascii: " "))
            } else {
                bytes.append(byte)
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    private static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
        default: nil
        }
    }
}
