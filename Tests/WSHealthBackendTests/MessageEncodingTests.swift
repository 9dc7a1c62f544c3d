import Foundation
import NIOCore
import Testing

@testable import WSHealthBackend

@Suite struct MessageEncodingTests {
    /// A metrics message is the spec's JSON object with all five fields.
    @Test func metricsJSONHasTheSpecFields() throws {
        var generator = SplitMix64(seed: 42)
        let sample = MetricsSample.random(using: &generator, activeConnections: 3, timestamp: "2026-11-26T16:51:09Z")
        let object = try #require(
            try JSONSerialization.jsonObject(with: Data(sample.json.utf8)) as? [String: Any]
        )
        #expect(
            Set(object.keys) == [
                "timestamp", "cpu_percent", "memory_percent", "active_connections", "requests_per_second",
            ]
        )
        #expect(object["timestamp"] as? String == "2026-11-26T16:51:09Z")
        #expect(object["active_connections"] as? Int == 3)
        let cpu = try #require(object["cpu_percent"] as? Double)
        #expect((5...95).contains(cpu))
        #expect(cpu == (cpu * 10).rounded() / 10)
    }

    /// Timestamps are ISO 8601 UTC with second precision, across dates and leap years.
    @Test(arguments: [
        (Int64(0), "1970-01-01T00:00:00Z"),
        (951_782_400, "2000-02-29T00:00:00Z"),
        (1_795_711_869, "2026-11-26T16:51:09Z"),
        (4_102_444_799, "2099-12-31T23:59:59Z"),
        (-1, "1969-12-31T23:59:59Z"),
    ])
    func timestampFormatting(seconds: Int64, expected: String) {
        #expect(UTCTimestamp.format(secondsSinceEpoch: seconds) == expected)
    }

    /// Pre-encoded frames carry FIN+text, no mask, and the right length encoding.
    @Test(arguments: [0, 125, 126, 65_535, 65_536])
    func encodedTextFrameHeader(length: Int) throws {
        var frame = EncodedFrame.text(String(repeating: "a", count: length), allocator: ByteBufferAllocator())
        #expect(frame.readInteger(as: UInt8.self) == 0x81)
        let markerByte = frame.readInteger(as: UInt8.self)
        let marker = try #require(markerByte)
        #expect(marker & 0x80 == 0, "server frames are never masked")
        switch length {
        case 0..<126: #expect(Int(marker) == length)
        case 126...65_535:
            #expect(marker == 126)
            #expect(frame.readInteger(as: UInt16.self).map(Int.init) == length)
        default:
            #expect(marker == 127)
            #expect(frame.readInteger(as: UInt64.self).map(Int.init) == length)
        }
        #expect(frame.readableBytes == length)
    }

    /// Each bad frame breaks exactly its rule: first byte (FIN, RSV, opcode), mask bit, and a JSON
    /// payload that a client ignoring the rule would take for a message.
    @Test(arguments: [
        (BadFrame.reservedOpcode, UInt8(0x83), false),
        (.reservedBits, 0xA1, false),
        (.rsv1WithoutExtension, 0xC1, false),
        (.fragmentedControl, 0x09, false),
        (.orphanContinuation, 0x80, false),
        (.masked, 0x81, true),
    ])
    func badFrameEncoding(kind: BadFrame, firstByte: UInt8, masked: Bool) throws {
        var frame = kind.encoded(allocator: ByteBufferAllocator())
        #expect(frame.readInteger(as: UInt8.self) == firstByte)
        let markerByte = frame.readInteger(as: UInt8.self)
        let marker = try #require(markerByte)
        #expect((marker & 0x80 != 0) == masked)
        #expect(Int(marker & 0x7F) <= 125, "small enough to be a valid control frame")
        let key = (masked ? frame.readBytes(length: 4) : nil) ?? [0, 0, 0, 0]
        let payloadBytes = frame.readBytes(length: Int(marker & 0x7F))
        let payload = try #require(payloadBytes)
        #expect(frame.readableBytes == 0)
        let unmasked = payload.enumerated().map { $0.element ^ key[$0.offset % 4] }
        #expect(String(decoding: unmasked, as: UTF8.self) == #"{"bad_frame":"\#(kind.rawValue)"}"#)
    }

    /// The frames that break the rules of text, close frames and compression: each is a frame a
    /// browser reads whole and then fails the connection for.
    @Test func textCloseAndCompressionFrames() {
        func bytes(_ kind: BadFrame) -> [UInt8] {
            Array(kind.encoded(allocator: ByteBufferAllocator()).readableBytesView)
        }
        let utf8 = bytes(.invalidUTF8)
        #expect(utf8.prefix(1) == [0x81])
        #expect(String(validating: utf8.dropFirst(2), as: UTF8.self) == nil)
        #expect(bytes(.invalidCloseCode) == [0x88, 0x02, 0x03, 0xEC])
        #expect(bytes(.invalidCloseReason) == [0x88, 0x08, 0x03, 0xE8, 0x62, 0x79, 0x65, 0xED, 0xA0, 0x80])
        #expect(bytes(.corruptCompressed) == [0xC1, 0x04, 0xFF, 0xFF, 0xFF, 0xFF])
    }

    /// The oversize message is valid JSON of exactly the asked size.
    @Test(arguments: [14, 15, 1_000, 70_000])
    func oversizeText(bytes: Int) throws {
        let text = ReferenceBackend.oversizeText(bytes: bytes)
        #expect(text.utf8.count == bytes)
        #expect(try JSONSerialization.jsonObject(with: Data(text.utf8)) is [String: Any])
    }
}
