import NIOCore

/// Where one connection is in its target's conversation: the `on_open` step it runs, the reply
/// it waits for, and its heartbeat. Made at the upgrade, only for targets whose `on_open` waits
/// for a reply or that have a heartbeat, and dropped with the connection; on the session's loop.
final class ConversationProgress {
    /// The next `on_open` step to run; `nil` once they all have.
    var step: Int? = 0
    /// When the reply to the current step is overdue.
    var replyDeadline: Scheduled<Void>?
    /// Sends the heartbeat while the connection is open.
    var heartbeat: RepeatedTask?
    /// When the reply to the last heartbeat is overdue; `nil` when none is awaited.
    var heartbeatDeadline: Scheduled<Void>?

    /// Stops every timer: the connection ended.
    func cancel() {
        self.replyDeadline?.cancel()
        self.heartbeat?.cancel()
        self.heartbeatDeadline?.cancel()
        self.replyDeadline = nil
        self.heartbeat = nil
        self.heartbeatDeadline = nil
    }
}
