/// A JWT the agent mints for every connect, signed with a shared secret read from a file.
public struct JWTConfiguration: Sendable, Equatable, CustomStringConvertible {
    /// The signing algorithms the agent can mint with.
    public enum Algorithm: String, Sendable, Equatable, CaseIterable {
        /// HMAC with SHA-256, the algorithm of the spec's backend.
        case hs256 = "HS256"
    }

    /// The file holding the HMAC secret; read by the agent, not when the configuration is loaded.
    public var secretFile: String
    /// The signing algorithm. Default (and only choice) HS256.
    public var algorithm: Algorithm
    /// The `sub` claim. Default `wshealth`.
    public var subject: String
    /// How long a minted token is valid (`exp` = now + ttl). Default 1 hour.
    public var ttl: Duration

    /// Creates a JWT configuration with the documented defaults.
    public init(
        secretFile: String,
        algorithm: Algorithm = .hs256,
        subject: String = "wshealth",
        ttl: Duration = .seconds(3600)
    ) {
        self.secretFile = secretFile
        self.algorithm = algorithm
        self.subject = subject
        self.ttl = ttl
    }

    /// The settings as YAML-like text: `secret_file: "/run/secrets/jwt-secret", algorithm: HS256, …`.
    public var description: String {
        "secret_file: \(secretFile.quoted), algorithm: \(algorithm.rawValue), subject: \(subject.quoted), "
            + "ttl: \(PrometheusDuration.format(ttl))"
    }
}

extension JWTConfiguration {
    /// Decodes `token.jwt:`: `secret_file` (required), `algorithm`, `subject`, `ttl`. Returns nil when
    /// any of it has a problem.
    static func decode(_ mapping: ConfigMapping) -> JWTConfiguration? {
        let problemCount = mapping.decoder.problems.count
        var jwt = JWTConfiguration(secretFile: "")
        if let node = mapping["secret_file"] {
            jwt.secretFile = node.nonEmptyString() ?? ""
        } else {
            mapping.report("secret_file", "is required")
        }
        if let node = mapping["algorithm"], let name = node.string() {
            if let algorithm = Algorithm(rawValue: name) {
                jwt.algorithm = algorithm
            } else {
                let supported = Algorithm.allCases.map(\.rawValue).joined(separator: ", ")
                node.report("only \(supported) is supported, got \(node.described)")
            }
        }
        if let subject = mapping["subject"]?.nonEmptyString() {
            jwt.subject = subject
        }
        if let ttl = mapping["ttl"]?.positiveDuration() {
            jwt.ttl = ttl
        }
        mapping.reportUnknownKeys()
        return mapping.decoder.problems.count == problemCount ? jwt : nil
    }
}
