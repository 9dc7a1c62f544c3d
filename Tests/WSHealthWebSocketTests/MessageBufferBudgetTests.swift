import NIOCore
import NIOEmbedded
import Testing
import WSHealthWebSocket

/// What the handler reserves for unfinished messages, on an embedded channel: the declared
/// length of a frame that has begun to arrive, nothing for one that arrives whole, everything
/// back when the message ends or the connection does, and a refusal when there is no room.
struct MessageBufferBudgetTests {
    final class Recorder: WebSocketClientDelegate {
        var received: [InboundMessage] = []
        var ending: WebSocketEnding?
        func webSocketReceived(_ message: InboundMessage, connection id: UInt64, context: ChannelHandlerContext) {
            self.received.append(message)
        }
        func webSocketEnded(_ ending: WebSocketEnding, connection id: UInt64) { self.ending = ending }
    }

    static func channel(budget: MessageBufferBudget, recorder: Recorder) throws -> EmbeddedChannel {
        let channel = EmbeddedChannel()
        let handler = WebSocketClientHandler(
            delegate: recorder,
            connection: 1,
            reader: InboundMessageReader(maxMessageBytes: 1 << 20),
            buffers: budget
        )
        try channel.pipeline.syncOperations.addHandler(handler)
        return channel
    }

    static let payload = [UInt8](repeating: 0x61, count: 1000)

    @Test func aFrameThatArrivesWholeReservesNothing() throws {
        let budget = MessageBufferBudget(capacity: 10)
        let recorder = Recorder()
        let channel = try Self.channel(budget: budget, recorder: recorder)
        try channel.writeInbound(ByteBuffer(bytes: serverFrame(0x81, Self.payload)))
        #expect(recorder.received == [.text(ByteBuffer(bytes: Self.payload))])
        #expect(budget.reserved == 0)
        #expect(budget.refusals == 0)
        _ = try channel.finish()
    }

    @Test func anUnfinishedFrameReservesItsDeclaredLengthUntilItEnds() throws {
        let budget = MessageBufferBudget(capacity: 4096)
        let recorder = Recorder()
        let channel = try Self.channel(budget: budget, recorder: recorder)
        let frame = serverFrame(0x81, Self.payload)  // 4 header bytes (126 form) + 1000
        try channel.writeInbound(ByteBuffer(bytes: frame[0..<100]))
        #expect(budget.reserved == 1004)
        try channel.writeInbound(ByteBuffer(bytes: frame[100...]))
        #expect(budget.reserved == 0)
        #expect(recorder.received.count == 1)

        // Fragments: what was kept, plus the frame on the way; the connection's end frees it.
        try channel.writeInbound(ByteBuffer(bytes: serverFrame(0x01, Self.payload)))
        #expect(budget.reserved == 1000)
        let next = serverFrame(0x80, Self.payload)
        try channel.writeInbound(ByteBuffer(bytes: next[0..<10]))
        #expect(budget.reserved == 2004)
        _ = try channel.finish()
        #expect(budget.reserved == 0)
        #expect(recorder.ending == .networkError)
    }

    @Test func noRoomFailsTheConnectionWith1009() throws {
        let budget = MessageBufferBudget(capacity: 1000)
        let recorder = Recorder()
        let channel = try Self.channel(budget: budget, recorder: recorder)
        try channel.writeInbound(ByteBuffer(bytes: serverFrame(0x81, Self.payload)[0..<10]))
        var close = try #require(try channel.readOutbound(as: ByteBuffer.self))
        let header = close.readBytes(length: 2) ?? []
        #expect(header.first == 0x88, "a close frame")
        let mask = close.readBytes(length: 4) ?? []
        let code = (close.readBytes(length: 2) ?? []).enumerated().map { $0.element ^ mask[$0.offset] }
        #expect(code == [0x03, 0xF1], "1009")
        #expect(budget.reserved == 0)
        #expect(budget.refusals == 1)
        // What arrives after the refusal is not read.
        try channel.writeInbound(ByteBuffer(bytes: serverFrame(0x81, [0x61])))
        #expect(recorder.received.isEmpty)
        // The handler closed the channel itself.
        _ = try channel.finish(acceptAlreadyClosed: true)
        #expect(recorder.ending == .bufferRefused(bytes: 1004))
    }
}
