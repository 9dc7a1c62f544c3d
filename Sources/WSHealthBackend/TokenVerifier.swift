import JWTKit

/// The claims a metrics token must carry: a subject and an expiry.
struct MetricsTokenClaims: JWTPayload {
    /// Who the token was issued to.
    var sub: SubjectClaim
    /// When the token stops being valid.
    var exp: ExpirationClaim

    func verify(using algorithm: some JWTAlgorithm) async throws {
        try self.exp.verifyNotExpired()
    }
}

/// Checks HS256 tokens against the backend's secret, with jwt-kit.
final class TokenVerifier: Sendable {
    private let keys: JWTKeyCollection

    private init(keys: JWTKeyCollection) {
        self.keys = keys
    }

    /// A verifier for tokens signed with `secret` (HS256).
    static func make(secret: [UInt8]) async -> TokenVerifier {
        let keys = JWTKeyCollection()
        await keys.add(hmac: HMACKey(from: secret), digestAlgorithm: .sha256)
        return TokenVerifier(keys: keys)
    }

    /// Whether `token` is signed with the secret, names a subject, and has not expired.
    func isValid(_ token: String) async -> Bool {
        do {
            let claims = try await self.keys.verify(token, as: MetricsTokenClaims.self)
            return !claims.sub.value.isEmpty
        } catch {
            return false
        }
    }
}
