extension String {
    /// The URL text with the parts that may hold a secret replaced by `<redacted>`: the query
    /// (`?token=…`, as in the spec's own URL) and the password of the user info.
    ///
    /// `ws://u:pw@h/x?token=abc#f` → `ws://u:<redacted>@h/x?<redacted>#f`.
    var redactingURLSecrets: String {
        var text = self
        if let schemeEnd = text.firstRange(of: "://") {
            let authority = text[schemeEnd.upperBound...].prefix { !"/?#".contains($0) }
            if let at = authority.lastIndex(of: "@"), let colon = authority[..<at].firstIndex(of: ":") {
                text.replaceSubrange(text.index(after: colon)..<at, with: "<redacted>")
            }
        }
        if let question = text.firstIndex(of: "?") {
            let queryStart = text.index(after: question)
            let queryEnd = text[queryStart...].firstIndex(of: "#") ?? text.endIndex
            if queryStart < queryEnd {
                text.replaceSubrange(queryStart..<queryEnd, with: "<redacted>")
            }
        }
        return text
    }
}
