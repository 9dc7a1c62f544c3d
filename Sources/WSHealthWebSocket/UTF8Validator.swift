/// Checks that bytes are well-formed UTF-8 (RFC 3629), fed in pieces: a text message's
/// fragments, or a frame's payload as it arrives, so the first invalid byte is found as soon as
/// it is read (RFC 6455 §8.1: a client that receives invalid UTF-8 fails the connection).
///
/// The state is the number of continuation bytes still due and the range the next one must be
/// in, which is how RFC 3629's table rules out overlong forms, surrogates and code points above
/// U+10FFFF. Runs of ASCII are skipped eight bytes at a time. Allocates nothing.
package struct UTF8Validator: Sendable, Hashable {
    /// Continuation bytes still due for the current sequence.
    private var remaining: UInt8 = 0
    /// The range of the next continuation byte (narrower than 0x80…0xBF after E0, ED, F0, F4).
    private var lower: UInt8 = 0x80
    private var upper: UInt8 = 0xBF

    /// A validator at the start of a text.
    package init() {}

    /// Whether the bytes so far end at a character boundary: a message must, at its end.
    package var isAtBoundary: Bool { self.remaining == 0 }

    /// Feeds `bytes`; returns false at the first byte that no valid UTF-8 text can continue
    /// with (the validator must not be used after that).
    package mutating func validate(_ bytes: UnsafeRawBufferPointer) -> Bool {
        var index = 0
        let count = bytes.count
        while index < count {
            if self.remaining == 0 {
                // ASCII fast path: whole words with no high bit set.
                while index + 8 <= count {
                    let word = bytes.loadUnaligned(fromByteOffset: index, as: UInt64.self)
                    guard word & 0x8080_8080_8080_8080 == 0 else { break }
                    index += 8
                }
                guard index < count else { return true }
                let byte = bytes[index]
                index += 1
                if byte < 0x80 { continue }
                guard self.start(byte) else { return false }
            } else {
                let byte = bytes[index]
                index += 1
                guard byte >= self.lower && byte <= self.upper else { return false }
                self.remaining -= 1
                self.lower = 0x80
                self.upper = 0xBF
            }
        }
        return true
    }

    /// Feeds a buffer's readable bytes.
    package mutating func validate(_ bytes: some Collection<UInt8>) -> Bool {
        if let result = bytes.withContiguousStorageIfAvailable({ self.validate(UnsafeRawBufferPointer($0)) }) {
            return result
        }
        return Array(bytes).withUnsafeBytes { self.validate($0) }
    }

    /// Whether `bytes` are a whole, valid UTF-8 text.
    package static func isValid(_ bytes: some Collection<UInt8>) -> Bool {
        var validator = UTF8Validator()
        return validator.validate(bytes) && validator.isAtBoundary
    }

    /// A lead byte: how many continuation bytes follow and the range of the first (RFC 3629 §4).
    private mutating func start(_ byte: UInt8) -> Bool {
        switch byte {
        case 0xC2...0xDF: (self.remaining, self.lower, self.upper) = (1, 0x80, 0xBF)
        case 0xE0: (self.remaining, self.lower, self.upper) = (2, 0xA0, 0xBF)
        case 0xE1...0xEC, 0xEE...0xEF: (self.remaining, self.lower, self.upper) = (2, 0x80, 0xBF)
        case 0xED: (self.remaining, self.lower, self.upper) = (2, 0x80, 0x9F)
        case 0xF0: (self.remaining, self.lower, self.upper) = (3, 0x90, 0xBF)
        case 0xF1...0xF3: (self.remaining, self.lower, self.upper) = (3, 0x80, 0xBF)
        case 0xF4: (self.remaining, self.lower, self.upper) = (3, 0x80, 0x8F)
        default: return false  // a continuation byte, C0, C1, or F5 and above
        }
        return true
    }
}
