/// A JSON Pointer (RFC 6901): the path to one value of a JSON document, `/a/0/b`.
public struct JSONPointer: Sendable, Equatable, CustomStringConvertible {
    /// The reference tokens, unescaped (`~1` is `/`, `~0` is `~`); none for the whole document.
    public var tokens: [String]

    /// A pointer of `tokens`.
    public init(tokens: [String]) {
        self.tokens = tokens
    }

    /// Parses `text`; nil unless it is empty or starts with `/`, or when a `~` is not followed
    /// by `0` or `1`.
    public init?(_ text: String) {
        guard !text.isEmpty else {
            self.tokens = []
            return
        }
        guard text.hasPrefix("/") else { return nil }
        var tokens: [String] = []
        for raw in text.dropFirst().split(separator: "/", omittingEmptySubsequences: false) {
            var token = ""
            var escaped = false
            for character in raw {
                if escaped {
                    guard character == "0" || character == "1" else { return nil }
                    token.append(character == "0" ? "~" : "/")
                    escaped = false
                } else if character == "~" {
                    escaped = true
                } else {
                    token.append(character)
                }
            }
            guard !escaped else { return nil }
            tokens.append(token)
        }
        self.tokens = tokens
    }

    /// The pointer as written, escaped.
    public var description: String {
        self.tokens.map { token in
            "/" + token.map { $0 == "~" ? "~0" : $0 == "/" ? "~1" : String($0) }.joined()
        }.joined()
    }
}

extension ConfigMapping {
    /// The JSON Pointer under `pointer`, required; a missing or malformed one is reported with
    /// `example` of a good one.
    func jsonPointer(example: String) -> JSONPointer? {
        guard let node = self["pointer"] else {
            self.report("pointer", "is required, like \(example)")
            return nil
        }
        guard let text = node.string() else { return nil }
        guard let pointer = JSONPointer(text) else {
            node.report("must be a JSON Pointer: empty, or `/` then the keys, like \(example); got \(text.quoted)")
            return nil
        }
        return pointer
    }
}
