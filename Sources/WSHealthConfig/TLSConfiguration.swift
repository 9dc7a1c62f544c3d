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
        if let name = mapping["server_name"]?.string(), !name.isEmpty {
            serverName = name
        }
        mapping.reportUnknownKeys()
    }
}
