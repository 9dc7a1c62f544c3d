import Foundation

@testable import WSHealthAlerting

/// The loaders of the alerting's files, fed the input as a file: an outbox entry
/// (`<sequence>.json`) and the outbox's `sequence` watermark, loaded by opening the outbox,
/// and the active-alerts file, loaded by ``ActiveAlertStore``. Each gives a usable value or a
/// damaged file with a reason, moved aside; never a crash. What loads must survive being
/// written back: an entry encoded again decodes to itself, a set of alerts saved again loads
/// as the same alerts.
@_cdecl("LLVMFuzzerTestOneInput")
func fuzzOutboxLoad(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
    let contents = Data(UnsafeBufferPointer(start: data, count: size))
    try? FileManager.default.removeItem(at: scratch)
    checkOutbox(contents)
    checkActiveAlerts(contents)
    return 0
}

/// A directory of this process's own, emptied for every input, in `TMPDIR` (`scripts/fuzz`
/// points it at memory, `/dev/shm`, where the loaders' `fsync`s cost nothing, and removes it).
let scratch = FileManager.default.temporaryDirectory.appendingPathComponent(
    "wshealth-fuzz-outbox-\(getpid())",
    isDirectory: true
)

/// The sequence in the entry's file name.
let sequence: UInt64 = 7

func checkOutbox(_ contents: Data) {
    let directory = scratch.appendingPathComponent("outbox", isDirectory: true)
    let entryFile = directory.appendingPathComponent(OutboxEntryFile.fileName(forSequence: sequence))
    write(contents, to: entryFile)
    write(contents, to: directory.appendingPathComponent(Outbox.sequenceFileName))
    let outbox: Outbox
    do {
        outbox = try Outbox(directory: directory, capacity: 4)
    } catch {
        fatalError("opening the outbox failed: \(error)")
    }
    let report = outbox.loadReport
    let damagedEntries = report.damaged.filter { $0.path == entryFile.path }
    precondition(report.loaded + damagedEntries.count == 1, "the entry neither loaded nor damaged: \(report)")
    precondition(report.damaged.count <= 2 && report.dropped.isEmpty, "unexpected report: \(report)")
    for damaged in report.damaged { checkMovedAside(damaged) }
    guard let entry = outbox.pending.first else { return }
    precondition(entry.sequence == sequence && outbox.pending.count == 1)
    do {
        let again = try OutboxEntryFile.decode(try OutboxEntryFile(entry).encoded(), expectedSequence: sequence)
        precondition(again == entry, "an entry written again reads back as \(again), not \(entry)")
    } catch {
        fatalError("an entry that loaded cannot be written again: \(error)")
    }
}

func checkActiveAlerts(_ contents: Data) {
    let store = ActiveAlertStore(storagePath: scratch)
    write(contents, to: store.file)
    let loaded = store.load()
    if let damaged = loaded.damaged {
        precondition(loaded.alerts.isEmpty, "alerts and damage: \(loaded)")
        checkMovedAside(damaged)
        return
    }
    do {
        try store.save(loaded.alerts)
    } catch {
        fatalError("alerts that loaded cannot be saved again: \(error)")
    }
    let again = store.load()
    precondition(
        again.damaged == nil && again.alerts.count == loaded.alerts.count
            && Set(again.alerts) == Set(loaded.alerts),
        "alerts saved again read back as \(again), not \(loaded)"
    )
}

/// A damaged file says why, and is moved aside whole.
func checkMovedAside(_ damaged: DamagedFile) {
    precondition(!damaged.reason.isEmpty, "no reason for \(damaged.path)")
    guard let movedTo = damaged.movedTo else { fatalError("not moved aside: \(damaged)") }
    precondition(
        FileManager.default.fileExists(atPath: movedTo) && !FileManager.default.fileExists(atPath: damaged.path),
        "\(damaged.path) not moved to \(movedTo)"
    )
}

func write(_ contents: Data, to file: URL) {
    do {
        try FileManager.default.createDirectory(at: file.deletingLastPathComponent(), withIntermediateDirectories: true)
        try contents.write(to: file)
    } catch {
        fatalError("cannot write \(file.path): \(error)")
    }
}
