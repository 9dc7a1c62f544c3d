/// The formats `/metrics` speaks, chosen from the scraper's `Accept` header.
enum ExpositionFormat: Equatable, CaseIterable {
    /// The Prometheus text format 0.0.4: the default.
    case text
    /// OpenMetrics 1.0.0, which Prometheus asks for first.
    case openMetrics

    /// The `Content-Type` of an answer in this format.
    var contentType: String {
        switch self {
        case .text: "text/plain; version=0.0.4; charset=utf-8"
        case .openMetrics: "application/openmetrics-text; version=1.0.0; charset=utf-8"
        }
    }

    /// The format an `Accept` header prefers. Each format takes the weight of the most specific
    /// media range that matches it (RFC 9110 §12.5.1); the heavier format wins; at equal weight
    /// one named outright beats one matched by a wildcard, then the earlier range wins. Text
    /// when nothing acceptable matches, as the Prometheus client libraries answer.
    ///
    /// `application/openmetrics-text` matches without a version or with `version=1.0.0`,
    /// `text/plain` without a version or with `version=0.0.4`.
    static func negotiate(accept: String?) -> ExpositionFormat {
        let ranges = (accept ?? "").split(separator: ",").map(MediaRange.init)
        var best: (format: ExpositionFormat, preference: Preference)?
        for format in Self.allCases {
            let matches = ranges.enumerated().compactMap { position, range in
                format.specificity(of: range).map {
                    Preference(weight: range.weight, specificity: $0, position: position)
                }
            }
            guard let preference = matches.max(by: { $0.specificity < $1.specificity }), preference.weight > 0
            else { continue }
            if best.map({ preference.isPreferred(to: $0.preference) }) ?? true { best = (format, preference) }
        }
        return best?.format ?? .text
    }

    /// The format the `Accept` header fields of a request prefer (none: text).
    static func negotiate(acceptFields: [String]) -> ExpositionFormat {
        Self.negotiate(accept: acceptFields.isEmpty ? nil : acceptFields.joined(separator: ","))
    }

    /// How closely a media range names this format: 2 outright, 1 by `type/*`, 0 by `*/*`; nil
    /// when it does not match.
    private func specificity(of range: MediaRange) -> Int? {
        let (type, subtype, version) =
            switch self {
            case .text: ("text", "plain", "0.0.4")
            case .openMetrics: ("application", "openmetrics-text", "1.0.0")
            }
        if range.type == "*" && range.subtype == "*" { return 0 }
        guard range.type == type else { return nil }
        if range.subtype == "*" { return 1 }
        guard range.subtype == subtype, range.version == nil || range.version == version else { return nil }
        return 2
    }

    private struct Preference {
        var weight: Double
        var specificity: Int
        var position: Int

        func isPreferred(to other: Preference) -> Bool {
            if self.weight != other.weight { return self.weight > other.weight }
            if (self.specificity == 2) != (other.specificity == 2) { return self.specificity == 2 }
            return self.position < other.position
        }
    }
}
