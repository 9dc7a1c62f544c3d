internal import Foundation

extension TargetConfiguration {
    /// The accepted numbers of sessions per target.
    static let sessionsRange = 1...100_000
    /// The longest target name, in characters.
    static let maxNameLength = 64

    /// Decodes one element of `targets`. Returns nil when it has any problem (all of them reported).
    ///
    /// - Parameter names: The names of the targets before this one, with their paths; this target's
    ///   name is added, or reported as a duplicate.
    static func decode(_ node: ConfigNode, names: inout [String: String]) -> TargetConfiguration? {
        guard let mapping = node.mapping() else {
            return nil
        }
        let problemCount = mapping.decoder.problems.count
        // Defaults first; `name` and `url` are required, so these two placeholders never survive.
        var target = TargetConfiguration(name: "", url: URL(filePath: "/"))
        if let name = decodeName(mapping, names: &names) {
            target.name = name
        }
        let url = decodeURL(mapping)
        if let url {
            target.url = url
        }
        if let sessions = mapping["sessions"]?.integer(in: sessionsRange) {
            target.sessions = sessions
        }
        target.token = mapping["token", secret: true].flatMap(TokenConfiguration.decode)
        if let expect = mapping.section("expect", as: ExpectConfiguration.self) {
            target.expect = expect
        }
        if let timeout = mapping["handshake_timeout"]?.positiveDuration() {
            target.handshakeTimeout = timeout
        }
        target.ping =
            mapping["ping"]?.mapping().map {
                PingConfiguration(decoding: $0, defaultInterval: target.expect.staleAfter)
            }
            ?? PingConfiguration(interval: target.expect.staleAfter)
        if let reconnect = mapping.section("reconnect", as: ReconnectConfiguration.self) {
            target.reconnect = reconnect
        }
        if let delay = mapping["error_retry_after"]?.duration() {
            target.errorRetryAfter = delay == .zero ? nil : delay
        }
        if let node = mapping["tls"] {
            if url != nil && !target.isSecure {
                node.report("only valid for a wss:// url")
            }
            target.tls = node.mapping().map(TLSConfiguration.init(decoding:))
        }
        if let node = mapping["compression"], let compression = CompressionConfiguration(decoding: node) {
            target.compression = compression
        }
        decodeHandshake(mapping, into: &target)
        target.conversation = ConversationConfiguration.decode(mapping)
        if let node = mapping["protocol"], let preset = ProtocolPreset.decode(node) {
            target.protocolPreset = preset
            Self.apply(preset, to: &target, unless: mapping)
        }
        if !target.expect.json, target.conversation.data?.readsJSON == true {
            mapping.report("data", "a pointer needs expect.json: true")
        }
        checkHeadersAgainstToken(mapping, target)
        mapping.reportUnknownKeys()
        return mapping.decoder.problems.count == problemCount ? target : nil
    }

    /// Sets what `preset` says wherever the target's own `mapping` says nothing.
    private static func apply(
        _ preset: ProtocolPreset,
        to target: inout TargetConfiguration,
        unless mapping: ConfigMapping
    ) {
        let defaults = preset.conversation(firstData: target.expect.staleAfter)
        if mapping["subprotocols"] == nil { target.subprotocols = preset.subprotocols }
        if mapping["on_open"] == nil { target.conversation.onOpen = defaults.onOpen }
        if mapping["replies"] == nil { target.conversation.replies = defaults.replies }
        if mapping["data"] == nil { target.conversation.data = defaults.data }
        if mapping["heartbeat"] == nil { target.conversation.heartbeat = defaults.heartbeat }
        if mapping["expect"]?.mappingIfAny()?["json"] == nil { target.expect.json = preset.expectsJSON }
    }

    /// Reads `name`: required, 1 to 64 printable characters, not used by an earlier target.
    private static func decodeName(_ mapping: ConfigMapping, names: inout [String: String]) -> String? {
        guard let node = mapping["name"] else {
            mapping.report("name", "is required")
            return nil
        }
        guard let name = node.string() else {
            return nil
        }
        guard (1...maxNameLength).contains(name.count) else {
            node.report("must be 1 to \(maxNameLength) characters, got \(name.quoted)")
            return nil
        }
        guard name.isPrintable else {
            node.report("must contain only printable characters, got \(name.quoted)")
            return nil
        }
        if let first = names[name] {
            node.report("duplicate target name \(name.quoted) (also \(first))")
            return nil
        }
        names[name] = mapping.path
        return name
    }

    /// Reads `url`: required, `ws://` or `wss://`, with a host, a valid port and no fragment.
    ///
    /// Messages show the URL with its query and password as `<redacted>`: either may hold a token.
    private static func decodeURL(_ mapping: ConfigMapping) -> URL? {
        guard let node = mapping["url"] else {
            mapping.report("url", "is required")
            return nil
        }
        guard let text = node.string() else {
            return nil
        }
        let shown = text.redactingURLSecrets.quoted
        guard let url = URL(string: text, encodingInvalidCharacters: false), let scheme = url.scheme else {
            node.report("not a valid URL, got \(shown)")
            return nil
        }
        guard ["ws", "wss"].contains(scheme.lowercased()) else {
            node.report("must be a ws:// or wss:// URL, got \(shown)")
            return nil
        }
        guard let host = url.host(), !host.isEmpty else {
            node.report("not a valid URL, got \(shown)")
            return nil
        }
        if let port = url.port, !(1...65_535).contains(port) {
            node.report("port must be between 1 and 65535, got \(shown)")
            return nil
        }
        if url.fragment != nil {
            node.report("must not have a fragment, got \(shown)")
            return nil
        }
        return url
    }
}
