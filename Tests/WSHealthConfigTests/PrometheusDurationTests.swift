import Testing
import WSHealthConfig

/// Prometheus-style duration texts and the durations they stand for.
struct PrometheusDurationTests {
    /// Pairs of canonical text and duration: each parses to the duration and formats back to the text.
    static let canonical: [(String, Duration)] = [
        ("0s", .zero),
        ("1ms", .milliseconds(1)),
        ("500ms", .milliseconds(500)),
        ("5s", .seconds(5)),
        ("1m", .seconds(60)),
        ("1m30s", .seconds(90)),
        ("1h30m", .seconds(5400)),
        ("1h1s", .seconds(3601)),
        ("36h", .seconds(36 * 3600)),
        ("1d", .seconds(86_400)),
        ("2w", .seconds(14 * 86_400)),
        ("8d", .seconds(8 * 86_400)),
        ("1m1ms", .milliseconds(60_001)),
    ]

    /// Every canonical text parses to its duration and formats back to the same text.
    @Test(arguments: canonical)
    func roundTrip(text: String, duration: Duration) {
        #expect(PrometheusDuration.parse(text) == duration)
        #expect(PrometheusDuration.format(duration) == text)
    }

    /// Non-canonical but valid texts parse, and format in the canonical way.
    @Test(arguments: [
        ("0", "0s"), ("90s", "1m30s"), ("60m", "1h"), ("1000ms", "1s"), ("7d", "1w"), ("1w1d", "8d"),
        ("0h0m5s", "5s"), ("1h0m1s", "1h1s"), ("24h", "1d"), ("1h1ms", "1h1ms"), ("0005s", "5s"),
    ])
    func normalizes(text: String, canonical: String) throws {
        let duration = try #require(PrometheusDuration.parse(text))
        #expect(PrometheusDuration.format(duration) == canonical)
    }

    /// Texts that are not Prometheus durations are rejected.
    @Test(arguments: [
        "", "5", "s", "5 s", " 5s", "5s ", "-5s", "+5s", "1.5s", "5S", "5sec", "5 seconds", "1y", "1s1m",
        "1m1m", "1ms1s", "5us", "5ns", "1h-30m", "٥s", "99999999999999999999ms", "9223372036854775808ms",
        "15250284453w",
    ])
    func rejects(text: String) {
        #expect(PrometheusDuration.parse(text) == nil)
    }

    /// Durations up to Int64.max milliseconds parse; longer ones are rejected instead of overflowing.
    @Test func limits() {
        #expect(PrometheusDuration.parse("9223372036854775807ms") == .milliseconds(Int64.max))
        #expect(PrometheusDuration.parse("15250284452w") == .seconds(15_250_284_452 * 604_800))
        #expect(PrometheusDuration.parse("15250284453w") == nil)
    }

    /// Sub-millisecond parts are dropped and negative durations get a sign when formatting.
    @Test func formatsEdges() {
        #expect(PrometheusDuration.format(.microseconds(1500)) == "1ms")
        #expect(PrometheusDuration.format(.nanoseconds(999_999)) == "0s")
        #expect(PrometheusDuration.format(.seconds(-90)) == "-1m30s")
        #expect(PrometheusDuration.format(.milliseconds(-1500)) == "-1s500ms")
    }
}
