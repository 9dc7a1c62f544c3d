/// How a ``CurlHTTPClient/post(_:)`` ended: the receiver answered, or it could not be reached.
package enum HTTPPostResult: Sendable, Hashable {
    /// The receiver answered, with any status (a 500 is an answer too).
    case response(HTTPPostResponse)
    /// No answer: refused, timed out, DNS, TLS, a broken connection, or the request was never sent.
    case failure(HTTPTransportFailure)

    /// The answer, if there was one.
    package var response: HTTPPostResponse? {
        guard case .response(let response) = self else { return nil }
        return response
    }

    /// The failure, if there was no answer.
    package var failure: HTTPTransportFailure? {
        guard case .failure(let failure) = self else { return nil }
        return failure
    }
}

/// A receiver's answer to a ``HTTPPostRequest``.
package struct HTTPPostResponse: Sendable, Hashable {
    /// The status code of the final response (redirects are not followed: a 3xx comes back as is).
    package var status: Int
    /// What the `Retry-After` header asked for, delay-seconds or HTTP-date (measured from the
    /// client's `now` when the answer arrived, zero if past); nil when absent or unreadable.
    package var retryAfter: Duration?
    /// The start of the body, at most ``CurlHTTPClient/maxRecordedBodyBytes`` bytes, for logs.
    package var bodyPrefix: [UInt8]
    /// Whether the body was longer than ``bodyPrefix``.
    package var bodyTruncated: Bool

    /// Creates a response.
    package init(status: Int, retryAfter: Duration? = nil, bodyPrefix: [UInt8] = [], bodyTruncated: Bool = false) {
        self.status = status
        self.retryAfter = retryAfter
        self.bodyPrefix = bodyPrefix
        self.bodyTruncated = bodyTruncated
    }

    /// Whether the status is 2xx.
    package var isSuccess: Bool { (200...299).contains(self.status) }

    /// ``bodyPrefix`` as text (invalid UTF-8 replaced), for a log line.
    package var bodyText: String { String(decoding: self.bodyPrefix, as: UTF8.self) }
}
