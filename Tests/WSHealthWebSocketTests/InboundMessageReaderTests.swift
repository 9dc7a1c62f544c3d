import NIOCore
import NIOWebSocket
import Testing
import WSHealthWebSocket

/// A frame as a server sends it: unmasked unless `mask` is given.
func serverFrame(_ first: UInt8, _ payload: [UInt8], mask: [UInt8]? = nil) -> [UInt8] {
    var bytes = [first]
    let maskBit: UInt8 = mask == nil ? 0 : 0x80
    switch payload.count {
    case 0..<126: bytes.append(maskBit | UInt8(payload.count))
    case 126...0xFFFF: bytes += [maskBit | 126, UInt8(payload.count >> 8), UInt8(payload.count & 0xFF)]
    default: bytes += [maskBit | 127] + (0..<8).reversed().map { UInt8((payload.count >> ($0 * 8)) & 0xFF) }
    }
    guard let mask else { return bytes + payload }
    return bytes + mask + payload.enumerated().map { $0.element ^ mask[$0.offset % 4] }
}

/// The server's frames read from bytes: splits anywhere, the three length forms, fragmented
/// messages, and every rule RFC 6455 obliges a client to fail the connection for. (That a
/// connection then ends as `protocol_error`, closed with 1002, 1007 or 1009, is driven end to
/// end in the agent's tests.)
struct InboundMessageReaderTests {
    static func frame(_ first: UInt8, _ payload: [UInt8], mask: [UInt8]? = nil) -> [UInt8] {
        serverFrame(first, payload, mask: mask)
    }

    static func text(_ string: String, fin: Bool = true) -> [UInt8] {
        Self.frame(fin ? 0x81 : 0x01, Array(string.utf8))
    }

    /// Reads everything `bytes` holds; what is left unread stays in `buffer`.
    static func readAll(
        _ reader: inout InboundMessageReader,
        _ buffer: inout ByteBuffer
    ) throws(WebSocketViolation) -> [InboundMessage] {
        var messages: [InboundMessage] = []
        for _ in 0..<100 {
            guard let message = try reader.read(from: &buffer) else { break }
            messages.append(message)
        }
        return messages
    }

    @Test func framesInOneReadAreAllRead() throws {
        var reader = InboundMessageReader(maxMessageBytes: 1 << 20)
        var buffer = ByteBuffer(
            bytes: Self.text(#"{"a":1}"#) + Self.frame(0x89, [7]) + Self.frame(0x8A, []) + Self.frame(0x82, [1, 2])
                + Self.frame(0x88, [0x03, 0xE8])
        )
        let messages = try Self.readAll(&reader, &buffer)
        #expect(
            messages == [
                .text(ByteBuffer(string: #"{"a":1}"#)), .ping(ByteBuffer(bytes: [7])), .pong, .binary(nil),
                .close(code: 1000, reason: ""),
            ]
        )
        #expect(buffer.readableBytes == 0)
    }

    /// A frame split at every possible byte arrives whole once its last byte does, for each of
    /// the three length encodings.
    @Test(arguments: [5, 300, 70_000])
    func splitFramesWaitForTheirEnd(length: Int) throws {
        let payload = String(repeating: "x", count: length)
        let bytes = Self.text(payload)
        let splits = length < 1000 ? Array(0..<bytes.count) : [0, 1, 2, 5, 9, 10, 11, bytes.count - 1]
        for split in splits {
            var reader = InboundMessageReader(maxMessageBytes: 1 << 20)
            var buffer = ByteBuffer(bytes: bytes[..<split])
            #expect(try reader.read(from: &buffer) == nil, "split at \(split)")
            #expect(buffer.readableBytes == split, "nothing is consumed before the frame is whole")
            buffer.writeBytes(bytes[split...])
            #expect(try reader.read(from: &buffer) == .text(ByteBuffer(string: payload)), "split at \(split)")
        }
    }

    /// Fragments are joined into one message; control frames may come between them.
    @Test func fragmentedMessagesAreReassembled() throws {
        var reader = InboundMessageReader(maxMessageBytes: 1 << 20)
        var buffer = ByteBuffer(
            bytes: Self.text(#"{"a":"#, fin: false) + Self.frame(0x89, []) + Self.frame(0x00, Array("12".utf8))
                + Self.frame(0x80, Array("3}".utf8)) + Self.frame(0x02, [1]) + Self.frame(0x80, [2])
        )
        let messages = try Self.readAll(&reader, &buffer)
        #expect(messages == [.ping(ByteBuffer()), .text(ByteBuffer(string: #"{"a":123}"#)), .binary(nil)])
        // A reader that keeps binary messages (the Autobahn client echoes them) joins them too.
        var keeping = InboundMessageReader(maxMessageBytes: 1 << 20, keepsBinary: true)
        var binary = ByteBuffer(bytes: Self.frame(0x02, [1]) + Self.frame(0x80, [2]) + Self.frame(0x82, [3]))
        #expect(
            try Self.readAll(&keeping, &binary) == [
                .binary(ByteBuffer(bytes: [1, 2])), .binary(ByteBuffer(bytes: [3])),
            ]
        )
    }

    @Test func closeWithoutCode() throws {
        var reader = InboundMessageReader(maxMessageBytes: 1 << 20)
        var buffer = ByteBuffer(bytes: Self.frame(0x88, []))
        #expect(try reader.read(from: &buffer) == .close(code: nil, reason: ""))
    }

    /// Each broken frame is named by the rule it breaks, and is refused from its header alone:
    /// nothing waits for a payload that must not be accepted.
    @Test(arguments: [
        (Self.frame(0xC1, Array("{}".utf8)), WebSocketViolation.reservedBits),
        (Self.frame(0xA0, []), .reservedBits),
        (Self.frame(0x93, []), .reservedBits),
        (Self.frame(0x83, []), .reservedOpcode(0x3)),
        (Self.frame(0x87, []), .reservedOpcode(0x7)),
        (Self.frame(0x8B, []), .reservedOpcode(0xB)),
        (Self.frame(0x8F, []), .reservedOpcode(0xF)),
        (Self.frame(0x81, Array("{}".utf8), mask: [1, 2, 3, 4]), .maskedFrame),
        ([0x81, 127, 0x80, 0, 0, 0, 0, 0, 0, 1], .invalidLength),
        (Self.frame(0x09, []), .fragmentedControlFrame),
        (Array(Self.frame(0x89, Array(repeating: 0, count: 126)).prefix(4)), .controlFrameTooLong(126)),
        (Self.frame(0x80, [1]), .unexpectedContinuation),
        (Self.text("a", fin: false) + Self.text("b"), .unfinishedMessage),
        (Array(Self.text(String(repeating: "x", count: 1025)).prefix(4)), .messageTooLarge(limit: 1024)),
        (Self.text(String(repeating: "x", count: 1000), fin: false) + [0x80, 25], .messageTooLarge(limit: 1024)),
    ])
    func brokenFrames(bytes: [UInt8], violation: WebSocketViolation) {
        var reader = InboundMessageReader(maxMessageBytes: 1024)
        var buffer = ByteBuffer(bytes: bytes)
        #expect(throws: violation) { try Self.readAll(&reader, &buffer) }
    }

    /// A message of exactly the limit is accepted, whole or in fragments.
    @Test func messageAtTheLimitIsAccepted() throws {
        var reader = InboundMessageReader(maxMessageBytes: 1024)
        let half = String(repeating: "x", count: 512)
        var buffer = ByteBuffer(
            bytes: Self.text(half + half) + Self.text(half, fin: false) + Self.frame(0x80, Array(half.utf8))
        )
        #expect(
            try Self.readAll(&reader, &buffer) == [
                .text(ByteBuffer(string: half + half)), .text(ByteBuffer(string: half + half)),
            ]
        )
    }

    /// The message of each violation, as logs show it.
    @Test func descriptions() {
        #expect("\(WebSocketViolation.reservedOpcode(0xB))" == "a frame with reserved opcode 0xB")
        #expect("\(WebSocketViolation.reservedBits)" == "a frame with reserved bits set")
        #expect("\(WebSocketViolation.maskedFrame)" == "a masked frame from the server")
        #expect("\(WebSocketViolation.messageTooLarge(limit: 1024))" == "a message over the limit of 1024 bytes")
        #expect("\(WebSocketViolation.controlFrameTooLong(126))" == "a control frame of 126 bytes (at most 125)")
    }

    /// The agent's own frames: FIN, the opcode, the mask bit and a key, the payload masked with
    /// it (RFC 6455 §5.3); a fresh key each time.
    @Test func clientFramesAreMasked() {
        let allocator = ByteBufferAllocator()
        let frame = allocator.clientCloseFrame(code: 1002)
        let bytes = Array(frame.readableBytesView)
        #expect(bytes.count == 8)
        #expect(bytes[0] == 0x88)
        #expect(bytes[1] == 0x82)
        let key = Array(bytes[2..<6])
        #expect([bytes[6] ^ key[0], bytes[7] ^ key[1]] == [0x03, 0xEA])
        let ping = allocator.clientFrame(opcode: FrameHeader.ping)
        #expect(Array(ping.readableBytesView.prefix(2)) == [0x89, 0x80])
        let keys = Set(
            (0..<20).map { _ in allocator.clientFrame(opcode: FrameHeader.ping).getBytes(at: 2, length: 4)! }
        )
        #expect(keys.count > 1)
    }
}
