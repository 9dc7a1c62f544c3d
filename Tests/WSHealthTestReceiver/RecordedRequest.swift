/// A request as ``RecordingReceiver`` received it.
public struct RecordedRequest: Sendable, Hashable {
    /// `POST`, `GET`, ...
    public var method: String
    /// The request target as sent: path and query.
    public var uri: String
    /// The header fields in the order they arrived.
    public var headers: [HeaderField]
    /// The body bytes.
    public var body: [UInt8]
    /// When the whole request (its end) had arrived.
    public var receivedAt: ContinuousClock.Instant

    /// Creates a recorded request.
    public init(
        method: String,
        uri: String,
        headers: [HeaderField],
        body: [UInt8],
        receivedAt: ContinuousClock.Instant
    ) {
        self.method = method
        self.uri = uri
        self.headers = headers
        self.body = body
        self.receivedAt = receivedAt
    }

    /// The path: ``uri`` without its query.
    public var path: String {
        String(self.uri.prefix { $0 != "?" })
    }

    /// The body as text (invalid UTF-8 replaced).
    public var bodyText: String { String(decoding: self.body, as: UTF8.self) }

    /// The first value of the header `name` (case-insensitive), if any.
    public func header(_ name: String) -> String? {
        self.headerValues(name).first
    }

    /// Every value of the header `name` (case-insensitive), in order.
    public func headerValues(_ name: String) -> [String] {
        let name = name.lowercased()
        return self.headers.filter { $0.name.lowercased() == name }.map(\.value)
    }
}

/// One header field.
public struct HeaderField: Sendable, Hashable {
    /// The name as sent.
    public var name: String
    /// The value, without surrounding whitespace.
    public var value: String

    /// Creates a field.
    public init(name: String, value: String) {
        self.name = name
        self.value = value
    }
}
