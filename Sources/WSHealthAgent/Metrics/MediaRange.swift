/// One element of an `Accept` header, `type/subtype;version=…;q=…`, lowercased.
struct MediaRange: Equatable {
    var type = ""
    var subtype = ""
    /// The `version` parameter the exposition formats use.
    var version: String?
    /// The `q` parameter: 1 without one, 0 when it is not a number from 0 to 1.
    var weight = 1.0

    init(_ element: Substring) {
        let parts = element.split(separator: ";").map { Self.trimmed($0).lowercased() }
        let media = (parts.first ?? "").split(separator: "/", maxSplits: 1, omittingEmptySubsequences: false)
        self.type = String(media[0])
        self.subtype = media.count == 2 ? String(media[1]) : ""
        for parameter in parts.dropFirst() {
            let pair = parameter.split(separator: "=", maxSplits: 1).map { Self.trimmed($0, also: "\"") }
            guard pair.count == 2 else { continue }
            switch pair[0] {
            case "q": self.weight = Double(pair[1]).flatMap { (0...1).contains($0) ? $0 : nil } ?? 0
            case "version": self.version = pair[1]
            default: break
            }
        }
    }

    /// `text` without the spaces and tabs (and `also`) around it.
    private static func trimmed(_ text: Substring, also extra: Character? = nil) -> String {
        let isPadding = { (character: Character) in character == " " || character == "\t" || character == extra }
        guard let start = text.firstIndex(where: { !isPadding($0) }) else { return "" }
        let end = text.lastIndex { !isPadding($0) }!
        return String(text[start...end])
    }
}
