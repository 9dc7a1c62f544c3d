import Foundation
import Hummingbird
import HummingbirdBcrypt
import NIOCore
import NIOEmbedded
import NIOHTTPTypes
import Testing

@testable import WSHealthAgent

/// ``ScrapeHandler`` in an `EmbeddedChannel`: which requests it answers itself, which it hands
/// on, and in what order answers leave.
@Suite struct ScrapeHandlerTests {
    let registry = MetricsRegistry()

    @Test func answersAScrapeItselfWithItsLength() throws {
        let channel = try self.channel()
        try channel.writeInbound(HTTPRequestPart.head(Self.request("/metrics?debug=1", accept: prometheusAcceptHeader)))
        #expect(try channel.readOutbound(as: HTTPResponsePart.self) == nil, "answered before the request ended")
        try channel.writeInbound(HTTPRequestPart.end(nil))
        #expect(try channel.readInbound(as: HTTPRequestPart.self) == nil, "handed on")
        let (response, body) = try Self.readResponse(from: channel)
        #expect(response.status == .ok)
        #expect(response.headerFields[.contentType] == ExpositionFormat.openMetrics.contentType)
        #expect(response.headerFields[.vary] == "Accept")
        #expect(response.headerFields[.contentLength] == String(body.utf8.count))
        #expect(response.headerFields[.date]?.hasSuffix(" GMT") == true)
        #expect(body.hasSuffix("# EOF\n"))
        #expect(body.contains("process_cpu_seconds_total"))
        #expect(channel.isActive)
    }

    @Test(arguments: [
        (HTTPRequest.Method.get, "/-/healthy"), (.get, "/metricsx"), (.get, "/metrics/x"), (.head, "/metrics"),
        (.post, "/metrics"),
    ])
    func handsOnEverythingElse(method: HTTPRequest.Method, path: String) throws {
        let channel = try self.channel()
        try channel.writeInbound(HTTPRequestPart.head(Self.request(path, method: method)))
        try channel.writeInbound(HTTPRequestPart.end(nil))
        #expect(try channel.readInbound(as: HTTPRequestPart.self).map(Self.path) == path)
        #expect(try channel.readInbound(as: HTTPRequestPart.self) == .end(nil))
        #expect(try channel.readOutbound(as: HTTPResponsePart.self) == nil)
    }

    /// A scrape behind a request the router has not answered goes to the router too, so the
    /// answers leave in the order the requests came (HTTP/1.1 pipelining); once the router has
    /// answered everything, scrapes are answered here again.
    @Test func keepsAnswersInRequestOrder() throws {
        let channel = try self.channel()
        for path in ["/-/healthy", "/metrics"] {
            try channel.writeInbound(HTTPRequestPart.head(Self.request(path)))
            try channel.writeInbound(HTTPRequestPart.end(nil))
            #expect(try channel.readInbound(as: HTTPRequestPart.self).map(Self.path) == path)
            #expect(try channel.readInbound(as: HTTPRequestPart.self) == .end(nil))
        }
        #expect(try channel.readOutbound(as: HTTPResponsePart.self) == nil)
        for _ in 0..<2 {  // the router's two answers pass through
            try channel.writeOutbound(HTTPResponsePart.head(HTTPResponse(status: .ok)))
            try channel.writeOutbound(HTTPResponsePart.end(nil))
            #expect(try channel.readOutbound(as: HTTPResponsePart.self) == .head(HTTPResponse(status: .ok)))
            #expect(try channel.readOutbound(as: HTTPResponsePart.self) == .end(nil))
        }
        try channel.writeInbound(HTTPRequestPart.head(Self.request("/metrics")))
        try channel.writeInbound(HTTPRequestPart.end(nil))
        #expect(try channel.readInbound(as: HTTPRequestPart.self) == nil)
        #expect(try Self.readResponse(from: channel).response.status == .ok)
    }

    /// While the connection cannot take more (a client pipelining scrapes without reading the
    /// answers), scrapes go to the router, whose writer waits for the client.
    @Test func handsOnScrapesWhileNotWritable() throws {
        let channel = try self.channel()
        channel.isWritable = false
        try channel.writeInbound(HTTPRequestPart.head(Self.request("/metrics")))
        try channel.writeInbound(HTTPRequestPart.end(nil))
        #expect(try channel.readInbound(as: HTTPRequestPart.self).map(Self.path) == "/metrics")
        #expect(try channel.readInbound(as: HTTPRequestPart.self) == .end(nil))
        #expect(try channel.readOutbound(as: HTTPResponsePart.self) == nil)
    }

    @Test func closesAfterAnsweringConnectionClose() throws {
        let channel = try self.channel()
        var request = Self.request("/metrics")
        request.headerFields[.connection] = "keep-alive, Close"
        try channel.writeInbound(HTTPRequestPart.head(request))
        try channel.writeInbound(HTTPRequestPart.end(nil))
        #expect(try Self.readResponse(from: channel).response.status == .ok)
        channel.embeddedEventLoop.run()
        #expect(!channel.isActive)
    }

    /// With basic authentication, only credentials the router has verified before (bcrypt runs
    /// there, not on the event loop) are answered here; anything else goes to the router, which
    /// answers 401 or verifies them.
    @Test func answersOnlyCredentialsVerifiedBefore() throws {
        let authenticator = BasicAuthenticator(users: ["prometheus": Bcrypt.hash("secret", cost: 4)])
        let channel = try self.channel(authenticator: authenticator)
        let good = "Basic " + Data("prometheus:secret".utf8).base64EncodedString()
        let wrong = "Basic " + Data("prometheus:wrong".utf8).base64EncodedString()
        for (header, answeredHere) in [(good, false), (wrong, false), (nil, false)] as [(String?, Bool)] {
            try Self.scrape(channel, authorization: header, answeredHere: answeredHere)
        }
        #expect(authenticator.isAuthorized(good))
        #expect(!authenticator.isAuthorized(wrong))
        try Self.scrape(channel, authorization: good, answeredHere: true)
        try Self.scrape(channel, authorization: wrong, answeredHere: false)
    }

    @Test func formatsTheDateHeader() {
        #expect(HTTPDate.format(784_111_777) == "Sun, 06 Nov 1994 08:49:37 GMT")
        #expect(HTTPDate.format(1_798_761_599) == "Thu, 31 Dec 2026 23:59:59 GMT")
        #expect(HTTPDate.format(0) == "Thu, 01 Jan 1970 00:00:00 GMT")
    }

    private func channel(authenticator: BasicAuthenticator? = nil) throws -> EmbeddedChannel {
        let channel = EmbeddedChannel(handler: ScrapeHandler(registry: self.registry, authenticator: authenticator))
        try channel.connect(to: SocketAddress(ipAddress: "127.0.0.1", port: 9)).wait()
        return channel
    }

    /// Sends a scrape with `authorization`; checks it was answered here or handed on, then
    /// plays the router's answer for one handed on.
    private static func scrape(_ channel: EmbeddedChannel, authorization: String?, answeredHere: Bool) throws {
        var request = Self.request("/metrics")
        request.headerFields[.authorization] = authorization
        try channel.writeInbound(HTTPRequestPart.head(request))
        try channel.writeInbound(HTTPRequestPart.end(nil))
        let handedOn = try channel.readInbound(as: HTTPRequestPart.self)
        #expect((handedOn == nil) == answeredHere, "\(authorization ?? "no credentials")")
        if handedOn != nil {
            #expect(try channel.readInbound(as: HTTPRequestPart.self) == .end(nil))
            try channel.writeOutbound(HTTPResponsePart.head(HTTPResponse(status: .unauthorized)))
            try channel.writeOutbound(HTTPResponsePart.end(nil))
        }
        #expect(try Self.readResponse(from: channel).response.status == (answeredHere ? .ok : .unauthorized))
    }

    private static func request(_ path: String, method: HTTPRequest.Method = .get, accept: String? = nil) -> HTTPRequest
    {
        var request = HTTPRequest(method: method, scheme: nil, authority: "127.0.0.1", path: path)
        request.headerFields[.accept] = accept
        return request
    }

    private static func path(_ part: HTTPRequestPart) -> String? {
        guard case .head(let request) = part else { return nil }
        return request.path
    }

    /// The response written outbound: its head and its body as text, up to its end.
    private static func readResponse(from channel: EmbeddedChannel) throws -> (response: HTTPResponse, body: String) {
        guard case .head(let response) = try channel.readOutbound(as: HTTPResponsePart.self) else {
            Issue.record("no response head")
            return (HTTPResponse(status: .internalServerError), "")
        }
        var body = ""
        while let part = try channel.readOutbound(as: HTTPResponsePart.self) {
            switch part {
            case .body(let buffer): body += String(buffer: buffer)
            case .end: return (response, body)
            case .head: Issue.record("a second head")
            }
        }
        Issue.record("no end")
        return (response, body)
    }
}
