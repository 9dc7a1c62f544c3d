import NIOCore

/// What the last scrape wrote of a target: for each family, where the target's lines are in
/// the family's buffer (``MetricsExposition``) and the slot values they show. A scrape writes
/// a target's lines again only for the families whose slots moved, and copies the others from
/// the last buffer.
///
/// A family's slots are read once per scrape and its lines written from what was read, so the
/// lines kept always show exactly the values kept beside them. A target whose slots had no
/// update since the last scrape (``MetricSlots/changes``) is not read at all.
///
/// Not thread-safe: ``MetricsExposition`` uses it under the registry's lock, one scrape at a time.
final class RenderedFamilies {
    /// The target whose series these are.
    let statistics: TargetStatistics
    /// By slot: the values read by the last scrape.
    private let values: UnsafeMutableBufferPointer<Int>
    /// By family: where the target's lines are in the family's last buffer; nil until written.
    private var ranges: [Range<Int>?]
    /// By family: a slot moved since the lines were written.
    private var moved: [Bool]
    /// The slots' count of updates at the last scrape, and whether it changed at this one.
    private var seenChanges = -1
    private var updated = true

    /// Nothing written yet for the lines of `statistics`.
    init(_ statistics: TargetStatistics) {
        precondition(statistics.lines.slotCount <= statistics.slots.count)
        self.statistics = statistics
        self.values = .allocate(capacity: statistics.lines.slotCount)
        self.values.initialize(repeating: 0)
        self.ranges = Array(repeating: nil, count: statistics.lines.familyCount)
        self.moved = Array(repeating: false, count: statistics.lines.familyCount)
    }

    deinit {
        self.values.deallocate()
    }

    /// Starts a scrape: notes whether any slot was updated since the last one.
    func startScrape() {
        let changes = self.statistics.slots.changes
        self.updated = changes != self.seenChanges
        self.seenChanges = changes
    }

    /// Reads the slots of `family` (none when no slot was updated since the last scrape) and
    /// returns whether its lines must be written again: a slot moved, or they never were.
    func readSlots(of family: Int) -> Bool {
        if self.updated {
            let slots = self.statistics.slots.base
            for slot in self.statistics.lines.slots(of: family) {
                let value = MetricSlots.load(slot, from: slots)
                if value != self.values[slot] {
                    self.values[slot] = value
                    self.moved[family] = true
                }
            }
        }
        return self.moved[family] || self.ranges[family] == nil
    }

    /// The most bytes ``append(family:from:to:)`` adds with the same `previous`.
    func bound(of family: Int, from previous: ByteBuffer?) -> Int {
        guard previous != nil, !self.moved[family], let range = self.ranges[family] else {
            return self.statistics.lines.maximumSize(of: family)
        }
        return range.count
    }

    /// Appends the lines of `family` to `buffer`: copied from `previous`, the family's last
    /// buffer, when none of its slots moved; written from the values read otherwise.
    func append(family: Int, from previous: ByteBuffer?, to buffer: inout ByteBuffer) {
        let start = buffer.writerIndex
        if !self.moved[family], let range = self.ranges[family], let previous {
            _ = previous.withUnsafeReadableBytes { buffer.writeBytes(UnsafeRawBufferPointer(rebasing: $0[range])) }
        } else {
            let lines = self.statistics.lines
            buffer.writeWithUnsafeMutableBytes(minimumWritableBytes: lines.maximumSize(of: family)) { memory in
                var output = ExpositionBuffer(memory)
                lines.render(family: family, values: UnsafeBufferPointer(self.values), into: &output)
                return output.count
            }
            self.moved[family] = false
        }
        self.ranges[family] = start..<buffer.writerIndex
    }
}
