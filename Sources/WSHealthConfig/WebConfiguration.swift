/// The `--web.config.file` of the Prometheus exporter toolkit: TLS for the agent's endpoints
/// and basic authentication with bcrypt-hashed passwords.
///
/// ```yaml
/// tls_server_config:
///   cert_file: /etc/wshealth/tls.crt
///   key_file: /etc/wshealth/tls.key
/// basic_auth_users:
///   prometheus: $2y$10$…          # htpasswd -nBC 10 "" | tr -d ':\n'
/// ```
public struct WebConfiguration: Sendable, Equatable {
    /// TLS for the listener.
    public struct TLSServer: Sendable, Equatable {
        /// The certificate chain, PEM.
        public var certFile: String
        /// The private key, PEM.
        public var keyFile: String

        /// Creates a TLS setting.
        public init(certFile: String, keyFile: String) {
            self.certFile = certFile
            self.keyFile = keyFile
        }
    }

    /// TLS for every endpoint, when set.
    public var tlsServer: TLSServer?
    /// User names and their bcrypt hashes; empty means no authentication.
    public var basicAuthUsers: [String: String]

    /// Creates a web configuration.
    public init(tlsServer: TLSServer? = nil, basicAuthUsers: [String: String] = [:]) {
        self.tlsServer = tlsServer
        self.basicAuthUsers = basicAuthUsers
    }

    /// Decodes and validates a web configuration document; every problem is reported with its
    /// key path. Password hashes never appear in messages.
    public static func parse(yaml: String) throws(ConfigurationError) -> WebConfiguration {
        let decoder = ConfigDecoder(environment: [:])
        var configuration = WebConfiguration()
        if let mapping = try ConfigDocument.root(yaml: yaml, decoder: decoder).mapping() {
            if let tls = mapping["tls_server_config"]?.mapping() {
                let certFile = Self.requiredFile("cert_file", in: tls)
                let keyFile = Self.requiredFile("key_file", in: tls)
                tls.reportUnknownKeys()
                if let certFile, let keyFile {
                    configuration.tlsServer = TLSServer(certFile: certFile, keyFile: keyFile)
                }
            }
            if let users = mapping["basic_auth_users"]?.mapping() {
                for (user, node) in users.entries(secret: true) {
                    guard let hash = node.string() else { continue }
                    guard Self.looksLikeBcrypt(hash) else {
                        users.report(user, "must be a bcrypt hash ($2a$, $2b$ or $2y$), got <redacted>")
                        continue
                    }
                    configuration.basicAuthUsers[user] = hash
                }
            }
            mapping.reportUnknownKeys()
        }
        guard decoder.problems.isEmpty else { throw ConfigurationError(problems: decoder.problems) }
        return configuration
    }

    /// Reads and validates the web configuration file at `path`.
    public static func load(path: String) throws(ConfigurationError) -> WebConfiguration {
        try self.parse(yaml: ConfigDocument.readFile(atPath: path))
    }

    private static func requiredFile(_ key: String, in mapping: ConfigMapping) -> String? {
        guard let node = mapping[key] else {
            mapping.report(key, "is required")
            return nil
        }
        return node.nonEmptyString()
    }

    private static func looksLikeBcrypt(_ hash: String) -> Bool {
        let prefixes = ["$2a$", "$2b$", "$2y$"]
        return prefixes.contains { hash.hasPrefix($0) } && hash.count == 60
    }
}
