import NIOCore

/// What `/metrics` answers: every target's families, then the collectors' and the process's,
/// in one format, written straight into the buffer the response sends.
///
/// The buffer is allocated once per scrape at the most the exposition can take (each series'
/// bound is known from its pre-rendered lines), so rendering never grows or copies it. It
/// reads relaxed atomics and a few small files of `/proc`: it never waits on a session.
enum MetricsExposition {
    /// Renders the exposition of `targets`, the `collected` families (already in `format`) and
    /// `process` in `format`.
    static func render(
        targets: [TargetStatistics],
        collected: [UInt8],
        process: ProcessMetrics?,
        as format: ExpositionFormat,
        allocator: ByteBufferAllocator
    ) -> ByteBuffer {
        let headers = format == .text ? Self.textHeaders : Self.openMetricsHeaders
        var bound = headers.size + collected.count + ProcessMetrics.maximumSize
        for target in targets { bound += target.lines.maximumSize }
        var buffer = allocator.buffer(capacity: bound)
        buffer.writeWithUnsafeMutableBytes(minimumWritableBytes: bound) { memory in
            var output = ExpositionBuffer(memory)
            if let first = targets.first {
                for family in MetricDescriptors.target.indices where first.lines.hasLines(family: family) {
                    output.append(headers.target[family])
                    for target in targets {
                        target.lines.render(family: family, slots: target.slots, into: &output)
                    }
                }
            }
            output.append(collected)
            process?.render(headers: headers.process, into: &output)
            output.append(Self.end(of: format))
            return output.count
        }
        return buffer
    }

    /// The metadata lines of every family in one format, rendered once.
    struct Headers: Sendable {
        var target: [[UInt8]]
        var process: [[UInt8]]
        /// Their total size, and `# EOF`.
        var size: Int

        init(_ format: ExpositionFormat) {
            self.target = MetricDescriptors.target.map { ExpositionWriter.metadata(of: $0, in: format) }
            self.process = ProcessMetrics.families.map { ExpositionWriter.metadata(of: $0, in: format) }
            self.size =
                (self.target + self.process).reduce(0) { $0 + $1.count } + ExpositionWriter.end(of: format).utf8.count
        }
    }

    static let textHeaders = Headers(.text)
    static let openMetricsHeaders = Headers(.openMetrics)
    private static let textEnd = Array(ExpositionWriter.end(of: .text).utf8)
    private static let openMetricsEnd = Array(ExpositionWriter.end(of: .openMetrics).utf8)

    private static func end(of format: ExpositionFormat) -> [UInt8] {
        format == .text ? Self.textEnd : Self.openMetricsEnd
    }
}
