/// What an outbox found on disk when it was opened: entries that could not be used (skipped
/// and moved aside, never fatal) and entries dropped because they exceeded the capacity.
public struct OutboxLoadReport: Sendable, Hashable {
    /// The usable entries loaded, in sequence order.
    public var loaded: Int
    /// Files that were not usable entries, each moved into the `damaged` directory.
    public var damaged: [DamagedFile]
    /// Entries beyond the capacity (it was lowered since they were written), dropped oldest
    /// resolved first: count them as dropped notifications.
    public var dropped: [OutboxEntry]
    /// Temporary files of writes that never completed, deleted: notifications that were
    /// never accepted, so nothing is lost.
    public var incompleteWritesRemoved: Int

    /// An empty report.
    public init(
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
public struct DamagedFile: Sendable, Hashable, CustomStringConvertible {
    /// The file's path when it was found.
    public var path: String
    /// Why it was not usable: `not a valid entry: …`, `unreadable: …`, `unexpected file name`.
    public var reason: String
    /// Where it was moved, or nil if moving it failed too (it is then left in place and
    /// skipped again at the next start).
    public var movedTo: String?

    /// Creates a record of a damaged file.
    public init(path: String, reason: String, movedTo: String?) {
        self.path = path
        self.reason = reason
        self.movedTo = movedTo
    }

    /// `path: reason (moved to …)`, for a log line.
    public var description: String {
        "\(self.path): \(self.reason)" + (self.movedTo.map { " (moved to \($0))" } ?? " (could not be moved aside)")
    }
}
