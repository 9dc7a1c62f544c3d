import Foundation
import Hummingbird
import HummingbirdBcrypt
import NIOConcurrencyHelpers

/// HTTP basic authentication against bcrypt hashes, as the exporter toolkit's
/// `basic_auth_users` does. Checked credentials are remembered (bounded), because bcrypt is
/// deliberately slow and Prometheus sends the same header on every scrape.
struct BasicAuthMiddleware<Context: RequestContext>: RouterMiddleware {
    let users: [String: String]
    private let verified = NIOLockedValueBox<Set<String>>([])
    private static var cacheLimit: Int { 256 }

    init(users: [String: String]) {
        self.users = users
    }

    func handle(
        _ request: Request,
        context: Context,
        next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        guard let header = request.headers[.authorization], self.isAuthorized(header) else {
            return Response(
                status: .unauthorized,
                headers: [.wwwAuthenticate: "Basic realm=\"wshealth\"", .contentType: "text/plain; charset=utf-8"],
                body: ResponseBody(byteBuffer: ByteBuffer(string: "Unauthorized\n"))
            )
        }
        return try await next(request, context)
    }

    private func isAuthorized(_ header: String) -> Bool {
        if self.verified.withLockedValue({ $0.contains(header) }) { return true }
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
