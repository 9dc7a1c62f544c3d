/// The token a target's handshake carries: where its value comes from and where it is put.
///
/// The spec's dashboard sends its JWT as the `token` query parameter, which is the default placement.
/// Descriptions of this type never show a literal secret or an environment variable's value.
public struct TokenConfiguration: Sendable, Equatable {
    /// Where the token comes from.
    public enum Source: Sendable, Equatable {
        /// A literal secret written in the configuration (`value:`).
        case value(String)
        /// A file the agent re-reads at every connect, so rotated tokens are picked up (`file:`).
        case file(String)
        /// An environment variable, read once when the configuration is loaded (`env:`).
        case environment(name: String, value: String)
        /// A JWT the agent mints for every connect (`jwt:`).
        case jwt(JWTConfiguration)
    }

    /// Where the token goes in the handshake request.
    public enum Placement: Sendable, Equatable {
        /// As this query parameter: `?token=<token>` (`param:`).
        case queryParameter(String)
        /// As this header, with the value `Bearer <token>` (`header:`).
        case header(String)
    }

    /// Where the token comes from.
    public var source: Source
    /// Where the token goes. Default: the query parameter `token`.
    public var placement: Placement

    /// Creates a token configuration, sent as `?token=` unless told otherwise.
    public init(source: Source, placement: Placement = .queryParameter("token")) {
        self.source = source
        self.placement = placement
    }
}

extension TokenConfiguration.Source: CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    /// The source without its secret: `value(<redacted>)`, `file("/run/secrets/ws-token")`,
    /// `environment(WS_TOKEN)`, `jwt(secret_file: "/run/secrets/jwt-secret", …)`.
    public var description: String {
        switch self {
        case .value: "value(<redacted>)"
        case .file(let path): "file(\(path.quoted))"
        case .environment(let name, _): "environment(\(name))"
        case .jwt(let jwt): "jwt(\(jwt))"
        }
    }

    /// Same as ``description``: debug output must not show the secret either.
    public var debugDescription: String {
        description
    }

    /// A mirror without children, so `dump` shows only ``description``.
    public var customMirror: Mirror {
        Mirror(self, children: [])
    }
}
