/// Where a message says when its data was produced: `expect.timestamp`. With it, a session's
/// data is as old as its newest timestamp, and `stale_after` applies to that age.
public struct TimestampConfiguration: Sendable, Equatable {
    /// How the timestamp is written.
    public enum Format: String, Sendable, Equatable, CaseIterable {
        /// A JSON number of seconds since the Unix epoch, fractions allowed.
        case unixSeconds = "unix_seconds"
        /// A JSON number of milliseconds since the Unix epoch.
        case unixMilliseconds = "unix_ms"
        /// A JSON string in RFC 3339 (`2026-12-03T13:50:09Z`, fractions and offsets allowed);
        /// without an offset it is read as UTC, as Python's `datetime.utcnow().isoformat()` writes it.
        case rfc3339
    }

    /// The JSON Pointer (RFC 6901) of the timestamp in each message: `/timestamp`.
    public var pointer: JSONPointer
    public var format: Format

    /// Creates the setting.
    public init(pointer: JSONPointer, format: Format) {
        self.pointer = pointer
        self.format = format
    }
}

extension TimestampConfiguration: ConfigSection {
    /// Decodes `timestamp: {pointer, format}`; both required.
    init(decoding mapping: ConfigMapping) {
        self.init(pointer: JSONPointer(tokens: []), format: .rfc3339)
        if let pointer = mapping.jsonPointer(example: "/timestamp") { self.pointer = pointer }
        if let node = mapping["format"] {
            if let format = node.choice(Format.self) { self.format = format }
        } else {
            mapping.report("format", "is required: \(Format.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        mapping.reportUnknownKeys()
    }
}
