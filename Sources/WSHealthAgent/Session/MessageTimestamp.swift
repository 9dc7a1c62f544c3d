import NIOCore
import WSHealthConfig

/// Reads when a message's data was produced, as `expect.timestamp` says where and how: seconds
/// since the Unix epoch, or nil when the message has no such timestamp.
enum MessageTimestamp {
    static func read(_ message: ByteBuffer, _ setting: TimestampConfiguration) -> Double? {
        message.withUnsafeReadableBytes { bytes in
            switch (JSONPointerReader.value(at: setting.pointer, in: bytes), setting.format) {
            case (.number(let range), .unixSeconds):
                return Self.number(bytes[range])
            case (.number(let range), .unixMilliseconds):
                return Self.number(bytes[range]).map { $0 / 1000 }
            case (.string(let range, escaped: false), .rfc3339):
                return RFC3339.secondsSinceEpoch(UnsafeRawBufferPointer(rebasing: bytes[range]))
            default:
                return nil
            }
        }
    }

    private static func number(_ literal: Slice<UnsafeRawBufferPointer>) -> Double? {
        Double(String(decoding: literal, as: UTF8.self)).flatMap { $0.isFinite ? $0 : nil }
    }
}

/// RFC 3339 date-times, `2026-12-03T13:50:09.25Z` or with an offset (`+01:00`); without one the
/// time is read as UTC, as Python's `datetime.utcnow().isoformat()` writes it. Parsed by hand:
/// one per message, where Foundation's formatters allocate.
enum RFC3339 {
    static func secondsSinceEpoch(_ bytes: UnsafeRawBufferPointer) -> Double? {
        guard bytes.count >= 19, bytes[4] == UInt8(ascii: "-"), bytes[7] == UInt8(ascii: "-"),
            bytes[10] == UInt8(ascii: "T") || bytes[10] == UInt8(ascii: "t") || bytes[10] == UInt8(ascii: " "),
            bytes[13] == UInt8(ascii: ":"), bytes[16] == UInt8(ascii: ":"),
            let year = digits(bytes, 0, 4), let month = digits(bytes, 5, 2), let day = digits(bytes, 8, 2),
            let hour = digits(bytes, 11, 2), let minute = digits(bytes, 14, 2), let second = digits(bytes, 17, 2),
            (1...12).contains(month), (1...31).contains(day), hour < 24, minute < 60, second <= 60
        else { return nil }
        var index = 19
        var fraction = 0.0
        if index < bytes.count, bytes[index] == UInt8(ascii: ".") {
            index += 1
            var scale = 0.1
            let start = index
            while index < bytes.count, let digit = digit(bytes[index]) {
                fraction += Double(digit) * scale
                scale /= 10
                index += 1
            }
            guard index > start else { return nil }
        }
        var offset = 0
        if index < bytes.count {
            switch bytes[index] {
            case UInt8(ascii: "Z"), UInt8(ascii: "z"):
                index += 1
            case UInt8(ascii: "+"), UInt8(ascii: "-"):
                guard bytes.count >= index + 6, bytes[index + 3] == UInt8(ascii: ":"),
                    let hours = digits(bytes, index + 1, 2), let minutes = digits(bytes, index + 4, 2)
                else { return nil }
                offset = (hours * 60 + minutes) * 60 * (bytes[index] == UInt8(ascii: "-") ? -1 : 1)
                index += 6
            default:
                return nil
            }
        }
        guard index == bytes.count else { return nil }
        let days = daysSinceEpoch(year: year, month: month, day: day)
        return Double(days * 86_400 + hour * 3600 + minute * 60 + second - offset) + fraction
    }

    /// Howard Hinnant's days_from_civil: days since 1970-01-01 of a proleptic Gregorian date.
    static func daysSinceEpoch(year: Int, month: Int, day: Int) -> Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yearOfEra = y - era * 400
        let dayOfYear = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }

    private static func digit(_ byte: UInt8) -> Int? {
        byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") ? Int(byte - UInt8(ascii: "0")) : nil
    }

    private static func digits(_ bytes: UnsafeRawBufferPointer, _ start: Int, _ count: Int) -> Int? {
        var value = 0
        for index in start..<(start + count) {
            guard let digit = digit(bytes[index]) else { return nil }
            value = value * 10 + digit
        }
        return value
    }
}
