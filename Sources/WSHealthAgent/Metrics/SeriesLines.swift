/// The sample lines of a group of series (a target's), rendered once when the
/// group is created: each line's bytes up to its value (`name{label="value",…} `, names checked
/// and label values escaped), and the slot its value is read from at scrape time.
///
/// A scrape then copies each prefix and writes one number per line: no label is escaped, no
/// name assembled and no `String` made again.
final class SeriesLines: @unchecked Sendable {
    /// Where a line's value comes from.
    enum Value: Sendable {
        /// A slot, as an integer.
        case integer(slot: Int)
        /// A slot holding nanoseconds, as seconds.
        case seconds(slot: Int)
        /// A slot holding the bit pattern of a `Double`.
        case double(slot: Int)
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
        fileprivate var maximumSize = 0
        fileprivate var highestSlot = -1

        /// An empty table for `familyCount` families.
        init(familyCount: Int) {
            self.familyLines = Array(repeating: 0..<0, count: familyCount)
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
            case .integer(let slot), .seconds(let slot), .double(let slot), .bucket(let slot):
                self.highestSlot = max(self.highestSlot, slot)
            case .ratio(let slot, let otherSlot):
                self.highestSlot = max(self.highestSlot, slot, otherSlot)
            case .constant, .count:
                break
            }
            self.maximumSize += self.bytes.count - start + ExpositionBuffer.maximumValueSize + 1
        }
    }

    // Immutable once made, in memory of their own: rendering reads raw pointers and retains
    // nothing per line.
    private let bytes: UnsafeMutableRawBufferPointer
    private let lines: UnsafeMutableBufferPointer<Line>
    private let familyLines: UnsafeMutableBufferPointer<Range<Int>>
    private let highestSlot: Int
    /// The most bytes the lines can take when rendered.
    let maximumSize: Int

    /// The lines of `builder`.
    init(_ builder: Builder) {
        self.bytes = .allocate(byteCount: builder.bytes.count, alignment: 1)
        self.bytes.copyBytes(from: builder.bytes)
        self.lines = .allocate(capacity: builder.lines.count)
        _ = self.lines.initialize(from: builder.lines)
        self.familyLines = .allocate(capacity: builder.familyLines.count)
        _ = self.familyLines.initialize(from: builder.familyLines)
        self.highestSlot = builder.highestSlot
        self.maximumSize = builder.maximumSize
    }

    deinit {
        self.bytes.deallocate()
        self.lines.deallocate()
        self.familyLines.deallocate()
    }

    /// Whether `family` has lines.
    func hasLines(family: Int) -> Bool { !self.familyLines[family].isEmpty }

    /// Writes the lines of `family` with their current values from `slots`, which must hold
    /// every slot the lines name.
    func render(family: Int, slots: MetricSlots, into buffer: inout ExpositionBuffer) {
        let range = self.familyLines[family]
        guard !range.isEmpty else { return }
        precondition(self.highestSlot < slots.count)
        let values = slots.base
        var start = range.lowerBound == 0 ? 0 : self.lines[range.lowerBound - 1].end
        var runningTotal = 0
        for index in range {
            let line = self.lines[index]
            buffer.append(UnsafeRawBufferPointer(rebasing: self.bytes[start..<line.end]))
            start = line.end
            switch line.value {
            case .integer(let slot):
                buffer.appendInteger(MetricSlots.load(slot, from: values))
            case .seconds(let slot):
                buffer.appendSeconds(nanoseconds: MetricSlots.load(slot, from: values))
            case .double(let slot):
                buffer.appendDouble(Double(bitPattern: UInt64(UInt(bitPattern: MetricSlots.load(slot, from: values)))))
            case .ratio(let slot, let otherSlot):
                let part = MetricSlots.load(slot, from: values)
                let other = MetricSlots.load(otherSlot, from: values)
                buffer.appendDouble(part + other == 0 ? .nan : Double(part) / Double(part + other))
            case .constant(let value):
                buffer.appendInteger(value)
            case .bucket(let slot):
                runningTotal &+= MetricSlots.load(slot, from: values)
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
