import Testing

@testable import WSHealthAgent

/// Content negotiation of `/metrics`: no sockets.
struct ExpositionFormatTests {
    static let cases: [(String?, ExpositionFormat)] = [
        (nil, .text),
        ("", .text),
        ("*/*", .text),
        ("text/plain", .text),
        ("text/plain;version=0.0.4", .text),
        ("text/*", .text),
        (prometheusAcceptHeader, .openMetrics),
        // Prometheus 3, which adds the protobuf format and UTF-8 escaping.
        (
            "application/vnd.google.protobuf;proto=io.prometheus.client.MetricFamily;encoding=delimited;q=0.6,"
                + "application/openmetrics-text;version=1.0.0;escaping=allow-utf-8;q=0.5,"
                + "application/openmetrics-text;version=0.0.1;q=0.4,text/plain;version=1.0.0;escaping=allow-utf-8;q=0.3,"
                + "text/plain;version=0.0.4;q=0.2,*/*;q=0.1",
            .openMetrics
        ),
        ("application/openmetrics-text", .openMetrics),
        ("Application/OpenMetrics-Text; Version=1.0.0", .openMetrics),
        ("application/*", .openMetrics),
        ("application/openmetrics-text;q=0.3, text/plain;q=0.5", .text),
        ("text/plain;q=0.2, application/openmetrics-text; version=1.0.0; q=0.8", .openMetrics),
        ("*/*;q=0.1, application/openmetrics-text", .openMetrics),
        // Equal weights: a named format beats a wildcard, then the earlier one wins.
        ("*/*, application/openmetrics-text", .openMetrics),
        ("application/openmetrics-text, text/plain", .openMetrics),
        ("text/plain, application/openmetrics-text", .text),
        // A version this server does not write, and refusals.
        ("application/openmetrics-text;version=0.0.1", .text),
        ("application/openmetrics-text;version=2.0.0", .text),
        ("application/openmetrics-text;q=0, */*", .text),
        ("text/plain;q=0, application/openmetrics-text;q=0", .text),
        ("application/openmetrics-text;q=banana, text/plain;q=0.1", .text),
        ("application/json", .text),
    ]

    /// Each `Accept` header gets the format it prefers; text when in doubt.
    @Test(arguments: cases)
    func negotiation(accept: String?, expected: ExpositionFormat) {
        #expect(ExpositionFormat.negotiate(accept: accept) == expected)
    }

    /// The content types are the ones the formats define.
    @Test func contentTypes() {
        #expect(ExpositionFormat.text.contentType == "text/plain; version=0.0.4; charset=utf-8")
        #expect(
            ExpositionFormat.openMetrics.contentType == "application/openmetrics-text; version=1.0.0; charset=utf-8"
        )
    }

    /// Media ranges: case, spaces, quoted parameters, bad weights.
    @Test func mediaRanges() {
        let range = MediaRange(" Text/Plain ; version=\"0.0.4\" ;q=0.5 ")
        #expect(range.type == "text" && range.subtype == "plain")
        #expect(range.version == "0.0.4" && range.weight == 0.5)
        #expect(MediaRange("*/*;q=2").weight == 0)
        #expect(MediaRange("text/plain;q=").weight == 1)
        #expect(MediaRange("garbage").subtype == "")
    }
}
