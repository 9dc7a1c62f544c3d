import Testing

@testable import WSHealthBackend

@Suite struct PrometheusDurationTests {
    /// Well-formed durations parse to the right length, units largest first.
    @Test(arguments: [
        ("0", Duration.zero),
        ("0s", .zero),
        ("500ms", .milliseconds(500)),
        ("5s", .seconds(5)),
        ("1m", .seconds(60)),
        ("1m30s", .seconds(90)),
        ("2h", .seconds(7_200)),
        ("1d", .seconds(86_400)),
        ("1w", .seconds(604_800)),
        ("1y", .seconds(31_536_000)),
        ("1h2m3s4ms", .milliseconds(3_723_004)),
    ])
    func parsesWellFormedDurations(text: String, expected: Duration) {
        #expect(PrometheusDuration.parse(text) == expected)
    }

    /// Malformed durations, units out of order or repeated, and overflows are rejected.
    @Test(arguments: [
        "", "5", "s", "5x", "-5s", "1.5s", "30s1m", "5s5s", "1ms1s", " 5s", "5s ", "101y", "99999999999999999999s",
    ])
    func rejectsMalformedDurations(text: String) {
        #expect(PrometheusDuration.parse(text) == nil)
    }

    /// Formatting writes the largest exact units and round-trips through the parser.
    @Test(arguments: [Duration.zero, .milliseconds(500), .seconds(90), .milliseconds(3_723_004)])
    func formatRoundTrips(duration: Duration) {
        #expect(PrometheusDuration.parse(PrometheusDuration.format(duration)) == duration)
    }
}
