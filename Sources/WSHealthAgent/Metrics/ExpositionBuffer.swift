/// Memory an exposition is written into, reserved in advance: every series knows the most
/// bytes it can take, so writing is a copy of pre-rendered bytes and a few digits, with no
/// growth, no `String` and no allocation.
///
/// Numbers are spelled as both exposition formats read them: integers in decimal, durations
/// as seconds with up to nine decimals, non-finite values `NaN`, `+Inf`, `-Inf`.
struct ExpositionBuffer: ~Copyable {
    /// The most bytes a value can take: a 64-bit integer's 20 characters, seconds with nine
    /// decimals (31), or a `Double` as Swift prints it (24).
    static let maximumValueSize = 32

    private let base: UnsafeMutableRawPointer
    private let capacity: Int
    /// The bytes written so far.
    private(set) var count = 0

    /// Writes into `memory`; writing past its end is a programming error that stops the process.
    init(_ memory: UnsafeMutableRawBufferPointer) {
        self.base = memory.baseAddress ?? UnsafeMutableRawPointer(bitPattern: 1)!
        self.capacity = memory.count
    }

    /// Appends raw bytes.
    mutating func append(_ bytes: UnsafeRawBufferPointer) {
        guard let source = bytes.baseAddress else { return }
        self.reserve(bytes.count)
        (self.base + self.count).copyMemory(from: source, byteCount: bytes.count)
        self.count += bytes.count
    }

    /// Appends pre-rendered bytes.
    mutating func append(_ bytes: [UInt8]) {
        bytes.withUnsafeBytes { self.append($0) }
    }

    /// Appends one byte.
    mutating func append(_ byte: UInt8) {
        self.reserve(1)
        self.base.storeBytes(of: byte, toByteOffset: self.count, as: UInt8.self)
        self.count += 1
    }

    /// Appends an integer in decimal.
    mutating func appendInteger(_ value: Int) {
        if value < 0 { self.append(UInt8(ascii: "-")) }
        self.appendDigits(value.magnitude)
    }

    /// Appends a duration given in nanoseconds as seconds: `3`, `0.25`, `12.000000001`; with
    /// `decimalPoint`, a whole number of seconds as `3.0` (how receivers' histograms spell sums).
    mutating func appendSeconds(nanoseconds: Int, decimalPoint: Bool = false) {
        if nanoseconds < 0 { self.append(UInt8(ascii: "-")) }
        let (seconds, fraction) = nanoseconds.magnitude.quotientAndRemainder(dividingBy: 1_000_000_000)
        self.appendDigits(seconds)
        guard fraction > 0 else {
            if decimalPoint { self.appendASCII(".0") }
            return
        }
        var digits = 9
        var significant = fraction
        while significant % 10 == 0 {
            significant /= 10
            digits -= 1
        }
        self.reserve(digits + 1)
        self.base.storeBytes(of: UInt8(ascii: "."), toByteOffset: self.count, as: UInt8.self)
        self.writeDigits(significant, count: digits, at: self.count + 1)
        self.count += digits + 1
    }

    /// Appends a value: whole numbers as integers, `NaN`, `+Inf` and `-Inf` as the formats
    /// spell them, other numbers as Swift prints them (the shortest text that reads back as
    /// the same `Double`).
    mutating func appendDouble(_ value: Double) {
        if value.isNaN {
            self.appendASCII("NaN")
        } else if value.isInfinite {
            self.appendASCII(value < 0 ? "-Inf" : "+Inf")
        } else if value.rounded(.towardZero) == value, value.magnitude < 9_007_199_254_740_992 {
            self.appendInteger(Int(value))
        } else {
            var text = value.description
            text.withUTF8 { self.append(UnsafeRawBufferPointer($0)) }
        }
    }

    /// Appends a value as Swift prints a `Double`, whole numbers included (`1.0`), and
    /// non-finite values as the formats spell them: how the agent's and receivers' gauges read.
    mutating func appendDecimal(_ value: Double) {
        guard value.isFinite else { return self.appendDouble(value) }
        var text = value.description
        text.withUTF8 { self.append(UnsafeRawBufferPointer($0)) }
    }

    /// Appends a short ASCII literal.
    mutating func appendASCII(_ text: StaticString) {
        self.append(UnsafeRawBufferPointer(start: text.utf8Start, count: text.utf8CodeUnitCount))
    }

    private mutating func appendDigits(_ value: UInt) {
        let digits = Self.digitCount(value)
        self.reserve(digits)
        self.writeDigits(value, count: digits, at: self.count)
        self.count += digits
    }

    /// Writes the `count` lowest decimal digits of `value` at `offset`, zero-padded.
    private func writeDigits(_ value: UInt, count: Int, at offset: Int) {
        var value = value
        var position = offset + count
        while position > offset {
            position -= 1
            let (quotient, digit) = value.quotientAndRemainder(dividingBy: 10)
            self.base.storeBytes(of: UInt8(truncatingIfNeeded: digit) &+ 48, toByteOffset: position, as: UInt8.self)
            value = quotient
        }
    }

    private static func digitCount(_ value: UInt) -> Int {
        var count = 1
        var rest = value
        while rest >= 10 {
            rest /= 10
            count += 1
        }
        return count
    }

    private func reserve(_ byteCount: Int) {
        precondition(self.count + byteCount <= self.capacity, "exposition larger than its bound")
    }
}
