import Dispatch
import Foundation
import Hummingbird
import HummingbirdBcrypt
import HummingbirdCore
import Logging
import NIOConcurrencyHelpers
import NIOCore
import NIOEmbedded
import NIOHTTP1
import Synchronization
import WSHealthConfig

@testable import WSHealthAgent

/// The agent's web server from the first byte a client sends: the input is what arrives on one
/// connection (any number of pipelined requests, then the client's end of input), through
/// the server's own pipeline (Hummingbird's HTTP/1.1 channel with the agent's decoder limits,
/// its responder, the agent's router with every endpoint and, on a second server, basic
/// authentication, which gets the inputs with an `Authorization` header) on an in-memory
/// channel. No crash, no hang, every answer HTTP/1.1, and
/// no request answered 500 (but a failed reload's): every endpoint handles what reaches it.
///
/// The agent has two targets (not started: the endpoints report them as they are before
/// their first connection), so the status page, its APIs and Retry have targets to read.
@_cdecl("LLVMFuzzerTestOneInput")
func fuzzHTTPRequest(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
    let bytes = UnsafeBufferPointer(start: data, count: size)
    let request = ByteBuffer(bytes: bytes)
    // Inputs with credentials go to the server that checks them (the other would ignore them).
    let credentials = String(decoding: bytes, as: UTF8.self).lowercased().contains("authorization:")
    let server = credentials ? Servers.shared.authenticated : Servers.shared.plain
    let result = blocking { await exchange(request, with: server) }
    let text = String(decoding: result.answer.readableBytesView, as: UTF8.self)
    precondition(result.answer.readableBytes == 0 || text.hasPrefix("HTTP/1.1 "), "not HTTP: \(text.prefix(200))")
    for response in result.responses where response.status == .internalServerError {
        // `POST /-/reload` answers its failure with 500 (the agent here is not running).
        precondition(response.body.hasPrefix("reload failed: "), "an internal server error:\n\(text.prefix(2000))")
    }
    return 0
}

/// The agent, and its web server without and with basic authentication.
struct Servers: Sendable {
    static let shared = blocking { await Servers() }
    static let logger = Logger(label: "fuzz") { _ in SwiftLogNoOpLogHandler() }

    let agent: Agent
    let plain: HTTP1Channel
    let authenticated: HTTP1Channel

    init() async {
        let yaml = """
            targets:
              - {name: dashboard, url: "ws://127.0.0.1:9/api/ws/metrics", sessions: 2}
              - {name: "a/b c", url: "ws://127.0.0.1:9/x?y=z"}
            """
        do {
            let configuration = try AgentConfiguration.parse(yaml: yaml, environment: [:])
            self.agent = Agent(
                configuration: configuration,
                options: .init(host: "127.0.0.1", port: 0),
                logger: Self.logger
            )
            let targets = try configuration.targets.map(self.agent.makeTarget)
            self.agent.state.withLockedValue { $0.targets = targets }
            let password = Bcrypt.hash("secret", cost: 4)
            let authenticator = BasicAuthenticator(users: ["prometheus": password])
            self.plain = await Self.server(self.agent, nil)
            self.authenticated = await Self.server(self.agent, authenticator)
        } catch {
            fatalError("cannot set up the web server: \(error)")
        }
    }

    /// The router `WebServer.run()` builds, with `authenticator` when the web configuration
    /// has users.
    static func router(_ agent: Agent, _ authenticator: BasicAuthenticator?) -> Router<BasicRequestContext> {
        WebServer(agent: agent).makeRouter(authenticator: authenticator)
    }

    /// The child channel an `Application` serving that router makes, with Hummingbird's own
    /// responder around it: built by `Application.run()`, which is stopped before it binds.
    static func server(_ agent: Agent, _ authenticator: BasicAuthenticator?) async -> HTTP1Channel {
        let built = NIOLockedValueBox<HTTP1Channel?>(nil)
        let builder = HTTPServerBuilder { responder in
            let channel = HTTP1Channel(responder: responder, configuration: WebServer.http1)
            built.withLockedValue { $0 = channel }
            return channel
        }
        var application = Application(
            router: Self.router(agent, authenticator),
            server: builder,
            configuration: .init(address: .hostname("127.0.0.1", port: 0)),
            logger: Self.logger
        )
        application.beforeServerStarts { throw StopBeforeBinding() }
        do {
            try await application.run()
        } catch {
            guard error is StopBeforeBinding else { fatalError("the application failed: \(error)") }
        }
        guard let channel = built.withLockedValue({ $0 }) else { fatalError("no child channel was built") }
        return channel
    }

    struct StopBeforeBinding: Error {}
}

/// What the server answers on a connection that sends `request`, then ends its input (the
/// server allows half-closure: it answers every complete request before it closes).
func exchange(_ request: ByteBuffer, with server: HTTP1Channel) async -> Exchange {
    let channel = NIOAsyncTestingChannel()
    let logger = Servers.logger
    let exchange = NIOLockedValueBox(Exchange())
    do {
        // One trip to the channel's loop: the server's pipeline, the connection, the bytes and
        // the end of input, as a socket's read can bring them all at once; the server's
        // responder reads them when it runs.
        let value = try await channel.eventLoop.flatSubmit {
            server.setup(channel: channel, logger: logger).flatMapThrowing { value in
                let pipeline = channel.pipeline.syncOperations
                try pipeline.addHandler(WireRecorder(exchange), position: .first)
                let encoder = try pipeline.handler(type: HTTPResponseEncoder.self)
                try pipeline.addHandler(ResponseRecorder(exchange), position: .after(encoder))
                channel.connect(to: try SocketAddress(ipAddress: "127.0.0.1", port: 40000), promise: nil)
                pipeline.fireChannelRead(NIOAny(request))
                pipeline.fireChannelReadComplete()
                pipeline.fireUserInboundEventTriggered(ChannelEvent.inputClosed)
                return value
            }
        }.get()
        await server.handle(value: value, logger: logger)
    } catch {
        fatalError("cannot drive the channel: \(error)")
    }
    return exchange.withLockedValue { $0 }
}

/// What went back to the client.
struct Exchange: Sendable {
    /// The bytes.
    var answer = ByteBuffer()
    /// Each response.
    var responses: [RecordedResponse] = []
}

/// Keeps the bytes the server writes.
final class WireRecorder: ChannelOutboundHandler {
    typealias OutboundIn = IOData
    typealias OutboundOut = IOData

    let exchange: NIOLockedValueBox<Exchange>

    init(_ exchange: NIOLockedValueBox<Exchange>) { self.exchange = exchange }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        switch self.unwrapOutboundIn(data) {
        case .byteBuffer(let buffer): self.exchange.withLockedValue { _ = $0.answer.writeImmutableBuffer(buffer) }
        case .fileRegion: fatalError("the server sent a file")
        }
        context.write(data, promise: promise)
    }
}

/// A response's status and the start of its body.
struct RecordedResponse: Sendable {
    var status: HTTPResponseStatus
    var body = ""
}

/// Notes every response (its status, the start of its body) on its way to the encoder.
final class ResponseRecorder: ChannelOutboundHandler {
    typealias OutboundIn = HTTPServerResponsePart
    typealias OutboundOut = HTTPServerResponsePart

    let exchange: NIOLockedValueBox<Exchange>

    init(_ exchange: NIOLockedValueBox<Exchange>) { self.exchange = exchange }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        switch self.unwrapOutboundIn(data) {
        case .head(let head):
            self.exchange.withLockedValue { $0.responses.append(RecordedResponse(status: head.status)) }
        case .body(.byteBuffer(let buffer)):
            self.exchange.withLockedValue { exchange in
                guard let last = exchange.responses.indices.last, exchange.responses[last].body.utf8.count < 64
                else { return }
                exchange.responses[last].body += String(decoding: buffer.readableBytesView.prefix(64), as: UTF8.self)
            }
        case .body(.fileRegion), .end:
            break
        }
        context.write(data, promise: promise)
    }
}

/// Runs `body` to its end from the fuzzer's thread, which is not one of Swift's.
func blocking<Result: Sendable>(_ body: @escaping @Sendable () async -> Result) -> Result {
    let result = NIOLockedValueBox<Result?>(nil)
    let done = DispatchSemaphore(value: 0)
    Task {
        let value = await body()
        result.withLockedValue { $0 = value }
        done.signal()
    }
    done.wait()
    return result.withLockedValue { $0! }
}
