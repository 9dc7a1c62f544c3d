import Foundation
import Testing

@testable import WSHealthAgent

/// The text format rewritten into each exposition format, and the strict reader that checks
/// it: no sockets.
struct ExpositionWriterTests {
    /// The text format as swift-prometheus writes it: HELP before TYPE, Swift's `nan`/`inf`.
    static let registryText = """
        # HELP app_requests_total Requests, "quoted" and back\\\\slashed.
        # TYPE app_requests_total counter
        app_requests_total{path="/a b"} 3
        # HELP app_level_ratio A ratio.
        # TYPE app_level_ratio gauge
        app_level_ratio nan
        app_level_ratio{x="1"} inf
        app_level_ratio{x="2"} -inf
        # HELP app_build_info Build.
        # TYPE app_build_info gauge
        app_build_info{version="1"} 1.0
        # HELP app_latency_seconds Latency.
        # TYPE app_latency_seconds histogram
        app_latency_seconds_bucket{le="0.5"} 1
        app_latency_seconds_bucket{le="+Inf"} 2
        app_latency_seconds_sum 1.5
        app_latency_seconds_count 2
        # HELP app_odd A counter without _total.
        # TYPE app_odd counter
        app_odd 1
        # HELP app_loose No TYPE.
        app_loose 7

        """

    /// The text format keeps everything but the spelling of non-finite values.
    @Test func textFormat() throws {
        let text = Self.rewrite(Self.registryText, as: .text)
        let expected = Self.registryText.replacingOccurrences(of: " nan\n", with: " NaN\n")
            .replacingOccurrences(of: " inf\n", with: " +Inf\n").replacingOccurrences(of: " -inf\n", with: " -Inf\n")
        #expect(text == expected)
        _ = try ExpositionReader.read(text, as: .text)
    }

    /// OpenMetrics: family names without `_total`/`_info`, TYPE/UNIT/HELP in that order,
    /// `"` escaped in HELP, an `unknown` counter without `_total`, `# EOF` at the end.
    @Test func openMetrics() throws {
        let text = Self.rewrite(Self.registryText, as: .openMetrics)
        #expect(
            text == """
                # TYPE app_requests counter
                # HELP app_requests Requests, \\"quoted\\" and back\\\\slashed.
                app_requests_total{path="/a b"} 3
                # TYPE app_level_ratio gauge
                # UNIT app_level_ratio ratio
                # HELP app_level_ratio A ratio.
                app_level_ratio NaN
                app_level_ratio{x="1"} +Inf
                app_level_ratio{x="2"} -Inf
                # TYPE app_build info
                # HELP app_build Build.
                app_build_info{version="1"} 1.0
                # TYPE app_latency_seconds histogram
                # UNIT app_latency_seconds seconds
                # HELP app_latency_seconds Latency.
                app_latency_seconds_bucket{le="0.5"} 1
                app_latency_seconds_bucket{le="+Inf"} 2
                app_latency_seconds_sum 1.5
                app_latency_seconds_count 2
                # TYPE app_odd unknown
                # HELP app_odd A counter without _total.
                app_odd 1
                # HELP app_loose No TYPE.
                app_loose 7
                # EOF

                """
        )
        let families = try ExpositionReader.read(text, as: .openMetrics)
        #expect(families["app_requests"]?.help == "Requests, \"quoted\" and back\\slashed.")
        #expect(families["app_build"]?.type == "info")
        #expect(families["app_loose"]?.type == nil)
    }

    /// Swift's spellings of non-finite values become the formats'; numbers are left alone.
    @Test func nonFiniteValues() {
        for (swift, spelled) in [("nan", "NaN"), ("-nan", "NaN"), ("snan", "NaN"), ("inf", "+Inf"), ("-inf", "-Inf")] {
            #expect(ExpositionWriter.nonFiniteSpelling(Array(swift.utf8)[...]) == spelled)
        }
        for number in ["0", "1.5", "-2.0", "1e-05", "+3"] {
            #expect(ExpositionWriter.nonFiniteSpelling(Array(number.utf8)[...]) == nil)
        }
    }

    static let malformed: [(String, String)] = [
        ("no EOF", "# TYPE a gauge\na 1\n"),
        ("a text-format counter", "# TYPE a_total counter\na_total 1\n# EOF\n"),
        ("lowercase nan", "# TYPE a gauge\na nan\n# EOF\n"),
        ("an unescaped quote in HELP", "# TYPE a gauge\n# HELP a say \"hi\"\na 1\n# EOF\n"),
        ("metadata after samples", "# TYPE a gauge\na 1\n# HELP a late\n# EOF\n"),
        ("a family twice", "# TYPE a gauge\na 1\n# TYPE b gauge\nb 1\n# TYPE a gauge\n# EOF\n"),
        ("a blank line", "# TYPE a gauge\n\na 1\n# EOF\n"),
        ("a trailing comma", "# TYPE a gauge\na{x=\"1\",} 1\n# EOF\n"),
        ("a reserved label", "# TYPE a gauge\na{_x=\"1\"} 1\n# EOF\n"),
        ("a unit that is not a suffix", "# TYPE a gauge\n# UNIT a seconds\na 1\n# EOF\n"),
        ("an info that is not 1", "# TYPE a info\na_info{v=\"1\"} 2\n# EOF\n"),
        ("a negative counter", "# TYPE a counter\na_total -1\n# EOF\n"),
        ("no +Inf bucket", "# TYPE h histogram\nh_bucket{le=\"1\"} 0\nh_count 0\n# EOF\n"),
        ("buckets not cumulative", "# TYPE h histogram\nh_bucket{le=\"1\"} 2\nh_bucket{le=\"+Inf\"} 1\n# EOF\n"),
        ("a count off the +Inf bucket", "# TYPE h histogram\nh_bucket{le=\"+Inf\"} 1\nh_count 2\n# EOF\n"),
        (
            "interleaved metrics",
            "# TYPE h histogram\nh_bucket{a=\"1\",le=\"+Inf\"} 1\nh_bucket{a=\"2\",le=\"+Inf\"} 1\nh_count{a=\"1\"} 1\n# EOF\n"
        ),
        ("names that may clash", "# TYPE a counter\na_total 1\n# TYPE a_created gauge\na_created 1\n# EOF\n"),
    ]

    /// The reader is strict: each departure from OpenMetrics 1.0 is refused.
    @Test(arguments: malformed)
    func readerRefuses(_ what: String, _ exposition: String) {
        #expect(throws: ExpositionReader.Failure.self, "\(what)") {
            try ExpositionReader.read(exposition, as: .openMetrics)
        }
    }

    static func rewrite(_ text: String, as format: ExpositionFormat) -> String {
        String(decoding: ExpositionWriter.rewrite(Array(text.utf8), as: format), as: UTF8.self)
    }
}
