import NIOCore
import Testing
import WSHealthWebSocket

/// permessage-deflate: the offer a browser makes, the answers a client accepts (RFC 7692 §7),
/// and compressed messages read back, bounded after inflation.
struct PerMessageDeflateTests {
    /// Chromium's offer, and the two ways an operator can ask for less memory.
    @Test func offers() {
        #expect(PerMessageDeflate.Offer.browser.headerValue == "permessage-deflate; client_max_window_bits")
        let small = PerMessageDeflate.Offer(serverMaxWindowBits: 10, serverNoContextTakeover: true)
        #expect(
            small.headerValue
                == "permessage-deflate; client_max_window_bits; server_max_window_bits=10; server_no_context_takeover"
        )
    }

    /// Answers a client accepts, and what they agree.
    @Test func acceptedAnswers() throws {
        let offer = PerMessageDeflate.Offer.browser
        #expect(try PerMessageDeflate.agreement(in: [], offer: offer) == nil)
        #expect(try PerMessageDeflate.agreement(in: ["permessage-deflate"], offer: offer) == .init())
        let full = try #require(
            try PerMessageDeflate.agreement(
                in: [
                    "permessage-deflate; server_no_context_takeover; client_no_context_takeover; "
                        + "server_max_window_bits=\"10\"; client_max_window_bits=9"
                ],
                offer: offer
            )
        )
        #expect(full.serverNoContextTakeover && full.clientNoContextTakeover)
        #expect(full.serverMaxWindowBits == 10 && full.clientMaxWindowBits == 9)
        #expect(
            try PerMessageDeflate.agreement(in: ["PerMessage-Deflate ;Server_Max_Window_Bits=15"], offer: offer)?
                .serverMaxWindowBits == 15
        )
    }

    /// Answers the client must fail the connection for.
    @Test(arguments: [
        "permessage-deflate, permessage-deflate",
        "x-webkit-deflate-frame",
        "permessage-deflate; server_max_window_bits=16",
        "permessage-deflate; server_max_window_bits=7",
        "permessage-deflate; server_max_window_bits=010",
        "permessage-deflate; server_max_window_bits",
        "permessage-deflate; client_max_window_bits",
        "permessage-deflate; server_no_context_takeover=1",
        "permessage-deflate; server_no_context_takeover; server_no_context_takeover",
        "permessage-deflate; mystery",
    ])
    func refusedAnswers(answer: String) {
        #expect(throws: PerMessageDeflate.Refusal.self) {
            try PerMessageDeflate.agreement(in: [answer], offer: .browser)
        }
    }

    /// A server window above the one asked for is refused; the one asked for, or smaller, is not.
    @Test func serverWindowWithinTheOffer() throws {
        let offer = PerMessageDeflate.Offer(serverMaxWindowBits: 10)
        #expect(throws: PerMessageDeflate.Refusal.self) {
            try PerMessageDeflate.agreement(in: ["permessage-deflate; server_max_window_bits=11"], offer: offer)
        }
        #expect(
            try PerMessageDeflate.agreement(in: ["permessage-deflate; server_max_window_bits=9"], offer: offer)?
                .serverMaxWindowBits == 9
        )
    }

    /// Messages compressed with and without context takeover read back, in one frame or
    /// fragmented; with takeover the second message refers to the first.
    @Test(arguments: [true, false])
    func compressedMessagesReadBack(contextTakeover: Bool) throws {
        let deflater = try #require(MessageDeflater(windowBits: 15, memoryLevel: 8, contextTakeover: contextTakeover))
        let inflater = MessageInflater(windowBits: 15)
        var reader = InboundMessageReader(
            maxMessageBytes: 1 << 20,
            inflater: inflater,
            contextTakeover: contextTakeover
        )
        let message = #"{"cpu":12.5,"memory":43.1,"connections":1024,"timestamp":"2026-12-03T07:00:00Z"}"#
        var bytes: [UInt8] = []
        var sizes: [Int] = []
        for _ in 0..<3 {
            let compressed = Array(deflater.deflate(ByteBuffer(string: message), allocator: .init()).readableBytesView)
            sizes.append(compressed.count)
            bytes += serverFrame(0xC1, compressed)
        }
        // The last one in two fragments: RSV1 on the first only.
        let last = Array(deflater.deflate(ByteBuffer(string: message), allocator: .init()).readableBytesView)
        bytes += serverFrame(0x41, Array(last.prefix(3))) + serverFrame(0x80, Array(last.dropFirst(3)))
        var buffer = ByteBuffer(bytes: bytes)
        var messages: [InboundMessage] = []
        while let next = try reader.read(from: &buffer) { messages.append(next) }
        #expect(messages == Array(repeating: .text(ByteBuffer(string: message)), count: 4))
        if contextTakeover { #expect(sizes[1] < sizes[0], "the second refers to the first: \(sizes)") }
    }

    /// One inflater serves two connections whose servers both keep their context, their
    /// messages interleaved: each connection's own window makes each message inflate.
    @Test func oneInflaterServesInterleavedConnections() throws {
        let inflater = MessageInflater(windowBits: 15)
        let servers = try (0..<2).map { _ in
            try #require(MessageDeflater(windowBits: 15, memoryLevel: 8, contextTakeover: true))
        }
        var readers = (0..<2).map { _ in
            InboundMessageReader(maxMessageBytes: 1 << 20, inflater: inflater, contextTakeover: true)
        }
        for round in 0..<50 {
            for index in 0..<2 {
                let message =
                    #"{"connection":\#(index),"round":\#(round),"padding":"\#(String(repeating: "ab", count: 40))"}"#
                let compressed = servers[index].deflate(ByteBuffer(string: message), allocator: .init())
                var buffer = ByteBuffer(bytes: serverFrame(0xC1, Array(compressed.readableBytesView)))
                #expect(try readers[index].read(from: &buffer) == .text(ByteBuffer(string: message)))
            }
        }
    }

    /// A decompression bomb stops at the limit: 1 MiB of zeros compresses to about 1 KiB.
    @Test func bombIsTooLargeAfterInflation() throws {
        let deflater = try #require(MessageDeflater(windowBits: 15, memoryLevel: 8, contextTakeover: false))
        let bomb = deflater.deflate(ByteBuffer(repeating: 0x30, count: 1 << 20), allocator: .init())
        #expect(bomb.readableBytes < 4096)
        var reader = InboundMessageReader(
            maxMessageBytes: 65536,
            inflater: MessageInflater(windowBits: 15)
        )
        var buffer = ByteBuffer(bytes: serverFrame(0xC2, Array(bomb.readableBytesView)))
        #expect(throws: WebSocketViolation.messageTooLarge(limit: 65536)) { try reader.read(from: &buffer) }
    }

    /// A message of exactly the limit inflates; one byte more does not.
    @Test(arguments: [(4096, true), (4097, false)])
    func limitIsExact(size: Int, accepted: Bool) throws {
        let deflater = try #require(MessageDeflater(windowBits: 15, memoryLevel: 8, contextTakeover: false))
        let compressed = deflater.deflate(ByteBuffer(repeating: 0x31, count: size), allocator: .init())
        var reader = InboundMessageReader(
            maxMessageBytes: 4096,
            inflater: MessageInflater(windowBits: 15)
        )
        var buffer = ByteBuffer(bytes: serverFrame(0xC1, Array(compressed.readableBytesView)))
        if accepted {
            #expect(try reader.read(from: &buffer) == .text(ByteBuffer(repeating: 0x31, count: size)))
        } else {
            #expect(throws: WebSocketViolation.messageTooLarge(limit: 4096)) { try reader.read(from: &buffer) }
        }
    }

    /// Bytes that do not inflate, compressed invalid UTF-8, and RSV1 where it may not be.
    @Test func compressionViolations() throws {
        let inflater = MessageInflater(windowBits: 15)
        var corrupt = InboundMessageReader(maxMessageBytes: 1 << 20, inflater: inflater)
        var buffer = ByteBuffer(bytes: serverFrame(0xC1, [0xFF, 0xFF, 0xFF, 0xFF]))
        #expect(throws: WebSocketViolation.invalidCompressedData) { try corrupt.read(from: &buffer) }

        let deflater = try #require(MessageDeflater(windowBits: 15, memoryLevel: 8, contextTakeover: false))
        let badText = deflater.deflate(ByteBuffer(bytes: [0x61, 0xFF]), allocator: .init())
        var text = InboundMessageReader(
            maxMessageBytes: 1 << 20,
            inflater: MessageInflater(windowBits: 15)
        )
        buffer = ByteBuffer(bytes: serverFrame(0xC1, Array(badText.readableBytesView)))
        #expect(throws: WebSocketViolation.invalidUTF8) { try text.read(from: &buffer) }

        for (bytes, violation) in [
            (serverFrame(0xC9, []), WebSocketViolation.misplacedCompressionBit),
            (serverFrame(0x41, [0x00]) + serverFrame(0xC0, [0x00]), .misplacedCompressionBit),
        ] {
            var reader = InboundMessageReader(
                maxMessageBytes: 1 << 20,
                inflater: MessageInflater(windowBits: 15)
            )
            var buffer = ByteBuffer(bytes: bytes)
            #expect(throws: violation) { while try reader.read(from: &buffer) != nil {} }
        }
        // Without the extension agreed, RSV1 is a reserved bit.
        var plain = InboundMessageReader(maxMessageBytes: 1 << 20)
        buffer = ByteBuffer(bytes: serverFrame(0xC1, [0x00]))
        #expect(throws: WebSocketViolation.reservedBits) { try plain.read(from: &buffer) }
    }

    /// An uncompressed message on a compressed connection (RSV1 clear) is read as it is.
    @Test func uncompressedMessageOnACompressedConnection() throws {
        var reader = InboundMessageReader(
            maxMessageBytes: 1 << 20,
            inflater: MessageInflater(windowBits: 15)
        )
        var buffer = ByteBuffer(bytes: serverFrame(0x81, Array("{}".utf8)))
        #expect(try reader.read(from: &buffer) == .text(ByteBuffer(string: "{}")))
    }

    /// A server that ends a message with a final block (BFINAL) starts a new stream after it.
    @Test func finalBlockStartsANewStream() throws {
        // "a" as a final fixed-Huffman block, then "b" the same way: each a whole deflate stream.
        let finalA: [UInt8] = [0x4B, 0x04, 0x00]
        let finalB: [UInt8] = [0x4B, 0x02, 0x00]
        var reader = InboundMessageReader(
            maxMessageBytes: 1 << 20,
            inflater: MessageInflater(windowBits: 15)
        )
        var buffer = ByteBuffer(bytes: serverFrame(0xC1, finalA) + serverFrame(0xC1, finalB))
        #expect(try reader.read(from: &buffer) == .text(ByteBuffer(string: "a")))
        #expect(try reader.read(from: &buffer) == .text(ByteBuffer(string: "b")))
    }
}
