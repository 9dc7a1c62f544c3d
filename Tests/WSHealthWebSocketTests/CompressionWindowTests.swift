import Testing
import WSHealthWebSocket

/// The window a connection keeps between compressed messages: the last 2^bits bytes, oldest
/// first, however the messages fall, and no larger than the history.
struct CompressionWindowTests {
    static func contents(_ window: CompressionWindow) -> [UInt8] {
        window.withRuns { older, newer in Array(older) + Array(newer) }
    }

    /// Messages of every size around the capacity (256 bytes at 8 bits) keep exactly the last
    /// 256 bytes of everything appended.
    @Test(arguments: [1, 7, 100, 255, 256, 257, 600])
    func keepsTheLastBytes(messageSize: Int) {
        var window = CompressionWindow(bits: 8)
        var everything: [UInt8] = []
        for round in 0..<20 {
            let message = (0..<messageSize).map { UInt8(truncatingIfNeeded: round * 31 + $0) }
            everything += message
            message.withUnsafeBytes { window.append($0) }
            #expect(Self.contents(window) == Array(everything.suffix(256)), "round \(round)")
        }
    }

    /// A quiet connection holds only its history; forgetting it empties the window.
    @Test func holdsOnlyItsHistory() {
        var window = CompressionWindow(bits: 15)
        [UInt8](repeating: 1, count: 300).withUnsafeBytes { window.append($0) }
        #expect(window.count == 300)
        #expect(window.capacity == 32768)
        window.removeAll()
        #expect(window.count == 0)
        #expect(Self.contents(window).isEmpty)
    }
}
