import Logging
import NIOCore
import NIOEmbedded
import WSConnectionStateMachine
import WSHealthConfig
import WSHealthWebSocket

@testable import WSHealthAgent

/// A session on an `EmbeddedEventLoop`, its connections `EmbeddedChannel`s: the session's whole
/// life driven frame by frame and tick by tick, its time the loop's, with no socket and no sleep.
/// Unchecked: an embedded loop runs on the test's own thread, where everything here happens.
final class EmbeddedSession: @unchecked Sendable {
    let loop = EmbeddedEventLoop()
    let registry = MetricsRegistry()
    let statistics: TargetStatistics
    let settings: SessionSettings
    private(set) var session: Session!
    /// Every connection the session opened, in order, with its id.
    private(set) var connections: [(id: UInt64, channel: EmbeddedChannel)] = []
    /// While true, an attempt gets no socket: it fails at once, before `connect` returns, as
    /// when the agent's descriptors have run out.
    var refusesSockets = false

    /// A session of target `t` under `policy`, its messages held to `assertions`, speaking
    /// `conversation`.
    init(
        policy: ConnectionPolicy = .spec,
        assertions: [AssertionConfiguration] = [],
        conversation: ConversationConfiguration = ConversationConfiguration()
    ) throws {
        guard let endpoint = WebSocketEndpoint(url: "ws://127.0.0.1:8000/api/ws/metrics") else {
            throw CLIError("no endpoint")
        }
        self.settings = SessionSettings(
            targetName: "t",
            endpoint: endpoint,
            displayURL: "ws://127.0.0.1:8000/api/ws/metrics",
            policy: policy,
            expectJSON: true,
            maxMessageBytes: 1 << 20,
            token: nil,
            tls: nil,
            tlsServerName: nil,
            compression: nil,
            assertions: assertions,
            conversation: Conversation(conversation)
        )
        self.statistics = TargetStatistics(target: "t", sessions: 1, policy: policy, registry: self.registry)
        let loop = self.loop
        self.session = Session(
            index: 0,
            settings: self.settings,
            statistics: self.statistics,
            loop: SessionLoop(eventLoop: loop),
            logger: Logger(label: "test") { _ in SwiftLogNoOpLogHandler() },
            connect: { [unowned self] _, id in
                if self.refusesSockets { return loop.makeFailedFuture(SocketBudgetExhausted()) }
                let channel = EmbeddedChannel(loop: loop)
                self.connections.append((id, channel))
                return channel.connect(to: try! SocketAddress(ipAddress: "127.0.0.1", port: 8000)).map { channel }
            }
        )
    }

    /// The loop's timer wheel, its scheduled tasks and the channels' handlers refer to the
    /// session, which refers to the loop: stopped (its timer cancelled) and shut down, they let
    /// go, and nothing outlives the test.
    deinit {
        _ = self.session.stop()
        self.loop.run()
        for connection in self.connections { _ = try? connection.channel.finish() }
        try? self.loop.syncShutdownGracefully()
    }

    /// The newest connection.
    var channel: EmbeddedChannel { self.connections.last!.channel }

    /// Starts the session and runs what it scheduled.
    func start() {
        self.session.start()
        self.loop.run()
    }

    /// The server accepts the upgrade of the newest connection: the handler the upgrader
    /// installs goes on its pipeline.
    func upgrade() throws {
        let (id, channel) = self.connections.last!
        let reader = InboundMessageReader(maxMessageBytes: self.settings.maxMessageBytes, inflater: nil)
        try channel.pipeline.syncOperations.addHandler(
            WebSocketClientHandler(delegate: self.session, connection: id, reader: reader)
        )
        self.session.connectionUpgraded(id)
        self.loop.run()
    }

    /// The server sends `bytes` on the newest connection.
    func receive(_ bytes: [UInt8]) throws {
        try self.channel.writeInbound(ByteBuffer(bytes: bytes))
        self.loop.run()
    }

    /// The server closes the newest connection's TCP.
    func serverCloses() throws {
        try self.channel.close().wait()
        self.loop.run()
    }

    /// Moves the loop's clock on, firing what falls due.
    func advance(by amount: TimeAmount) {
        self.loop.advanceTime(by: amount)
    }

    /// The frames the session wrote on the newest connection since the last call, unmasked:
    /// (opcode, payload).
    func sentFrames() throws -> [(opcode: UInt8, payload: [UInt8])] {
        var frames: [(UInt8, [UInt8])] = []
        while var frame = try self.channel.readOutbound(as: ByteBuffer.self) {
            guard let (first, second) = frame.readMultipleIntegers(as: (UInt8, UInt8).self) else { continue }
            let length = Int(second & 0x7F)  // the session sends control frames only
            let key = frame.readBytes(length: 4) ?? []
            let payload = (frame.readBytes(length: length) ?? []).enumerated().map { $0.element ^ key[$0.offset % 4] }
            frames.append((first & 0x0F, payload))
        }
        return frames
    }

    /// The session as pages see it.
    var snapshot: SessionSnapshot {
        let future = self.session.snapshot()
        self.loop.run()
        return try! future.wait()
    }

    /// One series of the target, from the registry's exposition.
    func metric(_ name: String, _ labels: [String: String] = [:]) -> Double? {
        MetricText(self.registry.exposition()).value(name, labels)
    }
}
