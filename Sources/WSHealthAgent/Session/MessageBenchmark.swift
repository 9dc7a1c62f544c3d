import Logging
import NIOCore
import NIOEmbedded
import WSConnectionStateMachine
import WSHealthWebSocket

/// A session's per-message path without sockets, for the `Benchmarks` package: one `Session`
/// on an embedded event loop, connected to an in-memory channel and receiving data. Fed either
/// the text messages its channel handler passes on (JSON validation, the target's metrics, the
/// state machine, the timer decision), or the bytes of whole frames, read by that handler
/// first.
@_spi(Benchmarks)
public final class MessageBenchmark {
    private let loop = EmbeddedEventLoop()
    private let session: Session
    private let message: ByteBuffer
    private let frame: ByteBuffer
    private let channel: EmbeddedChannel
    /// The statistics' owner, kept for as long as the session records into them.
    private let registry = MetricsRegistry()
    /// The id of the session's connection: the first one it opened.
    private let connectionID: UInt64 = 1

    /// A session of a target that expects JSON, receiving `message` (UTF-8) as its messages.
    public init(message: String) throws {
        guard let endpoint = WebSocketEndpoint(url: "ws://127.0.0.1:9/api/ws/metrics") else {
            throw AgentError("no endpoint")
        }
        let settings = SessionSettings(
            targetName: "benchmark",
            endpoint: endpoint,
            displayURL: "ws://127.0.0.1:9/api/ws/metrics",
            policy: .spec,
            expectJSON: true,
            maxMessageBytes: 1 << 20,
            token: nil,
            tls: nil,
            tlsServerName: nil,
            compression: nil
        )
        let statistics = TargetStatistics(target: "benchmark", sessions: 1, policy: .spec, registry: self.registry)
        let loop = self.loop
        let channel = EmbeddedChannel(loop: loop)
        self.session = Session(
            index: 0,
            settings: settings,
            statistics: statistics,
            loop: SessionLoop(eventLoop: loop),
            logger: Logger(label: "benchmark") { _ in SwiftLogNoOpLogHandler() },
            connect: { _, _ in loop.makeSucceededFuture(channel) }
        )
        self.message = ByteBuffer(string: message)
        var frame = ByteBuffer()
        frame.writeInteger(UInt8(0x81))
        let length = self.message.readableBytes
        if length < 126 {
            frame.writeInteger(UInt8(length))
        } else {
            frame.writeMultipleIntegers(UInt8(126), UInt16(length))
        }
        frame.writeImmutableBuffer(self.message)
        self.frame = frame
        self.channel = channel
        self.session.start()
        loop.run()
        self.session.connectionUpgraded(self.connectionID)
        try channel.pipeline.syncOperations.addHandler(
            WebSocketClientHandler(
                delegate: self.session,
                connection: self.connectionID,
                reader: InboundMessageReader(maxMessageBytes: 1 << 20)
            )
        )
        self.receive()
    }

    /// One message arrives, as the channel handler passes it on.
    public func receive() {
        self.session.connectionReceived(self.connectionID, text: self.message)
    }

    /// One frame's bytes arrive, as one read from the socket.
    public func receiveFrame() throws {
        try self.channel.writeInbound(self.frame)
    }

    /// The state of the session: `receiving_data` while it takes the messages as valid.
    public var state: String {
        let snapshot = self.session.snapshot()
        self.loop.run()
        return (try? snapshot.wait().state.rawValue) ?? "unknown"
    }
}

/// JSON validation alone, for the `Benchmarks` package.
@_spi(Benchmarks)
public enum JSONValidation {
    /// Whether `bytes` hold one JSON text, as the agent checks each message.
    public static func isValid(_ bytes: [UInt8]) -> Bool { JSONValidator.isValid(bytes) }
}

/// UTF-8 validation alone, as every text message gets it, for the `Benchmarks` package.
@_spi(Benchmarks)
public enum UTF8Validation {
    /// Whether `bytes` are valid UTF-8.
    public static func isValid(_ bytes: [UInt8]) -> Bool { UTF8Validator.isValid(bytes) }
}

/// A compressed message inflated as a session with context takeover inflates it: the loop's
/// shared zlib state given the session's window first. For the `Benchmarks` package.
@_spi(Benchmarks)
public final class InflationBenchmark {
    private let inflater = MessageInflater(windowBits: 15)
    private var window: CompressionWindow? = CompressionWindow(bits: 15)
    private let compressed: ByteBuffer
    private let allocator = ByteBufferAllocator()

    /// `message` compressed on its own; the window filled with 32 KiB of history first.
    public init(message: String) {
        let deflater = MessageDeflater(windowBits: 15, memoryLevel: 8, contextTakeover: false)!
        self.compressed = deflater.deflate(ByteBuffer(string: message), allocator: self.allocator)
        let history = [UInt8](repeating: 0x20, count: 1 << 15)
        history.withUnsafeBytes { self.window?.append($0) }
    }

    /// Inflates the message once; returns its length.
    public func inflate() throws -> Int {
        try self.inflater.inflate(self.compressed, window: &self.window, limit: 1 << 20, allocator: self.allocator)
            .readableBytes
    }
}
