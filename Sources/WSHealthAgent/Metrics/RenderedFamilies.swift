/// A target's families as the last scrape wrote them, with the slot values they show: a scrape
/// writes again only the families whose slots moved since.
///
/// Between two scrapes most of a target's series stay where they were (transitions, failures,
/// handshakes, reconnects). A family's slots are read once per scrape and its lines written
/// from what was read, so the bytes kept always show exactly the values kept beside them.
///
/// Not thread-safe: ``MetricsExposition`` uses it under the registry's lock, one scrape at a time.
final class RenderedFamilies {
    /// The target whose series these are.
    let statistics: TargetStatistics
    private let lines: SeriesLines
    /// By slot: the values the kept bytes show.
    private let values: UnsafeMutableBufferPointer<Int>
    /// Each family's lines at its offset, in room for the most they can take.
    private let bytes: UnsafeMutableRawBufferPointer
    private let offsets: [Int]
    /// By family: how many bytes are kept; -1 until a scrape writes the family.
    private var lengths: [Int]
    /// The slots' count of updates when the current scrape started, and at the one before.
    private var changes = -1
    private var changesBefore = -1

    /// Nothing written yet for the lines of `statistics`.
    init(_ statistics: TargetStatistics) {
        let lines = statistics.lines
        precondition(lines.slotCount <= statistics.slots.count)
        self.statistics = statistics
        self.lines = lines
        self.values = .allocate(capacity: lines.slotCount)
        self.values.initialize(repeating: 0)
        self.offsets = (0..<lines.familyCount).reduce(into: [0]) { offsets, family in
            offsets.append(offsets.last! + lines.maximumSize(of: family))
        }
        self.bytes = .allocate(byteCount: self.offsets.last!, alignment: 1)
        self.lengths = Array(repeating: -1, count: lines.familyCount)
    }

    deinit {
        self.values.deallocate()
        self.bytes.deallocate()
    }

    /// Starts a scrape: notes whether any slot was updated since the last one.
    func startScrape() {
        self.changesBefore = self.changes
        self.changes = self.statistics.slots.changes
    }

    /// Reads the slots of `family` and, when one moved since its lines were last written (or
    /// they never were), writes them again with the values read. Returns whether it wrote them.
    /// Reads nothing when no slot was updated since the last scrape.
    func refresh(family: Int) -> Bool {
        let written = self.lengths[family] >= 0
        if written && self.changes == self.changesBefore { return false }
        let slots = self.statistics.slots.base
        var moved = !written
        for slot in self.lines.slots(of: family) {
            let value = MetricSlots.load(slot, from: slots)
            if value != self.values[slot] {
                self.values[slot] = value
                moved = true
            }
        }
        guard moved else { return false }
        var buffer = ExpositionBuffer(self.region(of: family))
        self.lines.render(family: family, values: UnsafeBufferPointer(self.values), into: &buffer)
        self.lengths[family] = buffer.count
        return true
    }

    /// The lines of `family` as ``refresh(family:)`` last wrote them.
    func lines(of family: Int) -> UnsafeRawBufferPointer {
        precondition(self.lengths[family] >= 0, "family \(family) read before it was written")
        return UnsafeRawBufferPointer(rebasing: self.region(of: family)[..<self.lengths[family]])
    }

    private func region(of family: Int) -> UnsafeMutableRawBufferPointer {
        UnsafeMutableRawBufferPointer(rebasing: self.bytes[self.offsets[family]..<self.offsets[family + 1]])
    }
}
