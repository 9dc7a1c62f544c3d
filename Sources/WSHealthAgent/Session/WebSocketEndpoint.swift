import Foundation

/// Where a session connects: a parsed `ws://` or `wss://` URL.
struct WebSocketEndpoint: Hashable, Sendable {
    /// Whether the connection uses TLS (`wss://`).
    var isSecure: Bool
    /// The host name or IP address.
    var host: String
    /// The TCP port (80/443 when the URL names none).
    var port: Int
    /// The request target: path and query, without any token.
    var pathAndQuery: String

    /// Parses a URL; the config layer has already validated it, so a failure here is a bug.
    init?(url: String) {
        guard let components = URLComponents(string: url), let scheme = components.scheme?.lowercased(),
            scheme == "ws" || scheme == "wss", let host = components.host, !host.isEmpty
        else { return nil }
        self.isSecure = scheme == "wss"
        // IPv6 literals come back bracketed from some Foundations; sockets want them bare.
        self.host = host.hasPrefix("[") ? String(host.dropFirst().dropLast()) : host
        self.port = components.port ?? (self.isSecure ? 443 : 80)
        let path = components.percentEncodedPath.isEmpty ? "/" : components.percentEncodedPath
        self.pathAndQuery = components.percentEncodedQuery.map { "\(path)?\($0)" } ?? path
    }

    /// The value of the `Host` header.
    var hostHeader: String {
        let host = self.host.contains(":") ? "[\(self.host)]" : self.host
        let defaultPort = self.isSecure ? 443 : 80
        return self.port == defaultPort ? host : "\(host):\(self.port)"
    }

    /// Whether `host` is an IP address, which must never be sent as a TLS server name (SNI).
    var hostIsIPAddress: Bool {
        var ipv4 = in_addr()
        var ipv6 = in6_addr()
        return inet_pton(AF_INET, self.host, &ipv4) == 1 || inet_pton(AF_INET6, self.host, &ipv6) == 1
    }

    /// The request target with the token added as query parameter `name`.
    func pathAndQuery(addingParameter name: String, value: String) -> String {
        let separator = self.pathAndQuery.contains("?") ? "&" : "?"
        return self.pathAndQuery + separator + Self.encode(name) + "=" + Self.encode(value)
    }

    private static let queryValueCharacters: CharacterSet = {
        var allowed = CharacterSet.urlQueryAllowed
        allowed.remove(charactersIn: "&=+?#")
        return allowed
    }()

    private static func encode(_ text: String) -> String {
        text.addingPercentEncoding(withAllowedCharacters: Self.queryValueCharacters) ?? text
    }
}
