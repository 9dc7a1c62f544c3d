import Foundation
import Testing

@testable import WSHealthAgent

/// `wshealth slo-rules`: the workbook's burn rates scaled to the window, the shipped file its
/// default output, bad arguments refused, and every output valid for promtool.
struct SLORulesTests {
    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    /// Over 30 days, the workbook's own rates; over 28, each scaled so it means the same share
    /// of the budget spent within its long window.
    @Test(arguments: [(30, [14.4, 6, 3, 1]), (28, [13.44, 5.6, 2.8, 0.9333])])
    func burnRates(days: Int, expected: [Double]) throws {
        let rules = try SLORules(objective: 99.9, window: .seconds(days * 86_400))
        let rates = SLORules.burnWindows.map(rules.burnRate)
        #expect(rates == expected)
        #expect(rules.errorBudget.isApproximatelyEqual(to: 0.001))
    }

    /// deploy/prometheus/wshealth.slo.yml is the command's output for 99.9 % over 30 days.
    @Test func shippedFileIsTheDefaultOutput() throws {
        let shipped = try String(
            contentsOf: Self.repository.appendingPathComponent("deploy/prometheus/wshealth.slo.yml"),
            encoding: .utf8
        )
        #expect(try SLORules(objective: 99.9, window: .seconds(30 * 86_400)).render() == shipped)
    }

    /// A regular expression goes into every selector as a PromQL string, escaped.
    @Test func targetRegexIsEscapedInEverySelector() throws {
        let text = try SLORules(objective: 99.5, window: .seconds(7 * 86_400), targetRegex: #"a"b\.c"#).render()
        let selectors = text.components(separatedBy: #"target=~"a\"b\\.c"}["#).count - 1
        #expect(selectors == (3 + 2) * 8, "three counters of connection success, two of freshness, eight windows")
        #expect(
            text.contains(
                #"rate(wshealth_connection_failures_total{reason!="resource_exhausted", target=~"a\"b\\.c"}[5m])"#
            )
        )
        #expect(text.contains(#"rate(wshealth_handshake_duration_seconds_count{target=~"a\"b\\.c"}[5m])"#))
        #expect(text.contains("--target-regex 'a\"b\\.c'"))
        #expect(text.contains("expr: vector(0.005)"))
    }

    @Test(arguments: [(0.0, 30), (100, 30), (-1, 30), (99.9, 2)])
    func badArgumentsAreRefused(objective: Double, days: Int) {
        #expect(throws: SLORulesError.self) { try SLORules(objective: objective, window: .seconds(days * 86_400)) }
    }
}

extension ExternalProcesses {
    /// The generated rules as Prometheus reads them.
    @Suite(.timeLimit(.minutes(1)))
    struct SLORulesPromtoolTests {
        /// Other objectives, windows and a target filter: `promtool check rules` accepts them all.
        @Test(arguments: [("99.9", "30d", nil), ("99.5", "4w", "dash.*"), ("95", "3d", #"a"b"#)])
        func promtoolAcceptsTheRules(objective: String, window: String, regex: String?) async throws {
            let promtool = try installedTool("promtool")
            var arguments = ["slo-rules", "--objective", objective, "--window", window]
            if let regex { arguments += ["--target-regex", regex] }
            let (status, rules) = try await runWSHealth(arguments)
            #expect(status == 0)
            let file = FileManager.default.temporaryDirectory.appendingPathComponent("wshealth-slo-\(UUID()).yml")
            try Data(rules.utf8).write(to: file)
            defer { try? FileManager.default.removeItem(at: file) }
            let (checked, output) = try await runTool(promtool, ["check", "rules", file.path], input: "")
            #expect(checked == 0, "\(output)")
            #expect(output.contains("SUCCESS"), "\(output)")
        }

        @Test func badWindowIsAUsageError() async throws {
            let (status, output) = try await runWSHealth(["slo-rules", "--window", "1d"], includingStandardError: true)
            #expect(status == 64)
            #expect(output.contains("--window must be at least 3d"))
        }
    }
}

extension Double {
    fileprivate func isApproximatelyEqual(to other: Double) -> Bool { abs(self - other) < 1e-12 }
}
