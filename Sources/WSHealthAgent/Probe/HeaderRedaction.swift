import Foundation

/// Masks the secrets of an upgrade request and its answer before a probe shows them: the
/// token's query parameter, the headers that carry the token or a configured header's value,
/// credentials and cookies.
struct HeaderRedaction: Sendable {
    /// Lowercased names of the request headers whose values are secrets.
    var secretHeaders: Set<String> = ["authorization", "proxy-authorization", "cookie"]
    /// Names of query parameters whose values are secrets.
    var secretParameters: Set<String> = []

    static let mask = "<redacted>"

    /// The request line and headers, secrets masked.
    func request(_ lines: [String]) -> [String] {
        guard let requestLine = lines.first else { return lines }
        return [self.maskQuery(requestLine)] + lines.dropFirst().map { self.maskHeader($0, secret: self.secretHeaders) }
    }

    /// The status line and headers, cookies masked.
    func response(_ lines: [String]) -> [String] {
        lines.map { self.maskHeader($0, secret: ["set-cookie"]) }
    }

    private func maskHeader(_ line: String, secret: Set<String>) -> String {
        guard let colon = line.firstIndex(of: ":") else { return line }
        let name = line[..<colon]
        return secret.contains(name.lowercased()) ? "\(name): \(Self.mask)" : line
    }

    /// `GET /path?token=abc&x=1 HTTP/1.1` → `GET /path?token=<redacted>&x=1 HTTP/1.1`, for the
    /// configured parameter and the names ``Redaction`` always masks.
    private func maskQuery(_ line: String) -> String {
        let parts = line.split(separator: " ", omittingEmptySubsequences: false)
        guard parts.count == 3, let question = parts[1].firstIndex(of: "?") else { return line }
        let target = parts[1]
        let query = target[target.index(after: question)...].split(separator: "&", omittingEmptySubsequences: false).map
        {
            pair -> String in
            let name = pair.split(separator: "=", maxSplits: 1).first.map(String.init) ?? ""
            let decoded = name.removingPercentEncoding ?? name
            let secret =
                self.secretParameters.contains(decoded) || Redaction.secretParameters.contains(decoded.lowercased())
            return secret ? "\(name)=\(Self.mask)" : String(pair)
        }
        return "\(parts[0]) \(target[..<question])?\(query.joined(separator: "&")) \(parts[2])"
    }
}
