import Hummingbird
import NIOCore
import NIOHTTPTypes

/// Answers `GET /metrics` on the connection's event loop, where the request was read, instead
/// of handing it to the router's task and back.
///
/// It sits after Hummingbird's connection state handler, so that handler's idle timeout and
/// graceful shutdown count these requests too. Any other request goes on to the router; so
/// does a scrape while the router owes a response (answers leave in request order), while the
/// connection is not writable (a client that pipelines scrapes without reading the answers
/// meets the router's backpressure, instead of making this handler queue answers without
/// bound), and one whose credentials were not verified before (bcrypt must not run on an
/// event loop: the router checks them, and the next scrape with them is answered here).
final class ScrapeHandler: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPRequestPart
    typealias InboundOut = HTTPRequestPart
    typealias OutboundIn = HTTPResponsePart
    typealias OutboundOut = HTTPResponsePart

    /// A scrape this handler answers at the end of its request.
    private struct Scrape {
        var format: ExpositionFormat
        var closeAfterwards: Bool
    }

    private let registry: MetricsRegistry
    private let authenticator: BasicAuthenticator?
    /// The scrape whose request is being read; nil between requests and while the router's
    /// request is read (its parts go on to the router).
    private var scrape: Scrape?
    /// Requests handed to the router that it has not answered yet.
    private var routerRequests = 0
    private var date = HTTPDate()

    init(registry: MetricsRegistry, authenticator: BasicAuthenticator?) {
        self.registry = registry
        self.authenticator = authenticator
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let part = self.unwrapInboundIn(data)
        switch (self.scrape, part) {
        case (nil, .head(let request)) where self.answersItself(request, on: context.channel):
            self.scrape = Scrape(
                format: ExpositionFormat.negotiate(acceptFields: request.headerFields[values: .accept]),
                closeAfterwards: Self.asksToClose(request)
            )
        case (nil, .head):
            self.routerRequests += 1
            context.fireChannelRead(data)
        case (nil, _):
            context.fireChannelRead(data)
        case (let scrape?, .end):
            self.scrape = nil
            self.answer(scrape, context: context)
        case (_?, _):
            break  // a scrape's body, if any, means nothing
        }
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        if case .end = self.unwrapOutboundIn(data), self.routerRequests > 0 {
            self.routerRequests -= 1
        }
        context.write(data, promise: promise)
    }

    /// Whether this handler answers `request`: a scrape, with no answer owed before it, room
    /// to write, and credentials (when required) verified before.
    private func answersItself(_ request: HTTPRequest, on channel: any Channel) -> Bool {
        self.routerRequests == 0 && channel.isWritable && Self.isScrape(request) && self.isAuthorized(request)
    }

    private func isAuthorized(_ request: HTTPRequest) -> Bool {
        guard let authenticator = self.authenticator else { return true }
        return request.headerFields[.authorization].map(authenticator.isRemembered) ?? false
    }

    /// Whether the client sent `Connection: close`.
    private static func asksToClose(_ request: HTTPRequest) -> Bool {
        request.headerFields[values: .connection].contains { value in
            value.split(separator: ",").contains { $0.filter { $0 != " " && $0 != "\t" }.lowercased() == "close" }
        }
    }

    /// Whether `request` is `GET /metrics`, with or without a query.
    private static func isScrape(_ request: HTTPRequest) -> Bool {
        guard request.method == .get, let path = request.path?.utf8 else { return false }
        return path.prefix { $0 != UInt8(ascii: "?") }.elementsEqual("/metrics".utf8)
    }

    private func answer(_ scrape: Scrape, context: ChannelHandlerContext) {
        let parts = self.registry.render(as: scrape.format, allocator: context.channel.allocator)
        var fields = scrape.format.responseFields
        fields[.contentLength] = String(parts.reduce(0) { $0 + $1.readableBytes })
        fields[.date] = self.date.now()
        context.write(self.wrapOutboundOut(.head(HTTPResponse(status: .ok, headerFields: fields))), promise: nil)
        for part in parts {
            context.write(self.wrapOutboundOut(.body(part)), promise: nil)
        }
        guard scrape.closeAfterwards else {
            context.writeAndFlush(self.wrapOutboundOut(.end(nil)), promise: nil)
            return
        }
        let channel = context.channel
        context.writeAndFlush(self.wrapOutboundOut(.end(nil))).whenComplete { _ in channel.close(promise: nil) }
    }
}
