import Foundation
import JWTKit
import NIOConcurrencyHelpers

/// Supplies the token every connection attempt of a target sends, and where it goes.
///
/// A file token is re-read at connect time (at most once a second, so a reconnect storm of
/// thousands of sessions reads it once), so a rotated Kubernetes secret is picked up without a
/// restart. A minted JWT is refreshed by ``refresh()`` at half its lifetime; sessions only read
/// the current value and never wait.
final class TokenProvider: Sendable {
    /// Where the token comes from.
    enum Source: Sendable {
        /// A literal token, or one read from the environment at load time.
        case fixed(String)
        /// A file re-read at connect time.
        case file(path: String)
        /// An HS256 JWT minted by the agent.
        case jwt(secret: [UInt8], subject: String, ttl: Duration)
    }

    /// Where the token is sent.
    enum Placement: Hashable, Sendable {
        /// As a query parameter (the spec's `?token=`).
        case queryParameter(String)
        /// As a header; `Authorization` gets the `Bearer ` prefix.
        case header(String)
    }

    /// Where the token is sent.
    let placement: Placement
    private let source: Source
    private let cache = NIOLockedValueBox<(token: String, freshUntil: ContinuousClock.Instant)?>(nil)

    /// Creates a provider.
    init(source: Source, placement: Placement) {
        self.source = source
        self.placement = placement
        if case .fixed(let token) = source {
            self.cache.withLockedValue { $0 = (token, .now + .seconds(Int64.max / 2)) }
        }
    }

    /// The token to send now, or nil when none can be had (the attempt then goes without one
    /// and the server's answer says what that means).
    func currentToken(now: ContinuousClock.Instant = .now) throws(TokenError) -> String {
        switch self.source {
        case .fixed(let token):
            return token
        case .jwt:
            guard let cached = self.cache.withLockedValue({ $0 }) else { throw TokenError("no JWT minted yet") }
            return cached.token
        case .file(let path):
            if let cached = self.cache.withLockedValue({ $0 }), now < cached.freshUntil { return cached.token }
            let token: String
            do {
                token = try String(contentsOfFile: path, encoding: .utf8).trimmingCharacters(
                    in: .whitespacesAndNewlines
                )
            } catch {
                throw TokenError("cannot read token file \(path): \(error.localizedDescription)")
            }
            self.cache.withLockedValue { $0 = (token, now + .seconds(1)) }
            return token
        }
    }

    /// How long until the token must be refreshed; nil when it never needs it.
    var refreshInterval: Duration? {
        if case .jwt(_, _, let ttl) = self.source { return ttl / 2 }
        return nil
    }

    /// Mints a new JWT when the source is one; does nothing otherwise.
    func refresh() async throws {
        guard case .jwt(let secret, let subject, let ttl) = self.source else { return }
        let keys = await JWTKeyCollection().add(hmac: HMACKey(from: secret), digestAlgorithm: .sha256)
        let now = Date()
        let payload = MintedClaims(
            subject: SubjectClaim(value: subject),
            issuedAt: IssuedAtClaim(value: now),
            expiration: ExpirationClaim(value: now.addingTimeInterval(Double(ttl.components.seconds)))
        )
        let token = try await keys.sign(payload)
        self.cache.withLockedValue { $0 = (token, .now + ttl / 2) }
    }
}

/// The claims of a JWT the agent mints: the spec's backend needs a subject and an expiry.
struct MintedClaims: JWTPayload {
    var subject: SubjectClaim
    var issuedAt: IssuedAtClaim
    var expiration: ExpirationClaim

    enum CodingKeys: String, CodingKey {
        case subject = "sub"
        case issuedAt = "iat"
        case expiration = "exp"
    }

    func verify(using algorithm: some JWTAlgorithm) async throws {
        try self.expiration.verifyNotExpired()
    }
}

/// A token could not be had. Its message never contains the token.
struct TokenError: Error, CustomStringConvertible {
    /// What went wrong.
    var description: String

    init(_ description: String) { self.description = description }
}
