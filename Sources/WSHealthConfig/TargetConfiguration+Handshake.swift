internal import Foundation
internal import Yams

extension TargetConfiguration {
    /// Headers the agent writes itself, or that other keys set: never in `headers:`.
    static let reservedHeaders: [String: String] = [
        "host": "set from url", "connection": "part of the upgrade", "upgrade": "part of the upgrade",
        "content-length": "a handshake has no body", "transfer-encoding": "a handshake has no body",
        "sec-websocket-key": "part of the upgrade", "sec-websocket-version": "part of the upgrade",
        "sec-websocket-accept": "part of the upgrade", "sec-websocket-extensions": "set by compression",
        "sec-websocket-protocol": "set by subprotocols", "origin": "set by origin",
    ]

    /// Reads `subprotocols`, `origin` and `headers` into `target`.
    static func decodeHandshake(_ mapping: ConfigMapping, into target: inout TargetConfiguration) {
        if let node = mapping["subprotocols"], let list = node.list() {
            var seen: Set<String> = []
            for item in list {
                guard let name = item.string() else { continue }
                guard TokenConfiguration.isHTTPToken(name) else {
                    item.report("not a valid subprotocol name (an HTTP token), got \(name.quoted)")
                    continue
                }
                guard seen.insert(name).inserted else {
                    item.report("duplicate subprotocol \(name.quoted)")
                    continue
                }
                target.subprotocols.append(name)
            }
        }
        if let node = mapping["origin"], let origin = node.string() {
            if Self.isSerializedOrigin(origin) {
                target.origin = origin
            } else {
                node.report(
                    "must be an origin like https://dashboard.example.com (scheme, host, port), got \(origin.quoted)"
                )
            }
        }
        if let node = mapping["headers"], let headers = node.mapping() {
            for (name, value) in headers.entries(secret: true) {
                guard let header = Self.decodeHeader(name: name, value: value) else { continue }
                if target.headers.contains(where: { $0.name.lowercased() == name.lowercased() }) {
                    value.report("duplicate header \(name.quoted)")
                    continue
                }
                target.headers.append(header)
            }
        }
    }

    /// After the whole target is read: a header named like the token's own.
    static func checkHeadersAgainstToken(_ mapping: ConfigMapping, _ target: TargetConfiguration) {
        guard case .header(let tokenHeader)? = target.token?.placement,
            target.headers.contains(where: { $0.name.lowercased() == tokenHeader.lowercased() })
        else { return }
        mapping.report("headers", "\(tokenHeader.quoted) is already the token's header (token.header)")
    }

    /// One entry of `headers:`: a value (a secret), or `{file: …}` or `{env: …}`.
    private static func decodeHeader(name: String, value: ConfigNode) -> HeaderConfiguration? {
        guard TokenConfiguration.isHTTPToken(name) else {
            value.report("not a valid HTTP header name, got \(name.quoted)")
            return nil
        }
        if let why = reservedHeaders[name.lowercased()] {
            value.report("\(name.quoted) cannot be set here (\(why))")
            return nil
        }
        let source: TokenConfiguration.Source?
        if case .scalar = value.node {
            guard let text = value.string() else { return nil }
            source = .value(text)
        } else if let mapping = value.mapping() {
            source = TokenConfiguration.decodeSource(mapping, allowingJWT: false)
            mapping.reportUnknownKeys()
        } else {
            return nil
        }
        guard let source else { return nil }
        switch source {
        case .value(let text), .environment(_, let text):
            guard !text.contains(where: { $0 == "\r" || $0 == "\n" || $0 == "\0" }) else {
                value.report("a header value cannot contain a line break or NUL")
                return nil
            }
        case .file, .jwt:
            break
        }
        return HeaderConfiguration(name: name, source: source)
    }

    /// An origin as a browser sends it: `http` or `https`, a host, maybe a port, nothing else.
    private static func isSerializedOrigin(_ text: String) -> Bool {
        guard let components = URLComponents(string: text), let scheme = components.scheme?.lowercased(),
            scheme == "http" || scheme == "https", let host = components.host, !host.isEmpty
        else { return false }
        return components.path.isEmpty && components.query == nil && components.fragment == nil
            && components.user == nil && components.password == nil
    }
}
