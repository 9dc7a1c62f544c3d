import Testing

@testable import WSHealthAgent

/// Numbers as the exposition spells them: no sockets.
struct ExpositionBufferTests {
    /// Integers in decimal, the extremes included.
    @Test(arguments: [
        (0, "0"), (7, "7"), (10, "10"), (-5, "-5"), (1_234_567_890, "1234567890"),
        (Int.max, "9223372036854775807"), (Int.min, "-9223372036854775808"),
    ])
    func integers(_ value: Int, _ spelled: String) {
        #expect(Self.written { $0.appendInteger(value) } == spelled)
    }

    /// Nanoseconds as seconds: no decimal point for whole seconds, no trailing zeros.
    @Test(arguments: [
        (0, "0"), (1, "0.000000001"), (3_000_000, "0.003"), (1_500_000_000, "1.5"), (10_000_000_000, "10"),
        (1_795_738_581_912_801_000, "1795738581.912801"), (-250_000_000, "-0.25"),
    ])
    func seconds(_ nanoseconds: Int, _ spelled: String) {
        #expect(Self.written { $0.appendSeconds(nanoseconds: nanoseconds) } == spelled)
    }

    /// Whole numbers without a decimal point (byte and descriptor counts), non-finite values
    /// as the formats spell them, others as Swift prints a `Double`.
    @Test(arguments: [
        (45_285_376, "45285376"), (0.25, "0.25"), (1_764_000_000.5, "1764000000.5"), (1, "1"), (-0.0, "0"),
        (Double.nan, "NaN"), (Double.infinity, "+Inf"), (-Double.infinity, "-Inf"), (1e300, "1e+300"),
        (2.0 / 3.0, "0.6666666666666666"),
    ])
    func doubles(_ value: Double, _ spelled: String) {
        #expect(Self.written { $0.appendDouble(value) } == spelled)
    }

    static func written(_ write: (inout ExpositionBuffer) -> Void) -> String {
        let memory = UnsafeMutableRawBufferPointer.allocate(byteCount: 64, alignment: 1)
        defer { memory.deallocate() }
        var buffer = ExpositionBuffer(memory)
        write(&buffer)
        return String(decoding: UnsafeRawBufferPointer(rebasing: memory[..<buffer.count]), as: UTF8.self)
    }
}
