/// Where and how the reference backend listens, and the key it checks tokens with.
///
/// The defaults match the spec's FastAPI backend: `ws://127.0.0.1:8000/api/ws/metrics`, a metrics
/// message every 5 seconds. With ``tls`` the WebSocket listener serves `wss://`; the admin listener
/// (fault switches, status) stays plain HTTP and must stay on loopback.
public struct ReferenceBackendConfiguration: Sendable, Hashable {
    /// The host the WebSocket listener binds to.
    public var host: String
    /// The port of the WebSocket listener; 0 picks an ephemeral port.
    public var port: Int
    /// The host the admin listener binds to; must be a loopback address.
    public var adminHost: String
    /// The port of the admin listener; 0 picks an ephemeral port.
    public var adminPort: Int
    /// The path of the WebSocket endpoint.
    public var path: String
    /// How often every client receives a metrics message.
    public var interval: Duration
    /// The HS256 key tokens must be signed with, at least 32 bytes. Never logged.
    public var jwtSecret: [UInt8]
    /// TLS for the WebSocket listener; nil serves plain `ws://`.
    public var tls: BackendTLS?
    /// Whether to accept permessage-deflate when a client offers it, and then compress every
    /// message with context takeover, as uvicorn (through `websockets`) does by default.
    public var compression: Bool
    /// What the backend speaks over WebSocket: the spec's stream, or a protocol of a preset.
    public var protocolKind: BackendProtocol

    /// The shortest accepted HS256 key, in bytes (the length of a SHA-256 digest).
    public static let minimumSecretLength = 32

    /// Creates a configuration; every field but the secret has the spec's default (no TLS).
    public init(
        host: String = "127.0.0.1",
        port: Int = 8000,
        adminHost: String = "127.0.0.1",
        adminPort: Int = 8001,
        path: String = "/api/ws/metrics",
        interval: Duration = .seconds(5),
        jwtSecret: [UInt8],
        tls: BackendTLS? = nil,
        compression: Bool = true,
        protocolKind: BackendProtocol = .spec
    ) {
        self.host = host
        self.port = port
        self.adminHost = adminHost
        self.adminPort = adminPort
        self.path = path
        self.interval = interval
        self.jwtSecret = jwtSecret
        self.tls = tls
        self.compression = compression
        self.protocolKind = protocolKind
    }

    /// Throws a ``ReferenceBackendError`` naming the first bad field and its value.
    public func validate() throws(ReferenceBackendError) {
        if self.host.isEmpty {
            throw .invalidConfiguration("host: must not be empty")
        }
        for (key, port) in [("port", self.port), ("adminPort", self.adminPort)] where !(0...65_535).contains(port) {
            throw .invalidConfiguration("\(key): must be between 0 and 65535, got \(port)")
        }
        // The admin endpoints can drop every client and refuse every token: never expose them.
        if !Self.isLoopback(self.adminHost) {
            throw .invalidConfiguration(
                "adminHost: must be a loopback address (127.0.0.0/8, ::1 or localhost), got \"\(self.adminHost)\""
            )
        }
        if !self.path.hasPrefix("/") || self.path.contains("?") {
            throw .invalidConfiguration("path: must start with \"/\" and have no query, got \"\(self.path)\"")
        }
        if self.interval <= .zero {
            throw .invalidConfiguration("interval: must be positive, got \(self.interval)")
        }
        // jwt-kit asserts (and will require) an HS256 key at least as long as the SHA-256 output.
        if self.jwtSecret.count < Self.minimumSecretLength {
            throw .invalidConfiguration(
                "jwtSecret: must be at least \(Self.minimumSecretLength) bytes for HS256, got \(self.jwtSecret.count)"
            )
        }
        if let tls = self.tls {
            if tls.certificateChain.isEmpty {
                throw .invalidConfiguration("tls.certificateChain: must hold at least the leaf certificate, got none")
            }
            // A key that does not match the leaf, or an unusable chain, is caught here, not at the first client.
            _ = try tls.makeContext()
        }
    }

    /// Whether `host` names a loopback address: `localhost`, `::1` or an IPv4 address in 127.0.0.0/8.
    static func isLoopback(_ host: String) -> Bool {
        switch host.lowercased() {
        case "localhost", "::1", "[::1]", "0:0:0:0:0:0:0:1":
            return true
        default:
            let octets = host.split(separator: ".", omittingEmptySubsequences: false)
            guard octets.count == 4 else {
                return false
            }
            let values = octets.map { $0.count <= 3 && $0.allSatisfy(\.isASCII) ? UInt8($0) : nil }
            return values.allSatisfy { $0 != nil } && values[0] == 127
        }
    }
}

extension ReferenceBackendConfiguration: CustomStringConvertible {
    /// The configuration with the secret redacted, safe to log.
    public var description: String {
        "ReferenceBackendConfiguration(host: \(self.host), port: \(self.port), adminHost: \(self.adminHost), "
            + "adminPort: \(self.adminPort), path: \(self.path), interval: \(self.interval), jwtSecret: <redacted>, "
            + "tls: \(self.tls == nil ? "off" : "on"))"
    }
}
