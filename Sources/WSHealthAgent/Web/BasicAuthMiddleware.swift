import Hummingbird

/// Answers 401 to a request without credentials its ``BasicAuthenticator`` accepts.
struct BasicAuthMiddleware<Context: RequestContext>: RouterMiddleware {
    let authenticator: BasicAuthenticator

    func handle(
        _ request: Request,
        context: Context,
        next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        guard let header = request.headers[.authorization], self.authenticator.isAuthorized(header) else {
            return Response(
                status: .unauthorized,
                headers: [.wwwAuthenticate: "Basic realm=\"wshealth\"", .contentType: "text/plain; charset=utf-8"],
                body: ResponseBody(byteBuffer: ByteBuffer(string: "Unauthorized\n"))
            )
        }
        return try await next(request, context)
    }
}
