import NIOCore

/// What `/metrics` answers: every target's families, then the collectors' and the process's,
/// in one format, as a list of buffers the response writes one after the other.
///
/// Each target family is kept as one buffer: its metadata, then every target's lines. A scrape
/// first asks each target which families moved (a target with no update since the last scrape
/// answers without reading a slot); only for those does it assemble a new buffer, with the
/// moved targets' lines written again and the others copied from the last one. The other
/// families are the buffers of the last scrape, shared with the responses still sending them,
/// so an unchanged family costs neither a copy nor an allocation: between two scrapes most
/// families stay as they were (transitions, failures, handshakes), and copying the bytes of a
/// large exposition (860 KB at 100 targets) was most of a scrape.
///
/// It reads relaxed atomics: it never waits on a session.
/// Not thread-safe: ``MetricsRegistry`` keeps it under its lock.
struct MetricsExposition {
    /// The registered targets, in the order their lines appear in each family.
    private(set) var targets: [RenderedFamilies] = []
    /// By target family: its metadata and the lines of every target, in `familiesFormat`; nil
    /// when a target came or went since, or the format changed (``forgetFamilies()``).
    private var families: [ByteBuffer?] = Array(repeating: nil, count: MetricDescriptors.target.count)
    /// The format of `families`. A scrape in the other format writes them all again: Prometheus
    /// asks for one format every time; a person with `curl` for the other, now and then.
    private var familiesFormat = ExpositionFormat.text

    /// Adds a target's series after those already registered.
    mutating func register(_ target: TargetStatistics) {
        self.targets.append(RenderedFamilies(target))
        self.forgetFamilies()
    }

    /// Removes a target's series.
    mutating func unregister(_ target: TargetStatistics) {
        self.targets.removeAll { $0.statistics === target }
        self.forgetFamilies()
    }

    /// The exposition of the targets now, the `collected` families (already in `format`) and
    /// `process`, in `format`.
    mutating func render(
        collected: [UInt8],
        process: ProcessMetrics?,
        as format: ExpositionFormat,
        allocator: ByteBufferAllocator
    ) -> [ByteBuffer] {
        let headers = format == .text ? Self.textHeaders : Self.openMetricsHeaders
        if format != self.familiesFormat {
            self.forgetFamilies()
            self.familiesFormat = format
        }
        var stale: UInt64 = 0
        for target in self.targets { stale |= target.startScrape() }
        var parts: [ByteBuffer] = []
        parts.reserveCapacity(self.families.count + 1)
        if let first = self.targets.first {
            for family in self.families.indices where first.statistics.lines.hasLines(family: family) {
                let moved = stale & (1 << family) != 0
                parts.append(
                    self.refresh(family: family, moved: moved, header: headers.target[family], allocator: allocator)
                )
            }
        }
        var trailer = allocator.buffer(capacity: collected.count + headers.trailerSize)
        trailer.writeWithUnsafeMutableBytes(minimumWritableBytes: collected.count + headers.trailerSize) { memory in
            var output = ExpositionBuffer(memory)
            output.append(collected)
            process?.render(headers: headers.process, into: &output)
            output.append(headers.end)
            return output.count
        }
        parts.append(trailer)
        return parts
    }

    /// The next scrape writes every family from nothing: the kept buffers no longer have the
    /// targets' lines, or their metadata is in the other format.
    private mutating func forgetFamilies() {
        self.families = self.families.map { _ in nil }
    }

    /// `header`, then the lines of `family` in every target: the buffer of the last scrape when
    /// none `moved`. One buffer a family, not two: every part of a response costs a trip through
    /// the channel pipeline.
    private mutating func refresh(
        family: Int,
        moved: Bool,
        header: ByteBuffer,
        allocator: ByteBufferAllocator
    ) -> ByteBuffer {
        let previous = self.families[family]
        if !moved, let previous { return previous }
        var size = header.readableBytes
        for target in self.targets { size += target.bound(of: family, from: previous) }
        var buffer = allocator.buffer(capacity: size)
        buffer.writeImmutableBuffer(header)
        for target in self.targets { target.append(family: family, from: previous, to: &buffer) }
        self.families[family] = buffer
        return buffer
    }

    /// The metadata lines of every family in one format, rendered once.
    struct Headers: Sendable {
        var target: [ByteBuffer]
        var process: [[UInt8]]
        var end: [UInt8]
        /// The most the process families and the end take.
        var trailerSize: Int

        init(_ format: ExpositionFormat) {
            self.target = MetricDescriptors.target.map {
                ByteBuffer(bytes: ExpositionWriter.metadata(of: $0, in: format))
            }
            self.process = ProcessMetrics.families.map { ExpositionWriter.metadata(of: $0, in: format) }
            self.end = Array(ExpositionWriter.end(of: format).utf8)
            self.trailerSize = self.process.reduce(0) { $0 + $1.count } + ProcessMetrics.maximumSize + self.end.count
        }
    }

    static let textHeaders = Headers(.text)
    static let openMetricsHeaders = Headers(.openMetrics)
}
