/// What a target's sessions offer for compression: permessage-deflate (RFC 7692) as Chromium
/// offers it, by default, so the sessions meet the server's compression path as users do.
///
/// `compression: deflate` or `none`, or a mapping to trade fidelity for memory:
/// `{method: deflate, server_max_window_bits: 10, server_no_context_takeover: true}`.
public struct CompressionConfiguration: Sendable, Equatable {
    /// Whether to offer compression.
    public enum Method: String, Sendable, Equatable, CaseIterable {
        /// Offer permessage-deflate.
        case deflate
        /// Offer nothing: the server sends uncompressed frames.
        case none
    }

    /// Default ``Method/deflate``.
    public var method: Method
    /// Ask the server for a window of at most 2^bits bytes (8…15), which is what a session
    /// keeps while the server keeps its context; nil asks nothing (Chromium's offer).
    public var serverMaxWindowBits: Int?
    /// Ask the server to compress each message on its own: no window kept per session. Default false.
    public var serverNoContextTakeover: Bool

    /// Creates the settings; the defaults are Chromium's offer.
    public init(method: Method = .deflate, serverMaxWindowBits: Int? = nil, serverNoContextTakeover: Bool = false) {
        self.method = method
        self.serverMaxWindowBits = serverMaxWindowBits
        self.serverNoContextTakeover = serverNoContextTakeover
    }
}

extension CompressionConfiguration {
    /// Decodes `compression:`, a method name or a mapping of `method`, `server_max_window_bits`
    /// and `server_no_context_takeover`.
    init?(decoding node: ConfigNode) {
        self.init()
        if node.isScalar {
            guard let method = node.choice(Method.self) else { return nil }
            self.method = method
            return
        }
        guard let mapping = node.mapping() else { return nil }
        let problems = mapping.decoder.problems.count
        if let method = mapping["method"]?.choice(Method.self) {
            self.method = method
        }
        if let bits = mapping["server_max_window_bits"]?.integer(in: 8...15) {
            self.serverMaxWindowBits = bits
        }
        if let reset = mapping["server_no_context_takeover"]?.bool() {
            self.serverNoContextTakeover = reset
        }
        mapping.reportUnknownKeys()
        if mapping.decoder.problems.count > problems { return nil }
    }
}
