import Foundation
import HummingbirdBcrypt
import NIOConcurrencyHelpers

/// HTTP basic authentication against bcrypt hashes, as the exporter toolkit's
/// `basic_auth_users` does. Checked credentials are remembered (bounded), because bcrypt is
/// deliberately slow and Prometheus sends the same header on every scrape.
final class BasicAuthenticator: Sendable {
    private let users: [String: String]
    private let verified = NIOLockedValueBox<Set<String>>([])
    private static var cacheLimit: Int { 256 }

    init(users: [String: String]) {
        self.users = users
    }

    /// Whether `header` (an `Authorization` value) was verified before: a set lookup, cheap
    /// enough for an event loop.
    func isRemembered(_ header: String) -> Bool {
        self.verified.withLockedValue { $0.contains(header) }
    }

    /// Whether `header` names a user with the right password. Runs bcrypt for credentials not
    /// seen before: call it off the event loops.
    func isAuthorized(_ header: String) -> Bool {
        if self.isRemembered(header) { return true }
        guard header.count < 4096, header.lowercased().hasPrefix("basic "),
            let decoded = Data(base64Encoded: String(header.dropFirst(6)).trimmingCharacters(in: .whitespaces)),
            let credentials = String(data: decoded, encoding: .utf8),
            let colon = credentials.firstIndex(of: ":"),
            let hash = self.users[String(credentials[..<colon])],
            Bcrypt.verify(String(credentials[credentials.index(after: colon)...]), hash: hash)
        else { return false }
        self.verified.withLockedValue { verified in
            if verified.count >= Self.cacheLimit { verified.removeAll() }
            verified.insert(header)
        }
        return true
    }
}
