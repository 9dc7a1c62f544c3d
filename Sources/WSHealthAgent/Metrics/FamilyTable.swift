import NIOCore

/// The families of one kind of group (targets, receivers, the agent) as `/metrics` writes
/// them: each family's metadata, then the lines of every group, in the order they registered.
///
/// Each family is kept as one buffer. A scrape first asks each group which families moved (a
/// group with no update since the last scrape answers without reading a slot); only for those
/// does it assemble a new buffer, with the moved groups' lines written again and the others
/// copied from the last one. The other families are the buffers of the last scrape, shared
/// with the responses still sending them, so an unchanged family costs neither a copy nor an
/// allocation: between two scrapes most families stay as they were, and copying the bytes of
/// a large exposition was most of a scrape.
///
/// Not thread-safe: ``MetricsRegistry`` keeps it under its lock.
struct FamilyTable<Group: SeriesGroup> {
    /// The registered groups, in the order their lines appear in each family.
    private(set) var groups: [RenderedFamilies<Group>] = []
    /// By family: its metadata in each format.
    private let headers: [ExpositionFormat: [ByteBuffer]]
    /// By family: its metadata and the lines of every group, in `familiesFormat`; nil when a
    /// group came or went since, or the format changed.
    private var families: [ByteBuffer?]
    private var familiesFormat = ExpositionFormat.text

    /// A table of `families`, without groups.
    init(_ families: [MetricFamily]) {
        var headers: [ExpositionFormat: [ByteBuffer]] = [:]
        for format in ExpositionFormat.allCases {
            headers[format] = families.map { ByteBuffer(bytes: $0.metadata(in: format)) }
        }
        self.headers = headers
        self.families = Array(repeating: nil, count: families.count)
    }

    /// Adds a group's series after those already registered.
    mutating func register(_ group: Group) {
        self.groups.append(RenderedFamilies(group))
        self.forgetFamilies()
    }

    /// Removes a group's series.
    mutating func unregister(_ group: Group) {
        self.groups.removeAll { $0.statistics === group }
        self.forgetFamilies()
    }

    /// Appends to `parts` the families with lines, as they are now, in `format`. A scrape in
    /// the other format than the last writes them all again: Prometheus asks for one format
    /// every time; a person with `curl` for the other, now and then.
    mutating func render(as format: ExpositionFormat, allocator: ByteBufferAllocator, into parts: inout [ByteBuffer]) {
        guard let first = self.groups.first else { return }
        if format != self.familiesFormat {
            self.forgetFamilies()
            self.familiesFormat = format
        }
        var stale: UInt64 = 0
        for group in self.groups { stale |= group.startScrape() }
        let headers = self.headers[format]!
        for family in self.families.indices where first.statistics.lines.hasLines(family: family) {
            let moved = stale & (1 << family) != 0
            parts.append(self.refresh(family: family, moved: moved, header: headers[family], allocator: allocator))
        }
    }

    /// The next scrape writes every family from nothing: the kept buffers no longer have the
    /// groups' lines, or their metadata is in the other format.
    private mutating func forgetFamilies() {
        self.families = self.families.map { _ in nil }
    }

    /// `header`, then the lines of `family` in every group: the buffer of the last scrape when
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
        for group in self.groups { size += group.bound(of: family, from: previous) }
        var buffer = allocator.buffer(capacity: size)
        buffer.writeImmutableBuffer(header)
        for group in self.groups { group.append(family: family, from: previous, to: &buffer) }
        self.families[family] = buffer
        return buffer
    }
}
