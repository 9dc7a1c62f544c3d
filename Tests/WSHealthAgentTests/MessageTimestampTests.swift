import Foundation
import NIOCore
import Testing
import WSHealthConfig

@testable import WSHealthAgent

/// `expect.timestamp`: the value a JSON Pointer names, found without parsing the message into
/// objects, and read as Unix seconds, milliseconds or RFC 3339.
struct MessageTimestampTests {
    static func read(_ json: String, _ pointer: String, _ format: TimestampConfiguration.Format) -> Double? {
        MessageTimestamp.read(
            ByteBuffer(string: json),
            TimestampConfiguration(pointer: JSONPointer(pointer)!, format: format)
        )
    }

    @Test(arguments: [
        (
            #"{"timestamp":"2026-12-03T13:50:09Z","cpu":1}"#, "/timestamp", TimestampConfiguration.Format.rfc3339,
            1_796_305_809.0
        ),
        (
            #"{"cpu":{"a":[1,{"t":"x"}]},"timestamp":"2026-12-03T13:50:09.25Z"}"#, "/timestamp", .rfc3339,
            1_796_305_809.25
        ),
        (#"{"timestamp":"2026-12-03T14:50:09+01:00"}"#, "/timestamp", .rfc3339, 1_796_305_809.0),
        (#"{"timestamp":"2026-12-03T13:50:09.5"}"#, "/timestamp", .rfc3339, 1_796_305_809.5),
        (#"{"meta":{"ts":1796305809.5}}"#, "/meta/ts", .unixSeconds, 1_796_305_809.5),
        (#" { "data" : [ {"t": 1}, {"t": 1796305809500} ] } "#, "/data/1/t", .unixMilliseconds, 1_796_305_809.5),
        (#"{"a/b":{"m~n":7}}"#, "/a~1b/m~0n", .unixSeconds, 7),
    ])
    func reads(json: String, pointer: String, format: TimestampConfiguration.Format, expected: Double) {
        #expect(Self.read(json, pointer, format) == expected)
    }

    /// Nothing at the pointer, the wrong type, an unreadable date: no timestamp.
    @Test(arguments: [
        (#"{"cpu":1}"#, "/timestamp", TimestampConfiguration.Format.rfc3339),
        (#"{"timestamp":1796305809}"#, "/timestamp", .rfc3339),
        (#"{"timestamp":"2026-12-03T13:50:09Z"}"#, "/timestamp", .unixSeconds),
        (#"{"timestamp":"2026-13-03T13:50:09Z"}"#, "/timestamp", .rfc3339),
        (#"{"timestamp":"2026-12-03 13:50"}"#, "/timestamp", .rfc3339),
        (#"{"timestamp":"2026-12-03T13:50:09Zjunk"}"#, "/timestamp", .rfc3339),
        (#"{"timestamp":null}"#, "/timestamp", .unixSeconds),
        (#"{"t":{"timestamp":1}}"#, "/timestamp", .unixSeconds),
        (#"[1,2]"#, "/5", .unixSeconds),
        (#"{"timestamp":"\u0032026-12-03T13:50:09Z"}"#, "/timestamp", .rfc3339),
    ])
    func refuses(json: String, pointer: String, format: TimestampConfiguration.Format) {
        #expect(Self.read(json, pointer, format) == nil)
    }

    /// RFC 6901's escapes; a pointer that is not one is refused.
    @Test func pointers() {
        #expect(JSONPointer("/a~1b/m~0n")?.tokens == ["a/b", "m~n"])
        #expect(JSONPointer("")?.tokens == [])
        #expect(JSONPointer("/a~1b/m~0n")?.description == "/a~1b/m~0n")
        #expect(JSONPointer("timestamp") == nil)
        #expect(JSONPointer("/a~2") == nil)
        #expect(JSONPointer("/a~") == nil)
    }

    /// Days from civil dates against Foundation's calendar over four centuries of leap years.
    @Test func daysSinceEpochAgreesWithFoundation() throws {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = try #require(TimeZone(identifier: "UTC"))
        for (year, month, day) in [
            (1970, 1, 1), (2000, 2, 29), (1900, 3, 1), (2026, 12, 3), (2400, 12, 31), (1969, 12, 31),
        ] {
            let date = try #require(calendar.date(from: DateComponents(year: year, month: month, day: day)))
            #expect(
                RFC3339.daysSinceEpoch(year: year, month: month, day: day) == Int(date.timeIntervalSince1970 / 86_400)
            )
        }
    }
}
