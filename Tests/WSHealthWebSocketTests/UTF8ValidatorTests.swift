import Testing
import WSHealthWebSocket

/// UTF-8 as RFC 3629 defines it: the edge cases of the Autobahn suite's section 6, and
/// agreement with the standard library's decoder on every split of many byte strings.
struct UTF8ValidatorTests {
    /// Boundaries of each sequence length, and the largest code point.
    @Test(
        arguments: [
            [0x00], [0x7F], [0xC2, 0x80], [0xDF, 0xBF], [0xE0, 0xA0, 0x80], [0xEF, 0xBF, 0xBF],
            [0xED, 0x9F, 0xBF], [0xEE, 0x80, 0x80], [0xF0, 0x90, 0x80, 0x80], [0xF4, 0x8F, 0xBF, 0xBF],
            Array("κόσμε".utf8), Array("Hello-µ@ßöäüàá-UTF-8!!".utf8),
        ] as [[UInt8]]
    )
    func valid(bytes: [UInt8]) {
        #expect(UTF8Validator.isValid(bytes))
    }

    /// Overlong forms, surrogates, code points past U+10FFFF, stray continuation bytes, bytes
    /// that never occur, and sequences cut short.
    @Test(
        arguments: [
            [0xC0, 0x80], [0xC1, 0xBF], [0xE0, 0x9F, 0xBF], [0xF0, 0x8F, 0xBF, 0xBF],
            [0xED, 0xA0, 0x80], [0xED, 0xBF, 0xBF], [0xF4, 0x90, 0x80, 0x80], [0xF5, 0x80, 0x80, 0x80],
            [0x80], [0xBF], [0xFE], [0xFF], [0xC2], [0xE0, 0xA0], [0xF0, 0x90, 0x80], [0x61, 0xC2, 0x61],
        ] as [[UInt8]]
    )
    func invalid(bytes: [UInt8]) {
        #expect(!UTF8Validator.isValid(bytes))
    }

    /// Fed in two pieces at every split, the verdict is the standard library's; a mid-sequence
    /// split is not at a boundary, and the first invalid byte fails at once.
    @Test func agreesWithTheStandardLibraryAtEverySplit() {
        var random = SeededRandom(seed: 0x5EED)
        let alphabet: [UInt8] = [
            0x41, 0x7F, 0x80, 0xBF, 0xC2, 0xDF, 0xE0, 0xED, 0xEF, 0xF0, 0xF4, 0xF5, 0xA0, 0x9F, 0x90,
        ]
        for _ in 0..<3000 {
            let length = Int(random.next() % 12)
            let bytes = (0..<length).map { _ in alphabet[Int(random.next() % UInt64(alphabet.count))] }
            let expected = String(validating: bytes, as: UTF8.self) != nil
            for split in 0...bytes.count {
                var validator = UTF8Validator()
                let verdict =
                    validator.validate(bytes[..<split]) && validator.validate(bytes[split...]) && validator.isAtBoundary
                #expect(verdict == expected, "\(bytes) split at \(split)")
            }
        }
    }

    /// Long ASCII runs take the word-at-a-time path; an invalid byte anywhere in them is found.
    @Test func asciiRunsAndAnInvalidByteAnywhere() {
        let ascii = [UInt8](repeating: 0x61, count: 67)
        #expect(UTF8Validator.isValid(ascii))
        for position in ascii.indices {
            var bytes = ascii
            bytes[position] = 0x80
            #expect(!UTF8Validator.isValid(bytes), "0x80 at \(position)")
        }
    }
}

/// SplitMix64, so the generated cases are the same on every run.
struct SeededRandom {
    private var state: UInt64

    init(seed: UInt64) { self.state = seed }

    mutating func next() -> UInt64 {
        self.state &+= 0x9E37_79B9_7F4A_7C15
        var z = self.state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
