import Foundation
import Testing

@testable import WSHealthAgent

/// Each family's metadata in each exposition format, and the strict reader that checks an
/// exposition: no sockets.
struct MetricMetadataTests {
    static let families = [
        MetricFamily(
            name: "app_requests_total",
            kind: .counter,
            help: "Requests, \"quoted\" and back\\slashed.\nTwo lines."
        ),
        MetricFamily(name: "app_level_ratio", kind: .gauge, help: "A ratio."),
        MetricFamily(name: "app_build_info", kind: .gauge, help: "Build."),
        MetricFamily(name: "app_latency_seconds", kind: .histogram, help: "Latency."),
        MetricFamily(name: "app_odd", kind: .counter, help: "A counter without _total."),
    ]

    /// The text format: HELP then TYPE under the family's name, `\` and newlines escaped.
    @Test func textFormat() {
        let text = Self.families.map { String(decoding: $0.metadata(in: .text), as: UTF8.self) }.joined()
        #expect(
            text == """
                # HELP app_requests_total Requests, "quoted" and back\\\\slashed.\\nTwo lines.
                # TYPE app_requests_total counter
                # HELP app_level_ratio A ratio.
                # TYPE app_level_ratio gauge
                # HELP app_build_info Build.
                # TYPE app_build_info gauge
                # HELP app_latency_seconds Latency.
                # TYPE app_latency_seconds histogram
                # HELP app_odd A counter without _total.
                # TYPE app_odd counter

                """
        )
    }

    /// OpenMetrics: family names without `_total`/`_info`, TYPE/UNIT/HELP in that order, `"`
    /// escaped in HELP, an `unknown` counter without `_total`; the strict reader accepts it.
    @Test func openMetrics() throws {
        let metadata = Self.families.map { String(decoding: $0.metadata(in: .openMetrics), as: UTF8.self) }.joined()
        #expect(
            metadata == """
                # TYPE app_requests counter
                # HELP app_requests Requests, \\"quoted\\" and back\\\\slashed.\\nTwo lines.
                # TYPE app_level_ratio gauge
                # UNIT app_level_ratio ratio
                # HELP app_level_ratio A ratio.
                # TYPE app_build info
                # HELP app_build Build.
                # TYPE app_latency_seconds histogram
                # UNIT app_latency_seconds seconds
                # HELP app_latency_seconds Latency.
                # TYPE app_odd unknown
                # HELP app_odd A counter without _total.

                """
        )
        let exposition = metadata + "# EOF\n"
        let families = try ExpositionReader.read(exposition, as: .openMetrics)
        #expect(families["app_requests"]?.help == "Requests, \"quoted\" and back\\slashed.\nTwo lines.")
        #expect(families["app_build"]?.type == "info")
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
}
