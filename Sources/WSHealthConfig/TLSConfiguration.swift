/// TLS settings for a `wss://` target; every one is optional.
public struct TLSConfiguration: Sendable, Equatable {
    /// A PEM file of CA certificates to trust instead of the system's; nil uses the system trust store.
    public var caFile: String?
    /// Whether to skip certificate verification (for tests only). Default false.
    public var insecureSkipVerify: Bool
    /// The name to send in SNI and verify the certificate against; nil (or `""`) uses the URL's host.
    public var serverName: String?

    /// Creates TLS settings; the defaults verify against the system trust store and the URL's host.
    public init(caFile: String? = nil, insecureSkipVerify: Bool = false, serverName: String? = nil) {
        self.caFile = caFile
        self.insecureSkipVerify = insecureSkipVerify
        self.serverName = serverName
    }
}

extension TLSConfiguration: ConfigSection {
    /// Decodes `tls:`: `ca_file` (not empty), `insecure_skip_verify`, `server_name` (`""` means unset).
    init(decoding mapping: ConfigMapping) {
        self.init()
        caFile = mapping["ca_file"]?.nonEmptyString()
        if let skip = mapping["insecure_skip_verify"]?.bool() {
            insecureSkipVerify = skip
        }
        if let node = mapping["server_name"], let name = node.string(), !name.isEmpty {
            // An IP address is never sent as SNI, and NIOSSL accepts any subject alternative
            // name the certificate holds for it: checking against it would verify little.
            if Self.isIPAddress(name) {
                node.report("must be a host name, not an IP address, got \(name.quoted)")
            } else {
                serverName = name
            }
        }
        mapping.reportUnknownKeys()
    }

    /// Whether `name` is an IPv4 address in dotted decimal, or an IPv6 address.
    static func isIPAddress(_ name: String) -> Bool {
        if name.contains(":") { return true }
        let parts = name.split(separator: ".", omittingEmptySubsequences: false)
        return parts.count == 4 && parts.allSatisfy { part in UInt8(part) != nil }
    }
}
