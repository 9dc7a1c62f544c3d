import Foundation

extension Outbox {
    /// The directory damaged files are moved into.
    static let damagedDirectoryName = "damaged"
    /// The file keeping the last sequence used once the outbox went empty.
    static let sequenceFileName = "sequence"

    /// What loading a directory produced.
    struct Loaded {
        var entries: [OutboxEntry]
        var nextSequence: UInt64
        var report: OutboxLoadReport
    }

    /// Reads every entry in `directory`: usable ones sorted by sequence, damaged ones moved
    /// aside and reported, leftover temporary files deleted, the excess over `capacity`
    /// dropped. The next sequence continues after the highest ever seen.
    static func load(directory: URL, capacity: Int) throws(OutboxError) -> Loaded {
        try DurableFile.createDirectory(directory)
        // Refused now (read-only, no permission), every notification would live in memory
        // only: better to refuse to start. A full disk shows later and is survived.
        try DurableFile.checkWritable(directory)
        let names: [String]
        do {
            names = try FileManager.default.contentsOfDirectory(atPath: directory.path)
        } catch {
            throw .system("readdir", path: directory.path, errno: EIO)
        }
        var report = OutboxLoadReport()
        var entries: [OutboxEntry] = []
        var highest: UInt64 = 0
        var changed = false
        let damagedDirectory = directory.appendingPathComponent(Self.damagedDirectoryName, isDirectory: true)
        func setAside(_ file: URL, _ reason: String) {
            let movedTo = DurableFile.moveAside(file, into: damagedDirectory)
            report.damaged.append(DamagedFile(path: file.path, reason: reason, movedTo: movedTo))
            changed = true
        }

        for name in names.sorted() where name != Self.damagedDirectoryName {
            let file = directory.appendingPathComponent(name)
            if DurableFile.isTemporary(name) {
                try DurableFile.remove(file)
                report.incompleteWritesRemoved += 1
                changed = true
            } else if name == Self.sequenceFileName {
                switch Self.readSequence(file) {
                case .success(let sequence): highest = max(highest, sequence)
                case .failure(let damage): setAside(file, damage.reason)
                }
            } else if let sequence = OutboxEntryFile.sequence(inFileName: name) {
                highest = max(highest, sequence)
                switch Self.readEntry(file, sequence: sequence) {
                case .success(let entry): entries.append(entry)
                case .failure(let damage): setAside(file, damage.reason)
                }
            } else {
                setAside(file, "unexpected file name")
            }
        }
        entries.sort { $0.sequence < $1.sequence }

        let victims = Self.evictionVictims(in: entries, count: entries.count - capacity)
        if !victims.isEmpty {
            let dropped = Set(victims.map(\.sequence))
            entries.removeAll { dropped.contains($0.sequence) }
            for victim in victims {
                try DurableFile.remove(
                    directory.appendingPathComponent(OutboxEntryFile.fileName(forSequence: victim.sequence))
                )
            }
            report.dropped = victims
            changed = true
        }
        if changed {
            try DurableFile.synchronizeDirectory(directory)
        }
        report.loaded = entries.count
        return Loaded(entries: entries, nextSequence: highest + 1, report: report)
    }

    /// Makes `sequence` the last one used, durably.
    func writeSequenceWatermark(_ sequence: UInt64) throws(OutboxError) {
        let file = self.directory.appendingPathComponent(Self.sequenceFileName)
        try DurableFile.replace(file, with: Data("\(sequence)\n".utf8))
    }

    private static func readEntry(_ file: URL, sequence: UInt64) -> Result<OutboxEntry, OutboxEntryDamage> {
        let data: Data
        do {
            data = try Data(contentsOf: file)
        } catch {
            return .failure(OutboxEntryDamage(reason: "unreadable: \(error.localizedDescription)"))
        }
        do throws(OutboxEntryDamage) {
            return .success(try OutboxEntryFile.decode(data, expectedSequence: sequence))
        } catch {
            return .failure(error)
        }
    }

    private static func readSequence(_ file: URL) -> Result<UInt64, OutboxEntryDamage> {
        guard let data = try? Data(contentsOf: file),
            let text = String(data: data, encoding: .utf8),
            let sequence = UInt64(text.trimmingCharacters(in: .whitespacesAndNewlines))
        else {
            return .failure(OutboxEntryDamage(reason: "not a sequence number"))
        }
        return .success(sequence)
    }
}
