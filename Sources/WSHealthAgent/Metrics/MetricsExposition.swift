import NIOCore

/// What `/metrics` answers: every target's families, then the agent's own, the receivers' and
/// the process's, in one format, as a list of buffers the response writes one after the other.
///
/// It reads relaxed atomics and takes a group's lock only to read its slots: it never waits
/// on a session for longer than one event's additions.
/// Not thread-safe: ``MetricsRegistry`` keeps it under its lock.
struct MetricsExposition {
    var targets = FamilyTable<TargetStatistics>(MetricDescriptors.target)
    var agent = FamilyTable<AgentStatistics>(MetricDescriptors.agent)
    var receivers = FamilyTable<ReceiverStatistics>(MetricDescriptors.receiver)

    /// The exposition now, with `process` last, in `format`.
    mutating func render(
        process: ProcessMetrics?,
        as format: ExpositionFormat,
        allocator: ByteBufferAllocator
    )
        -> [ByteBuffer]
    {
        var parts: [ByteBuffer] = []
        parts.reserveCapacity(MetricDescriptors.target.count + MetricDescriptors.receiver.count + 4)
        self.targets.render(as: format, allocator: allocator, into: &parts)
        self.agent.render(as: format, allocator: allocator, into: &parts)
        self.receivers.render(as: format, allocator: allocator, into: &parts)
        let trailer = format == .text ? Self.textTrailer : Self.openMetricsTrailer
        var buffer = allocator.buffer(capacity: trailer.size)
        buffer.writeWithUnsafeMutableBytes(minimumWritableBytes: trailer.size) { memory in
            var output = ExpositionBuffer(memory)
            process?.render(headers: trailer.process, into: &output)
            output.append(trailer.end)
            return output.count
        }
        parts.append(buffer)
        return parts
    }

    /// What follows the groups' families in one format: the process families' metadata, and
    /// OpenMetrics' `# EOF`.
    struct Trailer: Sendable {
        var process: [[UInt8]]
        var end: [UInt8]
        /// The most the process families and the end take.
        var size: Int

        init(_ format: ExpositionFormat) {
            self.process = ProcessMetrics.families.map { $0.metadata(in: format) }
            self.end = format == .openMetrics ? Array("# EOF\n".utf8) : []
            self.size = self.process.reduce(0) { $0 + $1.count } + ProcessMetrics.maximumSize + self.end.count
        }
    }

    static let textTrailer = Trailer(.text)
    static let openMetricsTrailer = Trailer(.openMetrics)
}
