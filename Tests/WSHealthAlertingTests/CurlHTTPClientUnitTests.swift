import Foundation
import Testing

@testable import WSHealthAlerting

/// The pure parts of the libcurl transport: header capture, header lines, redaction, timeouts.
@Suite struct CurlHTTPClientUnitTests {
    private func feed(_ collector: CurlResponseCollector, headers lines: [String]) {
        for line in lines {
            Array(line.utf8).withUnsafeBytes { collector.receiveHeaderLine($0) }
        }
    }

    /// `Retry-After` as delay-seconds and as an HTTP-date, measured from an injected `now`.
    @Test func retryAfterBothForms() {
        let now = Date(timeIntervalSince1970: 1_445_412_480)  // Wed, 21 Oct 2015 07:28:00 GMT
        let seconds = CurlResponseCollector(bodyLimit: 16)
        self.feed(seconds, headers: ["HTTP/1.1 429 Too Many Requests\r\n", "retry-after:  120 \r\n", "\r\n"])
        #expect(seconds.retryAfter(now: now) == .seconds(120))
        let date = CurlResponseCollector(bodyLimit: 16)
        self.feed(
            date,
            headers: ["HTTP/1.1 503 Service Unavailable\r\n", "Retry-After: Wed, 21 Oct 2015 07:29:00 GMT\r\n"]
        )
        #expect(date.retryAfter(now: now) == .seconds(60))
        #expect(date.retryAfter(now: now.addingTimeInterval(120)) == .zero)
        let none = CurlResponseCollector(bodyLimit: 16)
        self.feed(none, headers: ["HTTP/1.1 500 Internal Server Error\r\n", "Retry-Afterwards: 5\r\n"])
        #expect(none.retryAfter(now: now) == nil)
    }

    /// Only the final response counts: a status line forgets an earlier `Retry-After`.
    @Test func statusLineStartsAFreshResponse() {
        let collector = CurlResponseCollector(bodyLimit: 16)
        self.feed(collector, headers: ["HTTP/1.1 100 Continue\r\n", "Retry-After: 9\r\n", "HTTP/1.1 500 Oops\r\n"])
        #expect(collector.retryAfter(now: Date()) == nil)
    }

    /// The body is kept up to the limit and marked truncated beyond it.
    @Test func bodyIsKeptUpToTheLimit() {
        let collector = CurlResponseCollector(bodyLimit: 5)
        Array("abc".utf8).withUnsafeBytes { collector.receiveBody($0) }
        #expect(collector.bodyPrefix == Array("abc".utf8))
        #expect(!collector.bodyTruncated)
        Array("defg".utf8).withUnsafeBytes { collector.receiveBody($0) }
        Array("h".utf8).withUnsafeBytes { collector.receiveBody($0) }
        #expect(collector.bodyPrefix == Array("abcde".utf8))
        #expect(collector.bodyTruncated)
    }

    /// Header lines: sorted, JSON by default, `Expect` disabled, bearer added, empty values in libcurl's syntax.
    @Test func headerLines() throws {
        var request = HTTPPostRequest(
            url: "http://127.0.0.1:1/",
            headers: ["X-B": "2", "X-A": "1", "X-Empty": ""],
            body: []
        )
        request.authorization = .bearer("t0k")
        #expect(
            try request.headerLines() == [
                "X-A: 1", "X-B: 2", "X-Empty;", "Content-Type: application/json", "Expect:",
                "Authorization: Bearer t0k",
            ]
        )
        request.headers = ["content-type": "text/plain", "Expect": "100-continue"]
        request.authorization = .basic(username: "u", password: "p")
        #expect(try request.headerLines() == ["Expect: 100-continue", "content-type: text/plain"])
    }

    /// Bad names, CR/LF in values, and a second `Authorization` are refused, without echoing the value.
    @Test(
        arguments: [
            (["X Team": "ops"], nil),
            (["X-Team:": "ops"], nil),
            (["": "ops"], nil),
            (["X-Team": "VALUE\r\nX-Injected: 1"], nil),
            (["X-Team": "VALUE\n"], nil),
            (["Authorization": "VALUE"], HTTPPostRequest.Authorization.bearer("t")),
            ([:], HTTPPostRequest.Authorization.bearer("VALUE\r\n")),
        ] as [([String: String], HTTPPostRequest.Authorization?)]
    )
    func badHeadersAreRefused(headers: [String: String], authorization: HTTPPostRequest.Authorization?) {
        let request = HTTPPostRequest(
            url: "http://127.0.0.1:1/",
            headers: headers,
            body: [],
            authorization: authorization
        )
        #expect {
            try request.headerLines()
        } throws: { error in
            let message = (error as? HTTPPostRequest.InvalidHeader)?.message ?? ""
            return !message.isEmpty && !message.contains("VALUE")
        }
    }

    /// The origin keeps scheme (lower-cased), host and port (the default filled in) and drops the rest.
    @Test(arguments: [
        ("https://hooks.example/services/T0/B0/KEY", "https://hooks.example:443"),
        ("http://user:pass@127.0.0.1:9093/api/v2/alerts?x=1#f", "http://127.0.0.1:9093"),
        ("HTTP://LOCALHOST:8080", "http://LOCALHOST:8080"),
        ("http://[::1]:9/x", "http://[::1]:9"),
        ("http://[::1/x", "<unparsable URL>"),
        ("/relative/only", "<unparsable URL>"),
    ])
    func origin(url: String, expected: String) {
        #expect(HTTPPostRequest(url: url, body: []).origin == expected)
    }

    /// Timeouts round up to whole milliseconds and never reach 0, which libcurl reads as "none".
    @Test func timeoutMilliseconds() {
        #expect(CurlEasyHandle.milliseconds(.seconds(5)) == 5_000)
        #expect(CurlEasyHandle.milliseconds(.microseconds(1_500)) == 2)
        #expect(CurlEasyHandle.milliseconds(.zero) == 1)
        #expect(CurlEasyHandle.milliseconds(.seconds(-3)) == 1)
        #expect(CurlEasyHandle.milliseconds(.nanoseconds(1)) == 1)
    }
}
