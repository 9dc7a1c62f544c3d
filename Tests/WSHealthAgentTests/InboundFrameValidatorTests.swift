import NIOCore
import NIOWebSocket
import Testing

@testable import WSHealthAgent

/// The frames RFC 6455 obliges a client to fail the connection for, which NIO's decoder passes
/// on. (That the connection then ends as `protocol_error` is driven end to end in
/// `FailureReasonTests.badFrameIsAProtocolError`.)
struct InboundFrameValidatorTests {
    /// Each broken frame is named by the rule it breaks.
    @Test(arguments: [
        (WebSocketFrame(fin: true, rsv1: true, opcode: .text, data: ByteBuffer(string: "{}")), .reservedBits),
        (WebSocketFrame(fin: false, rsv2: true, opcode: .continuation, data: ByteBuffer()), .reservedBits),
        (WebSocketFrame(fin: true, rsv3: true, opcode: .ping, data: ByteBuffer()), .reservedBits),
        (WebSocketFrame(fin: true, opcode: Self.opcode(0x3), data: ByteBuffer()), .reservedOpcode(0x3)),
        (WebSocketFrame(fin: true, opcode: Self.opcode(0x7), data: ByteBuffer()), .reservedOpcode(0x7)),
        (WebSocketFrame(fin: true, opcode: Self.opcode(0xB), data: ByteBuffer()), .reservedOpcode(0xB)),
        (WebSocketFrame(fin: true, opcode: Self.opcode(0xF), data: ByteBuffer()), .reservedOpcode(0xF)),
        (
            WebSocketFrame(fin: true, opcode: .text, maskKey: [1, 2, 3, 4], data: ByteBuffer(string: "{}")),
            WebSocketViolation.maskedFrame
        ),
    ])
    func brokenFrames(frame: WebSocketFrame, violation: WebSocketViolation) {
        #expect(InboundFrameValidator.violation(in: frame) == violation)
    }

    /// Frames that keep the rules pass, fragments and every control frame included.
    @Test func validFrames() {
        let frames = [
            WebSocketFrame(fin: true, opcode: .text, data: ByteBuffer(string: "{}")),
            WebSocketFrame(fin: false, opcode: .binary, data: ByteBuffer(bytes: [1])),
            WebSocketFrame(fin: true, opcode: .continuation, data: ByteBuffer(bytes: [2])),
            WebSocketFrame(fin: true, opcode: .ping, data: ByteBuffer()),
            WebSocketFrame(fin: true, opcode: .pong, data: ByteBuffer()),
            WebSocketFrame(fin: true, opcode: .connectionClose, data: ByteBuffer(bytes: [0x03, 0xE8])),
        ]
        for frame in frames {
            #expect(InboundFrameValidator.violation(in: frame) == nil, "\(frame)")
        }
    }

    /// The message of each violation, as logs show it.
    @Test func descriptions() {
        #expect("\(WebSocketViolation.reservedOpcode(0xB))" == "a frame with reserved opcode 0xB")
        #expect("\(WebSocketViolation.reservedBits)" == "a frame with reserved bits set")
        #expect("\(WebSocketViolation.maskedFrame)" == "a masked frame from the server")
    }

    private static func opcode(_ value: UInt8) -> WebSocketOpcode {
        WebSocketOpcode(encodedWebSocketOpcode: value)!
    }
}
