/// What an outbox found on disk when it was opened: entries that could not be used (skipped
/// and moved aside, never fatal) and entries dropped because they exceeded the capacity.
package struct OutboxLoadReport: Sendable, Hashable {
    /// The usable entries loaded, in sequence order.
    package var loaded: Int
    /// Files that were not usable entries, each moved into the `damaged` directory.
    package var damaged: [DamagedFile]
    /// Entries beyond the capacity (it was lowered since they were written), dropped oldest
    /// resolved first: count them as dropped notifications.
    package var dropped: [OutboxEntry]
    /// Temporary files of writes that never completed, deleted: notifications that were
    /// never accepted, so nothing is lost.
    package var incompleteWritesRemoved: Int

    /// An empty report.
    package init(
        loaded: Int = 0,
        damaged: [DamagedFile] = [],
        dropped: [OutboxEntry] = [],
        incompleteWritesRemoved: Int = 0
    ) {
        self.loaded = loaded
        self.damaged = damaged
        self.dropped = dropped
        self.incompleteWritesRemoved = incompleteWritesRemoved
    }
}

/// A stored file that could not be used, and why.
package struct DamagedFile: Sendable, Hashable, CustomStringConvertible {
    /// The file's path when it was found.
    package var path: String
    /// Why it was not usable: `not a valid entry: …`, `unreadable: …`, `unexpected file name`.
    package var reason: String
    /// Where it was moved, or nil if moving it failed too (it is then left in place and
    /// skipped again at the next start).
    package var movedTo: String?

    /// Creates a record of a damaged file.
    package init(path: String, reason: String, movedTo: String?) {
        self.path = path
        self.reason = reason
        self.movedTo = movedTo
    }

    /// `path: reason (moved to …)`, for a log line.
    package var description: String {
        "\(self.path): \(self.reason)" + (self.movedTo.map { " (moved to \($0))" } ?? " (could not be moved aside)")
    }
}
