import NIOCore
import Testing
import WSHealthWebSocket

/// RFC 6455's rules on text and close frames, as the reader enforces them: what Chromium fails
/// the connection for, and with which close code.
struct TextAndCloseRuleTests {
    static func read(_ bytes: [UInt8], limit: Int = 1 << 20) throws(WebSocketViolation) -> [InboundMessage] {
        var reader = InboundMessageReader(maxMessageBytes: limit)
        var buffer = ByteBuffer(bytes: bytes)
        var messages: [InboundMessage] = []
        while let message = try reader.read(from: &buffer) { messages.append(message) }
        return messages
    }

    /// Invalid UTF-8 in a text message, whole or in fragments, or a message that ends inside a
    /// character: 1007.
    @Test(arguments: [
        serverFrame(0x81, [0x61, 0xC0, 0x80]),
        serverFrame(0x01, [0x61, 0xE0]) + serverFrame(0x80, [0x80, 0x80]),
        serverFrame(0x01, [0x61, 0xED]) + serverFrame(0x80, [0xA0, 0x80]),
        serverFrame(0x81, [0xF0, 0x90, 0x80]),
        serverFrame(0x01, [0xCE]) + serverFrame(0x80, []),
    ])
    func invalidTextFails(bytes: [UInt8]) {
        #expect(throws: WebSocketViolation.invalidUTF8) { try Self.read(bytes) }
        #expect(WebSocketViolation.invalidUTF8.closeCode == 1007)
    }

    /// A character split across fragments is valid, and interleaved control frames do not
    /// disturb it.
    @Test func characterSplitAcrossFragments() throws {
        let kappa: [UInt8] = [0xCE, 0xBA]
        let bytes = serverFrame(0x01, [0x61, kappa[0]]) + serverFrame(0x89, []) + serverFrame(0x80, [kappa[1]])
        #expect(try Self.read(bytes) == [.ping(ByteBuffer()), .text(ByteBuffer(bytes: [0x61] + kappa))])
    }

    /// Fail fast: an invalid byte in the part of a frame that has arrived fails the connection
    /// before the rest of the frame does; valid text waits for its end.
    @Test func invalidTextFailsBeforeTheFrameEnds() throws {
        var reader = InboundMessageReader(maxMessageBytes: 1 << 20)
        let frame = serverFrame(0x81, Array(repeating: 0x61, count: 200) + [0xFF] + Array(repeating: 0x61, count: 200))
        var buffer = ByteBuffer(bytes: frame[..<100])
        #expect(try reader.read(from: &buffer) == nil)
        buffer.writeBytes(frame[100..<300])
        #expect(throws: WebSocketViolation.invalidUTF8) { try reader.read(from: &buffer) }
    }

    /// Valid text arriving a byte at a time is read once, whole, and validated once.
    @Test func validTextArrivingByteByByte() throws {
        var reader = InboundMessageReader(maxMessageBytes: 1 << 20)
        let text = Array("ε-καλημέρα-κόσμε".utf8)
        let frame = serverFrame(0x81, text)
        var buffer = ByteBuffer()
        var messages: [InboundMessage] = []
        for byte in frame {
            buffer.writeInteger(byte)
            if let message = try reader.read(from: &buffer) { messages.append(message) }
        }
        #expect(messages == [.text(ByteBuffer(bytes: text))])
    }

    /// Close frames: a code an endpoint may send, with or without a UTF-8 reason, is read; one
    /// byte, a reserved or unassigned code (Autobahn 7.9.x), or a reason that is not UTF-8 fails.
    @Test(
        arguments: [1000, 1001, 1002, 1003, 1007, 1008, 1009, 1010, 1011, 1012, 1013, 1014, 3000, 3999, 4000, 4999]
            as [UInt16]
    )
    func validCloseCodes(code: UInt16) throws {
        #expect(
            try Self.read(serverFrame(0x88, Self.close(code, reason: "bye"))) == [.close(code: code, reason: "bye")]
        )
    }

    @Test(arguments: [0, 999, 1004, 1005, 1006, 1015, 1016, 1100, 2000, 2999, 5000, 65535] as [UInt16])
    func invalidCloseCodes(code: UInt16) {
        #expect(throws: WebSocketViolation.invalidCloseCode(code)) {
            try Self.read(serverFrame(0x88, Self.close(code)))
        }
        #expect(WebSocketViolation.invalidCloseCode(code).closeCode == 1002)
    }

    @Test func malformedCloseFrames() {
        #expect(throws: WebSocketViolation.truncatedCloseCode) { try Self.read(serverFrame(0x88, [0x03])) }
        #expect(throws: WebSocketViolation.invalidUTF8) {
            try Self.read(
                serverFrame(
                    0x88,
                    Self.close(1000) + [
                        0xCE, 0xBA, 0xE1, 0xBD, 0xB9, 0xCF, 0x83, 0xCE, 0xBC, 0xCE, 0xB5, 0xED, 0xA0, 0x80,
                    ]
                )
            )
        }
    }

    static func close(_ code: UInt16, reason: String = "") -> [UInt8] {
        [UInt8(code >> 8), UInt8(code & 0xFF)] + Array(reason.utf8)
    }
}
