import NIOCore

@testable import WSHealthWebSocket

/// The frame reader (``InboundMessageReader``), with and without permessage-deflate: the
/// server's side of a connection read twice, once as it arrived in one read and once split at
/// pseudo-random points, must give the same messages and the same violation (the reader keeps
/// partial frames and validates text as it arrives, so the split reading is where its state
/// lives). Every message must keep the reader's promises: text is UTF-8, nothing is over the
/// limit, a ping's payload fits a control frame.
///
/// Input: byte 0 chooses the connection (bit 0: compression agreed, bit 1: the server keeps
/// its context, bit 2: binary kept, bits 3–5: the server's window, 2^(8…15), bits 6–7: the
/// message limit), byte 1 seeds the split points, the rest is the byte stream.
@_cdecl("LLVMFuzzerTestOneInput")
func fuzzFrameReader(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
    guard size >= 2 else { return 0 }
    let input = UnsafeBufferPointer(start: data, count: size)
    let connection = Connection(flags: input[0])
    let stream = UnsafeBufferPointer(rebasing: input[2...])

    let whole = connection.read(chunks: [stream[...]])
    let split = connection.read(chunks: Splitter(seed: input[1]).chunks(of: stream))
    guard whole == split else {
        fatalError("split reading differs:\n  whole: \(whole)\n  split: \(split)")
    }
    for message in whole.messages { connection.check(message) }
    return 0
}

/// What one reading produced.
struct Reading: Equatable, CustomStringConvertible {
    var messages: [InboundMessage] = []
    var violation: WebSocketViolation?
    /// What was left unread at the end: the start of a frame (only without a violation).
    var leftover = 0

    var description: String {
        "\(self.messages.count) messages, \(self.violation.map { "\($0)" } ?? "no violation"), \(self.leftover) left"
    }
}

/// The connection's settings, as the handshake would have agreed them.
struct Connection {
    /// One inflater per window size, shared by every reader as an event loop's is.
    nonisolated(unsafe) static let inflaters = (8...15).map { MessageInflater(windowBits: $0) }
    static let limits = [125, 1024, 65536, 1 << 20]

    var compressed: Bool
    var contextTakeover: Bool
    var keepsBinary: Bool
    var windowBits: Int
    var limit: Int

    init(flags: UInt8) {
        self.compressed = flags & 1 != 0
        self.contextTakeover = flags & 2 != 0
        self.keepsBinary = flags & 4 != 0
        self.windowBits = 8 + Int((flags >> 3) & 7)
        self.limit = Self.limits[Int(flags >> 6)]
    }

    func makeReader() -> InboundMessageReader {
        InboundMessageReader(
            maxMessageBytes: self.limit,
            keepsBinary: self.keepsBinary,
            inflater: self.compressed ? Self.inflaters[self.windowBits - 8] : nil,
            contextTakeover: self.contextTakeover
        )
    }

    /// Feeds `chunks` one read at a time, reading every message each makes complete, until the
    /// end or the first violation (which ends the connection).
    func read(chunks: [Slice<UnsafeBufferPointer<UInt8>>]) -> Reading {
        var reader = self.makeReader()
        var buffer = ByteBuffer()
        var reading = Reading()
        do throws(WebSocketViolation) {
            for chunk in chunks {
                buffer.writeBytes(UnsafeBufferPointer(rebasing: chunk))
                while let message = try reader.read(from: &buffer) {
                    reading.messages.append(message)
                }
            }
            reading.leftover = buffer.readableBytes
        } catch {
            reading.violation = error
        }
        return reading
    }

    /// The reader's promises about one message.
    func check(_ message: InboundMessage) {
        switch message {
        case .text(let text):
            precondition(text.readableBytes <= self.limit, "text of \(text.readableBytes) bytes over \(self.limit)")
            precondition(
                String(validating: text.readableBytesView, as: UTF8.self) != nil,
                "text that is not UTF-8: \(Array(text.readableBytesView))"
            )
        case .binary(let bytes):
            precondition((bytes != nil) == self.keepsBinary, "binary bytes kept: \(bytes != nil)")
            precondition((bytes?.readableBytes ?? 0) <= self.limit, "binary over \(self.limit)")
        case .ping(let payload):
            precondition(payload.readableBytes <= 125, "ping payload of \(payload.readableBytes)")
        case .pong, .close:
            break
        }
    }
}

/// Pseudo-random split points (xorshift), reproducible from one byte: 0 splits after every
/// byte, otherwise reads of 1 to (seed % 32 + 1) × 8 bytes.
struct Splitter {
    var state: UInt32
    let longest: Int

    init(seed: UInt8) {
        self.state = UInt32(seed) &* 2_654_435_761 | 1
        self.longest = seed == 0 ? 1 : (Int(seed) % 32 + 1) * 8
    }

    mutating func next() -> Int {
        self.state ^= self.state << 13
        self.state ^= self.state >> 17
        self.state ^= self.state << 5
        return Int(self.state % UInt32(self.longest)) + 1
    }

    func chunks(of bytes: UnsafeBufferPointer<UInt8>) -> [Slice<UnsafeBufferPointer<UInt8>>] {
        var splitter = self
        var chunks: [Slice<UnsafeBufferPointer<UInt8>>] = []
        var start = bytes.startIndex
        while start < bytes.endIndex {
            let end = min(bytes.endIndex, start + splitter.next())
            chunks.append(bytes[start..<end])
            start = end
        }
        return chunks
    }
}
