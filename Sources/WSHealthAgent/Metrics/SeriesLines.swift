/// The sample lines of a group of series (a target's, a receiver's), rendered once when the
/// group is created: each line's bytes up to its value (`name{label="value",…} `, names checked
/// and label values escaped), the slot its value is read from, and the slots each family reads.
///
/// Rendering a family copies each prefix and writes one number per line: no label is escaped,
/// no name assembled and no `String` made again. ``RenderedFamilies`` keeps what a scrape
/// rendered, so the next renders only the families whose slots moved.
final class SeriesLines: @unchecked Sendable {
    /// Where a line's value comes from.
    enum Value: Sendable {
        /// A slot, as an integer.
        case integer(slot: Int)
        /// A slot holding nanoseconds, as seconds.
        case seconds(slot: Int)
        /// A slot holding the bit pattern of a `Double`, always with a decimal point (`1.0`).
        case decimal(slot: Int)
        /// A slot holding nanoseconds, as seconds always with a decimal point (`2.0`).
        case decimalSeconds(slot: Int)
        /// `a / (a + b)` of two slots; NaN while both are 0.
        case ratio(slot: Int, otherSlot: Int)
        /// A value fixed when the series was created.
        case constant(Int)
        /// A histogram bucket holding the observations above the previous bucket's bound: the
        /// line shows the running total of its histogram's buckets so far (cumulative `le`).
        case bucket(slot: Int)
        /// The running total of the histogram's buckets: its `_count`, equal to its `+Inf` bucket.
        case count
    }

    fileprivate struct Line {
        /// The end of the line's prefix in `bytes`; it starts where the previous one ends.
        var end: Int
        var value: Value
    }

    /// Collects the lines, family by family.
    struct Builder {
        fileprivate var bytes: [UInt8] = []
        fileprivate var lines: [Line] = []
        fileprivate var familyLines: [Range<Int>]
        /// The slots each family reads, family after family, each once.
        fileprivate var slots: [Int] = []
        fileprivate var familySlots: [Range<Int>]
        /// The family that reads each slot: a slot belongs to one family, so that a family's
        /// slots alone say whether its lines changed.
        fileprivate var slotFamilies: [Int: Int] = [:]
        fileprivate var familyMaximumSizes: [Int]
        fileprivate var highestSlot = -1

        /// An empty table for `familyCount` families.
        init(familyCount: Int) {
            self.familyLines = Array(repeating: 0..<0, count: familyCount)
            self.familySlots = Array(repeating: 0..<0, count: familyCount)
            self.familyMaximumSizes = Array(repeating: 0, count: familyCount)
        }

        /// Adds a line to `family`, which must be the last family lines were added to, or a new one.
        mutating func add(family: Int, name: String, labels: [(String, String)], value: Value) {
            let start = self.bytes.count
            self.bytes.append(contentsOf: name.utf8)
            if !labels.isEmpty {
                self.bytes.append(UInt8(ascii: "{"))
                for (index, (label, labelValue)) in labels.enumerated() {
                    if index > 0 { self.bytes.append(UInt8(ascii: ",")) }
                    self.bytes.append(contentsOf: label.utf8)
                    self.bytes.append(contentsOf: "=\"".utf8)
                    SeriesLines.appendEscaped(labelValue, to: &self.bytes)
                    self.bytes.append(UInt8(ascii: "\""))
                }
                self.bytes.append(UInt8(ascii: "}"))
            }
            self.bytes.append(UInt8(ascii: " "))
            let range = self.familyLines[family]
            precondition(range.isEmpty || range.upperBound == self.lines.count, "lines of a family must be contiguous")
            self.familyLines[family] = (range.isEmpty ? self.lines.count : range.lowerBound)..<(self.lines.count + 1)
            self.lines.append(Line(end: self.bytes.count, value: value))
            switch value {
            case .integer(let slot), .seconds(let slot), .decimal(let slot), .decimalSeconds(let slot),
                .bucket(let slot):
                self.read(slot, by: family)
            case .ratio(let slot, let otherSlot):
                self.read(slot, by: family)
                self.read(otherSlot, by: family)
            case .constant, .count:
                break
            }
            self.familyMaximumSizes[family] += self.bytes.count - start + ExpositionBuffer.maximumValueSize + 1
        }

        /// Adds a histogram's lines to `family`: a cumulative bucket per bound and `+Inf`, the sum
        /// (in seconds, spelled as `sum` says) and the count, each with `labels`.
        mutating func addHistogram(
            family: Int,
            name: String,
            labels: [(String, String)],
            slots: HistogramSlots,
            sum: (Int) -> Value = { .seconds(slot: $0) }
        ) {
            for (offset, bound) in slots.bounds.enumerated() {
                let le = MetricBuckets.label(.nanoseconds(bound))
                self.add(
                    family: family,
                    name: name + "_bucket",
                    labels: labels + [("le", le)],
                    value: .bucket(slot: slots.buckets + offset)
                )
            }
            self.add(
                family: family,
                name: name + "_bucket",
                labels: labels + [("le", "+Inf")],
                value: .bucket(slot: slots.buckets + slots.bounds.count)
            )
            self.add(family: family, name: name + "_sum", labels: labels, value: sum(slots.sum))
            self.add(family: family, name: name + "_count", labels: labels, value: .count)
        }

        private mutating func read(_ slot: Int, by family: Int) {
            precondition(slot >= 0)
            if let owner = self.slotFamilies[slot] {
                precondition(owner == family, "slot \(slot) is read by two families")
                return
            }
            self.slotFamilies[slot] = family
            let range = self.familySlots[family]
            precondition(range.isEmpty || range.upperBound == self.slots.count, "slots of a family must be contiguous")
            self.familySlots[family] = (range.isEmpty ? self.slots.count : range.lowerBound)..<(self.slots.count + 1)
            self.slots.append(slot)
            self.highestSlot = max(self.highestSlot, slot)
        }
    }

    // Immutable once made, in memory of their own: rendering reads raw pointers and retains
    // nothing per line.
    private let bytes: UnsafeMutableRawBufferPointer
    private let lines: UnsafeMutableBufferPointer<Line>
    private let familyLines: UnsafeMutableBufferPointer<Range<Int>>
    private let slots: UnsafeMutableBufferPointer<Int>
    private let familySlots: UnsafeMutableBufferPointer<Range<Int>>
    private let familyMaximumSizes: UnsafeMutableBufferPointer<Int>
    /// The number of slots the lines' values are read from: one more than the highest.
    let slotCount: Int
    /// The number of families.
    var familyCount: Int { self.familyLines.count }

    /// The lines of `builder`.
    init(_ builder: Builder) {
        self.bytes = .allocate(byteCount: builder.bytes.count, alignment: 1)
        self.bytes.copyBytes(from: builder.bytes)
        self.lines = Self.copy(builder.lines)
        self.familyLines = Self.copy(builder.familyLines)
        self.slots = Self.copy(builder.slots)
        self.familySlots = Self.copy(builder.familySlots)
        self.familyMaximumSizes = Self.copy(builder.familyMaximumSizes)
        self.slotCount = builder.highestSlot + 1
    }

    private static func copy<Element>(_ array: [Element]) -> UnsafeMutableBufferPointer<Element> {
        let copy = UnsafeMutableBufferPointer<Element>.allocate(capacity: array.count)
        _ = copy.initialize(from: array)
        return copy
    }

    deinit {
        self.bytes.deallocate()
        self.lines.deallocate()
        self.familyLines.deallocate()
        self.slots.deallocate()
        self.familySlots.deallocate()
        self.familyMaximumSizes.deallocate()
    }

    /// Whether `family` has lines.
    func hasLines(family: Int) -> Bool { !self.familyLines[family].isEmpty }

    /// The most bytes the lines of `family` can take when rendered.
    func maximumSize(of family: Int) -> Int { self.familyMaximumSizes[family] }

    /// The slots `family`'s lines read, each once; no other family reads them.
    func slots(of family: Int) -> UnsafeBufferPointer<Int> {
        UnsafeBufferPointer(rebasing: self.slots[self.familySlots[family]])
    }

    /// Writes the lines of `family` with the values in `values`, indexed by slot, which must
    /// hold ``slotCount`` values.
    func render(family: Int, values: UnsafeBufferPointer<Int>, into buffer: inout ExpositionBuffer) {
        let range = self.familyLines[family]
        guard !range.isEmpty else { return }
        precondition(values.count >= self.slotCount)
        var start = range.lowerBound == 0 ? 0 : self.lines[range.lowerBound - 1].end
        var runningTotal = 0
        for index in range {
            let line = self.lines[index]
            buffer.append(UnsafeRawBufferPointer(rebasing: self.bytes[start..<line.end]))
            start = line.end
            switch line.value {
            case .integer(let slot):
                buffer.appendInteger(values[slot])
            case .seconds(let slot):
                buffer.appendSeconds(nanoseconds: values[slot])
            case .decimal(let slot):
                buffer.appendDecimal(Double(bitPattern: UInt64(UInt(bitPattern: values[slot]))))
            case .decimalSeconds(let slot):
                buffer.appendSeconds(nanoseconds: values[slot], decimalPoint: true)
            case .ratio(let slot, let otherSlot):
                let part = values[slot]
                let other = values[otherSlot]
                buffer.appendDouble(part + other == 0 ? .nan : Double(part) / Double(part + other))
            case .constant(let value):
                buffer.appendInteger(value)
            case .bucket(let slot):
                runningTotal &+= values[slot]
                buffer.appendInteger(runningTotal)
            case .count:
                buffer.appendInteger(runningTotal)
                runningTotal = 0
            }
            buffer.append(UInt8(ascii: "\n"))
        }
    }

    /// A label value escaped for both formats: `\` → `\\`, `"` → `\"`, newline → `\n`.
    static func appendEscaped(_ value: String, to bytes: inout [UInt8]) {
        for byte in value.utf8 {
            switch byte {
            case UInt8(ascii: "\\"): bytes.append(contentsOf: #"\\"#.utf8)
            case UInt8(ascii: "\""): bytes.append(contentsOf: #"\""#.utf8)
            case UInt8(ascii: "\n"): bytes.append(contentsOf: #"\n"#.utf8)
            default: bytes.append(byte)
            }
        }
    }
}
