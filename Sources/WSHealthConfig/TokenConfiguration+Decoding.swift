extension TokenConfiguration {
    /// The characters of an HTTP token (RFC 9110 `tchar`), besides letters and digits.
    private static let tokenSymbols = Set("!#$%&'*+-.^_`|~")

    /// Whether `text` is an HTTP token (RFC 9110): a header name, a subprotocol.
    static func isHTTPToken(_ text: String) -> Bool {
        !text.isEmpty && text.allSatisfy { ($0.isASCII && ($0.isLetter || $0.isNumber)) || tokenSymbols.contains($0) }
    }

    /// Decodes `token:`: exactly one source (`value`, `file`, `env`, `jwt`), then at most one of
    /// `param` and `header`. Returns nil when any of it has a problem.
    ///
    /// `node` must be read as a secret: a token written straight into `token:` must not be echoed.
    static func decode(_ node: ConfigNode) -> TokenConfiguration? {
        guard let mapping = node.mapping() else {
            return nil
        }
        let problemCount = mapping.decoder.problems.count
        let source = decodeSource(mapping, allowingJWT: true)
        let placement = decodePlacement(mapping)
        mapping.reportUnknownKeys()
        guard mapping.decoder.problems.count == problemCount, let source, let placement else {
            return nil
        }
        return TokenConfiguration(source: source, placement: placement)
    }

    /// Reads the one source of a secret in `mapping`: `value`, `file`, `env`, or with
    /// `allowingJWT` also `jwt`; reports when there is not exactly one. Shared by `token:` and
    /// the values of `headers:`.
    static func decodeSource(_ mapping: ConfigMapping, allowingJWT: Bool) -> Source? {
        var sources: [Source?] = []
        if let value = mapping["value", secret: true] {
            sources.append(value.nonEmptyString().map(Source.value))
        }
        if let file = mapping["file"] {
            sources.append(file.nonEmptyString().map(Source.file))
        }
        if let env = mapping["env"] {
            sources.append(environmentSource(env))
        }
        if allowingJWT, let jwt = mapping["jwt"] {
            sources.append(jwt.mapping().flatMap(JWTConfiguration.decode).map(Source.jwt))
        }
        guard sources.count == 1 else {
            mapping.report("exactly one of value, file, env\(allowingJWT ? ", jwt" : "") is required")
            return nil
        }
        return sources[0]
    }

    /// Reads `env:`, the name of a variable that must be set and not empty in the decoder's environment.
    private static func environmentSource(_ node: ConfigNode) -> Source? {
        guard let name = node.nonEmptyString() else {
            return nil
        }
        guard let value = node.decoder.environment[name] else {
            node.report("environment variable \(name.quoted) is not set")
            return nil
        }
        guard !value.isEmpty else {
            node.report("environment variable \(name.quoted) is empty")
            return nil
        }
        return .environment(name: name, value: value)
    }

    /// Reads `param:` or `header:`; the query parameter `token` when neither is given.
    private static func decodePlacement(_ mapping: ConfigMapping) -> Placement? {
        switch (mapping["param"], mapping["header"]) {
        case (nil, nil):
            return .queryParameter("token")
        case (let param?, nil):
            return param.nonEmptyString().map(Placement.queryParameter)
        case (nil, let header?):
            guard let name = header.string() else {
                return nil
            }
            guard isHTTPToken(name) else {
                header.report("not a valid HTTP header name, got \(name.quoted)")
                return nil
            }
            return .header(name)
        case (_?, _?):
            mapping.report("param and header are mutually exclusive")
            return nil
        }
    }
}
