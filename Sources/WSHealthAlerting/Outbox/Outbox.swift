package import Foundation
import NIOConcurrencyHelpers

/// The durable queue of notifications for one receiver: a notification accepted by
/// ``enqueue(_:at:)`` is on disk when the call returns, survives a crash or a SIGKILL, and is
/// loaded again, in order, by the next outbox opened on the same directory.
///
/// Storage is one file per notification (`<sequence>.json`), written crash-safely (temporary
/// file, `fsync`, `rename`, `fsync` of the directory) and deleted when delivered. An
/// append-only journal would spend one `fsync` instead of two per notification, but needs
/// checksums, torn-tail recovery and compaction; alerts are rare (a handful a minute at
/// worst) and the queue is bounded, so the simpler layout wins: a damaged file costs one
/// notification, never its neighbours, and removal is an `unlink`.
///
/// De-duplication: a notification whose alert has the same fingerprint and status as the
/// *latest* pending notification of that fingerprint is a no-op, so an agent that restarts
/// and derives the same firing alert again does not queue it twice; a firing alert that
/// resolved and fired again while the receiver was down still queues firing, resolved,
/// firing, so the receiver ends with the truth.
///
/// Capacity: when full, a notification superseded by a later one of the same alert is
/// dropped first, then the oldest resolved, then the oldest firing; each drop is reported.
///
/// Thread-safe; all file I/O happens under one lock, on the caller's thread, and blocks for
/// the `fsync`s (run it off event loops).
package final class Outbox: Sendable {
    /// The default number of pending notifications kept per receiver.
    package static let defaultCapacity = 1000

    /// The receiver's directory.
    package let directory: URL
    /// The most notifications kept; beyond it the least useful are dropped.
    package let capacity: Int
    /// What opening the outbox found: damaged files skipped and moved aside, entries dropped.
    package let loadReport: OutboxLoadReport

    private let state: NIOLockedValueBox<State>

    private struct State: Sendable {
        /// Pending entries, in sequence order.
        var entries: [OutboxEntry]
        /// The sequence the next accepted notification gets.
        var nextSequence: UInt64
        /// Pending entries the disk refused: kept in memory, delivered like the others, and
        /// written again at every later enqueue until the disk takes them.
        var unwritten: Set<UInt64> = []
    }

    /// Opens (creating it if needed) the outbox of `receiver` under the agent's
    /// `--storage.path`: `<storagePath>/alerting/outbox/<receiver>/`.
    package convenience init(
        storagePath: URL,
        receiver: String,
        capacity: Int = Outbox.defaultCapacity
    ) throws(OutboxError) {
        try self.init(directory: Self.directory(storagePath: storagePath, receiver: receiver), capacity: capacity)
    }

    /// Opens (creating it if needed) the outbox stored in `directory`, loading what it holds.
    /// Damaged entries are skipped, moved into `directory/damaged/` and reported in
    /// ``loadReport``; only a directory that cannot be created or listed throws.
    package init(directory: URL, capacity: Int = Outbox.defaultCapacity) throws(OutboxError) {
        precondition(capacity >= 1, "an outbox needs a capacity of at least 1, got \(capacity)")
        self.directory = directory
        self.capacity = capacity
        let loaded = try Self.load(directory: directory, capacity: capacity)
        self.loadReport = loaded.report
        self.state = NIOLockedValueBox(State(entries: loaded.entries, nextSequence: loaded.nextSequence))
    }

    /// The pending notifications, oldest first.
    package var pending: [OutboxEntry] {
        self.state.withLockedValue { $0.entries }
    }

    /// How many notifications are pending (`wshealth_notification_queue_length`).
    package var count: Int {
        self.state.withLockedValue { $0.entries.count }
    }

    /// The sequence the next accepted notification will get.
    package var nextSequence: UInt64 {
        self.state.withLockedValue { $0.nextSequence }
    }

    /// Accepts a notification of `alert` as it is now (firing or resolved), durably, unless
    /// it duplicates the latest pending notification of the same alert. When the outbox is
    /// full, the least useful notifications are dropped (possibly this one): count
    /// ``OutboxEnqueueResult/dropped`` and tell the delivery machine.
    ///
    /// A disk that refuses the write (full, read-only, gone) loses nothing: the notification
    /// is accepted in memory, delivered like the others, reported in
    /// ``OutboxEnqueueResult/storageErrors``, and written at a later enqueue once the disk
    /// takes it; only a restart before then would lose it.
    @discardableResult
    package func enqueue(_ alert: Alert, at now: Date = Date()) -> OutboxEnqueueResult {
        self.state.withLockedValue { (state: inout State) -> OutboxEnqueueResult in
            var storageErrors = [self.writeUnwrittenLocked(&state)].compactMap { $0 }
            let fingerprint = alert.fingerprint
            if let latest = state.entries.last(where: { $0.fingerprint == fingerprint }), latest.status == alert.status
            {
                return OutboxEnqueueResult(entry: nil, duplicateOf: latest, dropped: [], storageErrors: storageErrors)
            }
            let entry = OutboxEntry(sequence: state.nextSequence, enqueuedAt: now, alert: alert)
            var entries = state.entries
            entries.append(entry)
            let victims = Self.evictionVictims(in: entries, count: entries.count - self.capacity)
            let keepsNewEntry = !victims.contains { $0.sequence == entry.sequence }
            if keepsNewEntry {
                do throws(OutboxError) {
                    try self.write(entry)
                } catch {
                    storageErrors.append(error)
                    state.unwritten.insert(entry.sequence)
                }
            }
            state.nextSequence += 1
            // The new entry is durable first, the victims go after: a crash in between
            // leaves one entry too many, which the next load trims.
            let dropped = Set(victims.map(\.sequence))
            state.entries = entries.filter { !dropped.contains($0.sequence) }
            state.unwritten.subtract(dropped)
            do throws(OutboxError) {
                for victim in victims where victim.sequence != entry.sequence {
                    try DurableFile.remove(self.file(forSequence: victim.sequence))
                }
                if !victims.isEmpty { try DurableFile.synchronizeDirectory(self.directory) }
            } catch {
                // Left on disk, a dropped notification is loaded again after a restart (and
                // trimmed to the capacity then): nothing is lost.
                storageErrors.append(error)
            }
            return OutboxEnqueueResult(
                entry: keepsNewEntry ? entry : nil,
                duplicateOf: nil,
                dropped: victims,
                storageErrors: storageErrors
            )
        }
    }

    /// How many pending notifications are kept in memory only, because the disk refused them.
    package var unwrittenCount: Int {
        self.state.withLockedValue { $0.unwritten.count }
    }

    /// Writes the pending notifications the disk refused before, oldest first, and returns
    /// the refusal that stopped it (the disk is still full), if any. ``enqueue(_:at:)`` does
    /// this too; call it now and then so a notification is on disk as soon as there is room,
    /// not only when the next one arrives.
    @discardableResult
    package func writeUnwritten() -> OutboxError? {
        self.state.withLockedValue { self.writeUnwrittenLocked(&$0) }
    }

    /// Writes `entry` to its file, durably.
    private func write(_ entry: OutboxEntry) throws(OutboxError) {
        let file = self.file(forSequence: entry.sequence)
        let data: Data
        do {
            data = try OutboxEntryFile(entry).encoded()
        } catch {
            throw .encoding(path: file.path, error)
        }
        try DurableFile.replace(file, with: data)
    }

    /// Writes the pending entries the disk refused before, oldest first, stopping at the first
    /// refusal (the disk is still full): returns that refusal, if any.
    private func writeUnwrittenLocked(_ state: inout State) -> OutboxError? {
        guard !state.unwritten.isEmpty else { return nil }
        for entry in state.entries where state.unwritten.contains(entry.sequence) {
            do {
                try self.write(entry)
                state.unwritten.remove(entry.sequence)
            } catch {
                return error
            }
        }
        return nil
    }

    /// Removes delivered (or abandoned) notifications, durably; sequences not pending are
    /// ignored. Returns the entries removed.
    @discardableResult
    package func remove(_ sequences: some Sequence<UInt64>) throws(OutboxError) -> [OutboxEntry] {
        let wanted = Set(sequences)
        // NIO's lock rethrows untyped errors: the typed one crosses it as a result.
        let result = self.state.withLockedValue { (state: inout State) -> Result<[OutboxEntry], OutboxError> in
            do throws(OutboxError) {
                return .success(try self.remove(wanted, from: &state))
            } catch {
                return .failure(error)
            }
        }
        return try result.get()
    }

    private func remove(_ wanted: Set<UInt64>, from state: inout State) throws(OutboxError) -> [OutboxEntry] {
        let removed = state.entries.filter { wanted.contains($0.sequence) }
        guard !removed.isEmpty else { return [] }
        if removed.count == state.entries.count {
            // The last entries leave: keep the sequence in a file, so it continues after a
            // restart instead of starting over.
            try self.writeSequenceWatermark(state.nextSequence - 1)
        }
        for entry in removed {
            if !state.unwritten.contains(entry.sequence) {
                try DurableFile.remove(self.file(forSequence: entry.sequence))
            }
            state.entries.removeAll { $0.sequence == entry.sequence }
            state.unwritten.remove(entry.sequence)
        }
        try DurableFile.synchronizeDirectory(self.directory)
        return removed
    }

    /// The file of the entry numbered `sequence`.
    func file(forSequence sequence: UInt64) -> URL {
        self.directory.appendingPathComponent(OutboxEntryFile.fileName(forSequence: sequence))
    }
}

/// What ``Outbox/enqueue(_:at:)`` did.
package struct OutboxEnqueueResult: Sendable, Hashable {
    /// The new pending entry, to hand to the delivery machine; nil when the notification was
    /// a duplicate, or was itself the one dropped to keep the capacity.
    package var entry: OutboxEntry?
    /// The pending entry this notification duplicates, if it was a duplicate.
    package var duplicateOf: OutboxEntry?
    /// The notifications dropped to keep the capacity (possibly the new one), for
    /// `wshealth_notifications_dropped_total` and the delivery machine.
    package var dropped: [OutboxEntry]
    /// What the disk refused during the call (`wshealth_storage_errors_total`): the new entry
    /// is then kept in memory, nothing is lost.
    package var storageErrors: [OutboxError]

    /// Creates a result.
    package init(
        entry: OutboxEntry?,
        duplicateOf: OutboxEntry?,
        dropped: [OutboxEntry],
        storageErrors: [OutboxError] = []
    ) {
        self.entry = entry
        self.duplicateOf = duplicateOf
        self.dropped = dropped
        self.storageErrors = storageErrors
    }
}
