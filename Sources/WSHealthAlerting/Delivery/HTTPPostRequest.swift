/// One `POST` for ``CurlHTTPClient``: where, what, how long to wait, and how to authenticate.
///
/// The URL of a webhook is a secret (Slack's carries its key in the path, others in the
/// query): nothing the client reports or logs contains more of it than ``origin``: scheme, host and port.
package struct HTTPPostRequest: Sendable, Hashable {
    /// An `http://` or `https://` URL; any other scheme fails with ``HTTPTransportFailure/Reason/invalidRequest``.
    package var url: String
    /// Extra header fields. A `Content-Type` here replaces the default `application/json`.
    /// Names must be tokens and values must not contain CR or LF, or the request fails with
    /// ``HTTPTransportFailure/Reason/invalidRequest`` before anything is sent.
    package var headers: [String: String]
    /// The body, sent as is (it may contain any byte).
    package var body: [UInt8]
    /// How long to wait for the TCP (and TLS) connection; at least 1 ms.
    package var connectTimeout: Duration
    /// How long the whole exchange may take, connection included; at least 1 ms.
    package var totalTimeout: Duration
    /// A PEM file of CA certificates to trust instead of the system's; nil uses the system's.
    package var caFile: String?
    /// Skips certificate and host name verification (for tests only).
    package var insecureSkipVerify: Bool
    /// Credentials for the `Authorization` header, if any.
    package var authorization: Authorization?

    /// Credentials sent in the `Authorization` header.
    package enum Authorization: Sendable, Hashable {
        /// `Authorization: Basic base64(username:password)`.
        case basic(username: String, password: String)
        /// `Authorization: Bearer token`.
        case bearer(String)
    }

    /// Creates a request; the defaults are a JSON `POST` with a 5 s connect and 10 s total timeout,
    /// verified against the system's trust store.
    package init(
        url: String,
        headers: [String: String] = [:],
        body: [UInt8],
        connectTimeout: Duration = .seconds(5),
        totalTimeout: Duration = .seconds(10),
        caFile: String? = nil,
        insecureSkipVerify: Bool = false,
        authorization: Authorization? = nil
    ) {
        self.url = url
        self.headers = headers
        self.body = body
        self.connectTimeout = connectTimeout
        self.totalTimeout = totalTimeout
        self.caFile = caFile
        self.insecureSkipVerify = insecureSkipVerify
        self.authorization = authorization
    }

    /// The `Content-Type` sent when ``headers`` has none.
    package static let defaultContentType = "application/json"
}

extension HTTPPostRequest {
    /// `scheme://host:port` of ``url``, the most of it that may be logged; a placeholder when
    /// the URL does not parse.
    package var origin: String { CurlURL.origin(of: self.url) }
}
