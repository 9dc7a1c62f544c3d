import Foundation
import Testing
import WSHealthAlerting
import WSHealthTestReceiver

/// CurlHTTPClient against a real receiver on 127.0.0.1.
@Suite struct CurlHTTPClientTests {
    /// The body arrives byte for byte (a NUL and more than 1 KiB included, with no `Expect`
    /// stall), with the extra headers, JSON content type and our user agent.
    @Test func postDeliversBodyAndHeaders() async throws {
        try await withClientAndReceiver { client, receiver in
            let body =
                Array("{\"a\":\"".utf8) + [0] + Array(repeating: UInt8(ascii: "x"), count: 3_000) + Array("\"}".utf8)
            var request = jsonPost(receiver.url(path: "/hook?x=1"))
            request.body = body
            request.headers = ["X-Team": "ops", "X-Empty": ""]
            let result = await client.post(request)
            #expect(result.response?.status == 200)
            let recorded = try #require(receiver.requests().first)
            #expect(recorded.method == "POST")
            #expect(recorded.uri == "/hook?x=1")
            #expect(recorded.body == body)
            #expect(recorded.header("Content-Type") == "application/json")
            #expect(recorded.header("X-Team") == "ops")
            #expect(recorded.header("X-Empty") == "")
            #expect(recorded.header("User-Agent") == "wshealth")
            #expect(recorded.header("Expect") == nil)
            #expect(recorded.header("Authorization") == nil)
        }
    }

    /// Whatever the status, it comes back as an answer, with the start of the body.
    @Test(arguments: [200, 202, 400, 404, 429, 500, 503])
    func statusComesBack(status: Int) async throws {
        try await withClientAndReceiver(script: .always(.status(status, body: "status \(status)"))) {
            client,
            receiver in
            let response = try #require(await client.post(jsonPost(receiver.url())).response)
            #expect(response.status == status)
            #expect(response.bodyText == "status \(status)")
            #expect(!response.bodyTruncated)
        }
    }

    /// A redirect is an answer, not followed: a moved receiver is a configuration matter.
    @Test func redirectIsNotFollowed() async throws {
        let script = ReceiverScript.always(.status(302, headers: ["Location": "/elsewhere"]))
        try await withClientAndReceiver(script: script) { client, receiver in
            #expect(await client.post(jsonPost(receiver.url(path: "/hook"))).response?.status == 302)
            #expect(receiver.requests().map(\.path) == ["/hook"])
        }
    }

    /// `Retry-After` in both forms reaches the result; the date is measured from the client's `now`.
    @Test func retryAfterFromTheReceiver() async throws {
        let script = ReceiverScript([
            .tooManyRequests(retryAfter: "1"),
            .status(503, headers: ["Retry-After": "Wed, 21 Oct 2015 07:28:30 GMT"]),
            .status(500),
        ])
        let now = Date(timeIntervalSince1970: 1_445_412_480)  // Wed, 21 Oct 2015 07:28:00 GMT
        let clock: @Sendable () -> Date = { now }
        try await withClientAndReceiver(script: script, now: clock) { client, receiver in
            let first = await client.post(jsonPost(receiver.url())).response
            #expect(first?.status == 429)
            #expect(first?.retryAfter == .seconds(1))
            let second = await client.post(jsonPost(receiver.url())).response
            #expect(second?.status == 503)
            #expect(second?.retryAfter == .seconds(30))
            let third = await client.post(jsonPost(receiver.url())).response
            #expect(third?.status == 500)
            #expect(third?.retryAfter == nil)
        }
    }

    /// A long error page is cut at the limit, and says so.
    @Test func longBodyIsTruncated() async throws {
        let page = String(repeating: "e", count: 10_000)
        try await withClientAndReceiver(script: .always(.status(500, body: page))) { client, receiver in
            let response = try #require(await client.post(jsonPost(receiver.url())).response)
            #expect(response.bodyPrefix.count == CurlHTTPClient.maxRecordedBodyBytes)
            #expect(response.bodyTruncated)
        }
    }

    /// A port nothing listens on: `refused`, the detail naming the origin only.
    @Test func refusedConnection() async throws {
        let port = try refusingLoopbackPort()
        let client = CurlHTTPClient(threadCount: 1)
        let failure = await client.post(jsonPost("http://127.0.0.1:\(port)/api/v2/alerts")).failure
        await client.shutdown()
        #expect(failure?.reason == .refused)
        #expect(failure?.detail.hasPrefix("http://127.0.0.1:\(port): ") == true)
        #expect(failure?.detail.contains("/api/v2/alerts") == false)
    }

    /// A receiver that reads and never answers: `timeout` once the total timeout expires (when
    /// exactly is libcurl's clock; a bound here would only measure the machine's load).
    @Test func silentReceiverTimesOut() async throws {
        try await withClientAndReceiver(script: .always(.noAnswer)) { client, receiver in
            let failure = await client.post(jsonPost(receiver.url(), totalTimeout: .milliseconds(300))).failure
            #expect(failure?.reason == .timeout)
            #expect(receiver.requests().count == 1)
        }
    }

    /// A receiver that drops the connection without answering: `network_error`.
    @Test func droppedConnectionIsANetworkError() async throws {
        try await withClientAndReceiver(script: .always(.closeConnection)) { client, receiver in
            #expect(await client.post(jsonPost(receiver.url())).failure?.reason == .networkError)
        }
    }

    /// https:// to a plain HTTP port: the handshake fails, `tls_failure`.
    @Test func tlsToAPlainServerIsATLSFailure() async throws {
        try await withClientAndReceiver { client, receiver in
            let result = await client.post(jsonPost("https://127.0.0.1:\(receiver.port)/hook"))
            #expect(result.failure?.reason == .tlsFailure)
        }
    }

    /// Basic credentials and a bearer token arrive as `Authorization` headers.
    @Test func credentialsArrive() async throws {
        try await withClientAndReceiver { client, receiver in
            var basic = jsonPost(receiver.url(path: "/basic"))
            basic.authorization = .basic(username: "alert", password: "s3cret:pw")
            var bearer = jsonPost(receiver.url(path: "/bearer"))
            bearer.authorization = .bearer("tok.en-123")
            #expect(await client.post(basic).response?.status == 200)
            #expect(await client.post(bearer).response?.status == 200)
            let requests = receiver.requests()
            let expectedBasic = "Basic " + Data("alert:s3cret:pw".utf8).base64EncodedString()
            #expect(requests.first { $0.path == "/basic" }?.headerValues("Authorization") == [expectedBasic])
            #expect(requests.first { $0.path == "/bearer" }?.headerValues("Authorization") == ["Bearer tok.en-123"])
        }
    }

    /// Whatever the failure, its detail holds no path, query, user, password, token or header value.
    @Test func failureDetailHidesSecrets() async throws {
        let closedPort = try refusingLoopbackPort()
        try await withClientAndReceiver(script: .always(.noAnswer)) { client, receiver in
            let secretTail = "/services/T0SECRET/B0SECRET/PATHSECRET?token=QUERYSECRET#FRAGSECRET"
            let urls = [
                "http://usersecret:pwsecret@127.0.0.1:\(closedPort)\(secretTail)",  // refused
                "http://usersecret:pwsecret@127.0.0.1:\(receiver.port)\(secretTail)",  // timeout
                "https://usersecret:pwsecret@127.0.0.1:\(receiver.port)\(secretTail)",  // TLS
                "ftp://usersecret:pwsecret@127.0.0.1:\(receiver.port)\(secretTail)",  // scheme
                "http://usersecret:pwsecret@127.0.0.1:\(receiver.port)/PATH SECRET",  // unparsable
            ]
            for url in urls {
                var request = jsonPost(url, totalTimeout: .milliseconds(300))
                request.authorization = .bearer("TOKENSECRET")
                request.headers = ["X-Api-Key": "HEADERSECRET"]
                let failure = try #require(await client.post(request).failure, "\(url)")
                #expect(!failure.detail.uppercased().contains("SECRET"), "\(failure)")
                #expect(!failure.description.uppercased().contains("SECRET"), "\(failure)")
                #expect(!request.origin.uppercased().contains("SECRET"), "\(request.origin)")
            }
        }
    }

    /// Only http and https: `file://` and others are refused before anything is sent.
    @Test(arguments: ["file:///etc/passwd", "gopher://127.0.0.1:70/", "dict://127.0.0.1:2628/", "not a url"])
    func onlyHTTPAndHTTPS(url: String) async throws {
        let client = CurlHTTPClient(threadCount: 1)
        let failure = await client.post(jsonPost(url)).failure
        await client.shutdown()
        #expect(failure?.reason == .invalidRequest)
    }

    /// A header that would inject another is rejected and nothing is sent; the client still works.
    @Test func headerInjectionIsRejected() async throws {
        try await withClientAndReceiver { client, receiver in
            var request = jsonPost(receiver.url())
            request.headers = ["X-Team": "ops\r\nX-Injected: yes"]
            let failure = await client.post(request).failure
            #expect(failure?.reason == .invalidRequest)
            #expect(failure?.detail.contains("Injected") == false)
            #expect(await client.post(jsonPost(receiver.url())).response?.status == 200)
            #expect(receiver.requests().count == 1)
            #expect(receiver.requests().first?.header("X-Injected") == nil)
        }
    }

    /// A receiver that goes down (its kept-alive connection too) is refused; back up on the same
    /// port, it is reached again by the same client.
    @Test func receiverDownThenUp() async throws {
        try await withClientAndReceiver(threadCount: 1) { client, receiver in
            #expect(await client.post(jsonPost(receiver.url(path: "/1"))).response?.status == 200)
            await receiver.stopListening()
            #expect(await client.post(jsonPost(receiver.url(path: "/2"))).failure?.reason == .refused)
            try await receiver.startListening()
            #expect(await client.post(jsonPost(receiver.url(path: "/3"))).response?.status == 200)
            #expect(receiver.requests().map(\.path) == ["/1", "/3"])
        }
    }

    /// 50 posts at once on a 2-thread client: every one is answered, each body arrives once.
    @Test func concurrentPostsAllComplete() async throws {
        try await withClientAndReceiver(threadCount: 2) { client, receiver in
            let statuses = await withTaskGroup(of: Int?.self) { group in
                for index in 0..<50 {
                    group.addTask {
                        await client.post(jsonPost(receiver.url(), body: "{\"n\":\(index)}")).response?.status
                    }
                }
                var statuses: [Int?] = []
                for await status in group { statuses.append(status) }
                return statuses
            }
            #expect(statuses == Array(repeating: 200, count: 50))
            let bodies = Set(receiver.requests().map(\.bodyText))
            #expect(bodies == Set((0..<50).map { "{\"n\":\($0)}" }))
        }
    }

    /// After shutdown nothing is sent: `cancelled`, at once.
    @Test func postAfterShutdownIsCancelled() async throws {
        try await withClientAndReceiver { client, receiver in
            await client.shutdown()
            await client.shutdown()
            #expect(await client.post(jsonPost(receiver.url())).failure?.reason == .cancelled)
            #expect(receiver.requests().isEmpty)
        }
    }
}
