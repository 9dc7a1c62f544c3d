/// A header the handshake request of a target carries besides those of the protocol: an API
/// key, a cookie, a tenant. Its value is taken for a secret: no description, log or page shows it.
public struct HeaderConfiguration: Sendable, Equatable {
    /// The header's name, an HTTP token.
    public var name: String
    /// Where the value comes from: written in the configuration, a file re-read at connect
    /// time, or an environment variable (never a minted JWT: that is `token:`).
    public var source: TokenConfiguration.Source

    /// Creates a header.
    public init(name: String, source: TokenConfiguration.Source) {
        self.name = name
        self.source = source
    }
}
