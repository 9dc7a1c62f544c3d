import NIOCore

/// What the last scrape wrote of a group of series (a target's, a receiver's): for each
/// family, where the group's lines are in the family's buffer (``FamilyTable``) and the slot
/// values they show. A scrape writes a group's lines again only for the families whose slots
/// moved, and copies the others from the last buffer.
///
/// A group's slots are read at most once per scrape, all at once (``MetricSlots/read(_:)``),
/// and its lines written from what was read, so the lines kept always show exactly the values
/// kept beside them, and no scrape shows half of an event. A group whose slots had no update
/// since the last scrape (``MetricSlots/changes``) is not read at all, and a family none of
/// whose groups moved is not even visited.
///
/// Not thread-safe: ``FamilyTable`` uses it under the registry's lock, one scrape at a time.
final class RenderedFamilies<Group: SeriesGroup> {
    /// The group whose series these are.
    let statistics: Group
    /// By slot: the values read by the last scrape.
    private let values: UnsafeMutableBufferPointer<Int>
    /// By family: where the target's lines are in the family's last buffer (meaningless while
    /// the family is stale).
    private var ranges: [Range<Int>]
    /// A bit a family: a slot moved since the lines were written, or they never were.
    private var stale: UInt64
    /// The slots' count of updates at the last scrape.
    private var seenChanges = -1

    /// Nothing written yet for the lines of `statistics`.
    init(_ statistics: Group) {
        precondition(statistics.lines.slotCount <= statistics.slots.count)
        precondition(statistics.lines.familyCount <= UInt64.bitWidth, "a family is a bit of a mask")
        self.statistics = statistics
        self.values = .allocate(capacity: statistics.lines.slotCount)
        self.values.initialize(repeating: 0)
        self.ranges = Array(repeating: 0..<0, count: statistics.lines.familyCount)
        self.stale = Self.mask(familyCount: statistics.lines.familyCount)
    }

    deinit {
        self.values.deallocate()
    }

    /// Starts a scrape: reads the slots when one was updated since the last scrape, and returns
    /// the families whose lines must be written again, a bit a family. Between two scrapes
    /// most targets had no update, so most scrapes read no slot and rewrite no family.
    func startScrape() -> UInt64 {
        let slots = self.statistics.slots
        guard slots.changes != self.seenChanges else { return self.stale }
        let lines = self.statistics.lines
        let base = slots.base
        let values = self.values
        var stale = self.stale
        self.seenChanges = slots.read {
            for family in 0..<lines.familyCount {
                for slot in lines.slots(of: family) {
                    let value = MetricSlots.load(slot, from: base)
                    if value != values[slot] {
                        values[slot] = value
                        stale |= 1 << family
                    }
                }
            }
            return slots.changes
        }
        self.stale = stale
        return self.stale
    }

    /// The most bytes ``append(family:from:to:)`` adds with the same `previous`.
    func bound(of family: Int, from previous: ByteBuffer?) -> Int {
        self.keptRange(of: family, in: previous)?.count ?? self.statistics.lines.maximumSize(of: family)
    }

    /// Appends the lines of `family` to `buffer`: copied from `previous`, the family's last
    /// buffer, when none of its slots moved; written from the values read otherwise.
    func append(family: Int, from previous: ByteBuffer?, to buffer: inout ByteBuffer) {
        let start = buffer.writerIndex
        if let previous, let range = self.keptRange(of: family, in: previous) {
            _ = previous.withUnsafeReadableBytes { buffer.writeBytes(UnsafeRawBufferPointer(rebasing: $0[range])) }
        } else {
            let lines = self.statistics.lines
            buffer.writeWithUnsafeMutableBytes(minimumWritableBytes: lines.maximumSize(of: family)) { memory in
                var output = ExpositionBuffer(memory)
                lines.render(family: family, values: UnsafeBufferPointer(self.values), into: &output)
                return output.count
            }
            self.stale &= ~(1 << family)
        }
        self.ranges[family] = start..<buffer.writerIndex
    }

    /// Where the lines of `family` are in `previous`, the family's last buffer, when they can
    /// be copied from it: written there, and no slot of theirs moved since.
    private func keptRange(of family: Int, in previous: ByteBuffer?) -> Range<Int>? {
        previous != nil && self.stale & (1 << family) == 0 ? self.ranges[family] : nil
    }

    /// Every family of `familyCount`, a bit each.
    static func mask(familyCount: Int) -> UInt64 {
        familyCount == UInt64.bitWidth ? ~0 : (1 << familyCount) - 1
    }
}
