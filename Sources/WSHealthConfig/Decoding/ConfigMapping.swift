internal import Yams

/// A YAML mapping being decoded: hands out its values by key and reports every key nobody asked for.
///
/// Each section reads the keys it knows with ``subscript(_:)`` and ends with ``reportUnknownKeys()``;
/// a key that was never read is an unknown key (`targets[0].reconect: unknown key`). So adding a key
/// to the schema is adding one read, and no list of known keys can get out of step.
final class ConfigMapping {
    /// The key path of the mapping itself (empty for the document root).
    let path: String
    /// The decoder the problems go to.
    let decoder: ConfigDecoder
    /// The entries in document order, with their keys as text.
    private let entries: [(key: String, value: Node)]
    /// The keys that have been read.
    private var readKeys: Set<String> = []

    /// Wraps `mapping`, found at `path`; reports keys that are not scalars.
    ///
    /// YAML merge keys are applied (`<<: *defaults`, or a list of aliases, earlier ones winning): the
    /// merged entries fill in the keys the mapping does not set itself, so settings can be shared.
    init(_ mapping: Node.Mapping, path: String, decoder: ConfigDecoder) {
        self.path = path
        self.decoder = decoder
        self.entries = Self.entries(of: mapping, path: path, decoder: decoder)
    }

    /// The entries of `mapping` with merge keys applied, and its keys as text.
    private static func entries(
        of mapping: Node.Mapping,
        path: String,
        decoder: ConfigDecoder
    ) -> [(key: String, value: Node)] {
        var entries: [(key: String, value: Node)] = []
        var merged: [(key: String, value: Node)] = []
        for (key, value) in mapping {
            guard case .scalar(let scalar) = key else {
                let key = ConfigNode(key, path: path, decoder: decoder)
                key.report("keys must be strings, got \(key.described)")
                continue
            }
            guard key.tag.rawValue == Tag.Name.merge.rawValue else {
                entries.append((scalar.string, value))
                continue
            }
            let sources = value.sequence.map(Array.init) ?? [value]
            for source in sources {
                guard case .mapping(let source) = source else {
                    let node = ConfigNode(value, path: ConfigDecoder.path(path, key: "<<"), decoder: decoder)
                    node.report("must be a mapping or a list of mappings, got \(node.described)")
                    break
                }
                merged += Self.entries(of: source, path: path, decoder: decoder)
            }
        }
        for entry in merged where !entries.contains(where: { $0.key == entry.key }) {
            entries.append(entry)
        }
        return entries
    }

    /// The value at `key`, or nil when the key is absent or its value is null (`key:`, `key: ~`).
    ///
    /// Marks the key as known. A value read with `secret: true` is shown as `<redacted>` in messages.
    subscript(_ key: String, secret secret: Bool = false) -> ConfigNode? {
        readKeys.insert(key)
        guard let entry = entries.first(where: { $0.key == key }), entry.value.tag.rawValue != Tag.Name.null.rawValue
        else {
            return nil
        }
        return ConfigNode(entry.value, path: childPath(key), isSecret: secret, decoder: decoder)
    }

    /// Every entry, in document order, each marked as read: for mappings whose keys are data
    /// (user names), not settings.
    func entries(secret: Bool = false) -> [(key: String, value: ConfigNode)] {
        entries.compactMap { entry in self[entry.key, secret: secret].map { (entry.key, $0) } }
    }

    /// The section at `key` decoded, or nil when the key is absent, null or not a mapping (reported).
    func section<Section: ConfigSection>(_ key: String, as type: Section.Type = Section.self) -> Section? {
        self[key]?.mapping().map(Section.init(decoding:))
    }

    /// The key path of `key` inside this mapping.
    func childPath(_ key: String) -> String {
        ConfigDecoder.path(path, key: key)
    }

    /// Reports `message` at the path of `key`.
    func report(_ key: String, _ message: String) {
        decoder.report(childPath(key), message)
    }

    /// Reports `message` at the path of the mapping itself.
    func report(_ message: String) {
        decoder.report(path.isEmpty ? "(root)" : path, message)
    }

    /// Reports, in document order, every key that no section has read.
    func reportUnknownKeys() {
        for entry in entries where !readKeys.contains(entry.key) {
            report(entry.key, "unknown key")
        }
    }
}

/// A mapping of settings where every key is optional: decoding starts from the defaults, overrides
/// what is present, validates it, and reports the rest, so it always produces a value.
protocol ConfigSection {
    /// Decodes the section from `mapping`, reporting every problem to the mapping's decoder.
    init(decoding mapping: ConfigMapping)
}
