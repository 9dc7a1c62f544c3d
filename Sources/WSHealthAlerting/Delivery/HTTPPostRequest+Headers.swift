extension HTTPPostRequest {
    /// A header that cannot be sent; the message names the header, never its value.
    struct InvalidHeader: Error {
        /// `header "X Team": the name is not a token`.
        var message: String
    }

    /// The header lines for libcurl, sorted by name: ``headers``, `Content-Type` unless they
    /// have one, `Authorization: Bearer` for a bearer token, and an empty `Expect:` so a body
    /// over 1 KiB is not held back waiting for a `100 Continue` most receivers never send.
    /// An empty value is written `Name;`, libcurl's syntax for it (`Name:` removes the field).
    func headerLines() throws(InvalidHeader) -> [String] {
        var lines: [String] = []
        var hasContentType = false
        var hasExpect = false
        for (name, value) in self.headers.sorted(by: { $0.key < $1.key }) {
            guard !name.isEmpty, name.utf8.allSatisfy(Self.isTokenByte) else {
                throw InvalidHeader(message: "header \"\(name)\": the name is not a token")
            }
            guard !value.utf8.contains(where: { $0 == 0x0D || $0 == 0x0A || $0 == 0 }) else {
                throw InvalidHeader(message: "header \(name): the value contains CR, LF or NUL")
            }
            switch name.lowercased() {
            case "content-type": hasContentType = true
            case "expect": hasExpect = true
            case "authorization" where self.authorization != nil:
                throw InvalidHeader(message: "header \(name): conflicts with the request's credentials")
            default: break
            }
            lines.append(value.isEmpty ? "\(name);" : "\(name): \(value)")
        }
        if !hasContentType { lines.append("Content-Type: \(Self.defaultContentType)") }
        if !hasExpect { lines.append("Expect:") }
        if case .bearer(let token) = self.authorization {
            guard !token.utf8.contains(where: { $0 == 0x0D || $0 == 0x0A || $0 == 0 }) else {
                throw InvalidHeader(message: "bearer token: contains CR, LF or NUL")
            }
            lines.append("Authorization: Bearer \(token)")
        }
        return lines
    }

    /// Strings that must never appear in a log line or an error detail: header values and credentials.
    var secrets: [String] {
        var secrets = Array(self.headers.values)
        switch self.authorization {
        case .basic(let username, let password): secrets += [username, password]
        case .bearer(let token): secrets.append(token)
        case nil: break
        }
        return secrets.filter { !$0.isEmpty }
    }

    /// RFC 9110 `tchar`: ``!#$%&'*+-.^_`|~``, digits and letters.
    private static func isTokenByte(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "a")...UInt8(ascii: "z"),
            UInt8(ascii: "A")...UInt8(ascii: "Z"):
            return true
        default:
            return "!#$%&'*+-.^_`|~".utf8.contains(byte)
        }
    }
}
