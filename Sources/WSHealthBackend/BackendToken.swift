import JWTKit

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// Mints tokens the reference backend accepts, for the demo and for tests.
public enum BackendToken {
    /// An HS256 token for `subject`, signed with `secret`, expiring `expiresIn` from now (negative: already expired).
    ///
    /// Throws a ``ReferenceBackendError`` if `secret` is shorter than
    /// ``ReferenceBackendConfiguration/minimumSecretLength``.
    public static func make(
        subject: String,
        secret: [UInt8],
        expiresIn: Duration = .seconds(3_600)
    ) async throws
        -> String
    {
        guard secret.count >= ReferenceBackendConfiguration.minimumSecretLength else {
            throw ReferenceBackendError.invalidConfiguration(
                "jwtSecret: must be at least \(ReferenceBackendConfiguration.minimumSecretLength) bytes for HS256, "
                    + "got \(secret.count)"
            )
        }
        let keys = JWTKeyCollection()
        await keys.add(hmac: HMACKey(from: secret), digestAlgorithm: .sha256)
        let (seconds, attoseconds) = expiresIn.components
        let expiry = Date().addingTimeInterval(Double(seconds) + Double(attoseconds) / 1e18)
        return try await keys.sign(
            MetricsTokenClaims(sub: SubjectClaim(value: subject), exp: ExpirationClaim(value: expiry))
        )
    }
}
