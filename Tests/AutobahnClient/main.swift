import NIOCore
import NIOHTTP1
import NIOPosix
import WSHealthWebSocket

/// The Autobahn|Testsuite's client under test: the agent's frame reader, UTF-8 and close rules,
/// compression and closing handshake, echoing every message, through every case the fuzzing
/// server was started with, then the reports. Not part of the shipped agent.
///
///     autobahn-client [--port 9001] [--agent wshealth] [--no-compression] [--verbose]
struct AutobahnClient {
    let port: Int
    let agent: String
    let offer: PerMessageDeflate.Offer?
    let group = MultiThreadedEventLoopGroup.singleton

    /// Opens `path` and runs the connection until it ends, at most `timeout`.
    func run(_ path: String, timeout: TimeAmount = .seconds(120)) async throws -> (WebSocketEnding, String?) {
        let eventLoop = self.group.next()
        let ended = eventLoop.makePromise(of: WebSocketEnding.self)
        let connection = try await eventLoop.submit {
            NIOLoopBound(EchoConnection(ended: ended), eventLoop: eventLoop)
        }.get()
        var headers = HTTPHeaders()
        headers.add(name: "Host", value: "127.0.0.1:\(self.port)")
        let head = HTTPRequestHead(version: .http1_1, method: .GET, uri: path, headers: headers)
        let upgrader = EchoUpgrader(offer: self.offer, connection: connection)
        let channel = try await ClientBootstrap(group: eventLoop)
            .channelOption(.tcpOption(.tcp_nodelay), value: 1)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    let writer = UpgradeRequestWriter(head: head)
                    try channel.pipeline.syncOperations.addHTTPClientHandlers(
                        leftOverBytesStrategy: .forwardBytes,
                        withClientUpgrade: (
                            upgraders: [upgrader],
                            completionHandler: { context in
                                context.pipeline.syncOperations.removeHandler(name: "upgrade-request", promise: nil)
                            }
                        )
                    )
                    try channel.pipeline.syncOperations.addHandler(writer, name: "upgrade-request")
                }
            }
            .connect(host: "127.0.0.1", port: self.port).get()
        // A connection that never upgrades ends without the handler: report it as a network error.
        channel.closeFuture.whenComplete { _ in
            eventLoop.execute { connection.value.finish(.networkError) }
        }
        let deadline = eventLoop.scheduleTask(in: timeout) { channel.close(promise: nil) }
        let ending = try await ended.futureResult.get()
        deadline.cancel()
        let text = try await eventLoop.submit { connection.value.firstText }.get()
        return (ending, text)
    }
}

var arguments = CommandLine.arguments.dropFirst()
var port = 9001
var agent = "wshealth"
var compression = true
var verbose = false
while let argument = arguments.popFirst() {
    switch argument {
    case "--verbose": verbose = true
    case "--port": port = Int(arguments.popFirst() ?? "") ?? port
    case "--agent": agent = arguments.popFirst() ?? agent
    case "--no-compression": compression = false
    default:
        print("usage: autobahn-client [--port N] [--agent NAME] [--no-compression] [--verbose]")
        exit(64)
    }
}
let client = AutobahnClient(port: port, agent: agent, offer: compression ? .browser : nil)
let (_, countText) = try await client.run("/getCaseCount")
guard let count = countText.flatMap({ Int($0) }) else {
    print("autobahn-client: no case count from 127.0.0.1:\(port)")
    exit(1)
}
let started = ContinuousClock.now
for number in 1...max(count, 1) where count > 0 {
    if verbose { print("autobahn-client: case \(number)") }
    _ = try await client.run("/runCase?case=\(number)&agent=\(agent)")
    if number % 50 == 0 || number == count { print("autobahn-client: \(number)/\(count) cases") }
}
_ = try await client.run("/updateReports?agent=\(agent)")
print("autobahn-client: \(count) cases in \(ContinuousClock.now - started)")
