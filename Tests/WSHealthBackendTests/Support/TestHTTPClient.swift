import NIOCore
import NIOHTTP1
import NIOPosix

/// A failed expectation inside a helper, with a readable message.
struct TestFailure: Error, CustomStringConvertible {
    let description: String

    init(_ description: String) {
        self.description = description
    }
}

/// One-shot HTTP/1.1 requests on raw NIO, for the admin endpoints.
enum TestHTTPClient {
    /// An answer: status code and body text.
    struct Response: Sendable {
        var status: Int
        var body: String
    }

    /// Sends `method uri` to `address` and returns the answer; fails if it takes longer than `timeout`.
    static func request(
        _ method: HTTPMethod,
        _ uri: String,
        to address: SocketAddress,
        timeout: Duration = .seconds(10)
    ) async throws -> Response {
        let eventLoop = MultiThreadedEventLoopGroup.singleton.next()
        let promise = eventLoop.makePromise(of: Response.self)
        let timer = eventLoop.scheduleTask(in: TimeAmount(timeout)) {
            promise.fail(TestFailure("no answer to \(method) \(uri) within \(timeout)"))
        }
        defer { timer.cancel() }
        let channel: any Channel
        do {
            channel = try await ClientBootstrap(group: eventLoop)
                .connectTimeout(.seconds(5))
                .channelInitializer { channel in
                    channel.eventLoop.makeCompletedFuture {
                        try channel.pipeline.syncOperations.addHTTPClientHandlers()
                        try channel.pipeline.syncOperations.addHandler(ResponseCollector(promise: promise))
                    }
                }
                .connect(to: address).get()
        } catch {
            promise.fail(error)
            throw error
        }
        let headers: HTTPHeaders = ["host": "127.0.0.1", "content-length": "0", "connection": "close"]
        channel.write(
            HTTPClientRequestPart.head(HTTPRequestHead(version: .http1_1, method: method, uri: uri, headers: headers)),
            promise: nil
        )
        channel.writeAndFlush(HTTPClientRequestPart.end(nil), promise: nil)
        defer { channel.close(promise: nil) }
        return try await promise.futureResult.get()
    }
}

/// Collects one response and completes the promise with it.
private final class ResponseCollector: ChannelInboundHandler {
    typealias InboundIn = HTTPClientResponsePart

    private let promise: EventLoopPromise<TestHTTPClient.Response>
    private var status = 0
    private var body = ""

    init(promise: EventLoopPromise<TestHTTPClient.Response>) {
        self.promise = promise
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch Self.unwrapInboundIn(data) {
        case .head(let head): self.status = Int(head.status.code)
        case .body(var buffer): self.body += buffer.readString(length: buffer.readableBytes) ?? ""
        case .end: self.promise.succeed(TestHTTPClient.Response(status: self.status, body: self.body))
        }
    }

    func channelInactive(context: ChannelHandlerContext) {
        self.promise.fail(TestFailure("connection closed before a full response"))
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        self.promise.fail(error)
        context.close(promise: nil)
    }
}
