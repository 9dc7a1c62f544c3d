import Synchronization

/// The bytes every connection together may hold for messages that have not fully arrived: a
/// frame whose end is still on the way, the fragments of a message. Without it, a server that
/// sends a message just under `max_message_bytes` to 10,000 sessions at once would make the
/// agent hold 10,000 times that limit.
///
/// A connection reserves what its unfinished message will need (the frame's declared length,
/// not what arrived so far) before it buffers it; when the budget has no room, the connection
/// is failed instead (close 1009, cause `resource_exhausted`) and the refusal counted. A
/// message that arrives whole in one read is never buffered, and costs nothing here.
package final class MessageBufferBudget: Sendable {
    /// The most bytes reserved at once; 0: no limit (the bytes are still counted).
    package let capacity: Int
    private let reservedBytes = Atomic(0)
    private let refusalCount = Atomic(0)

    /// A budget of `capacity` bytes, or without a limit when it is 0.
    package init(capacity: Int) {
        self.capacity = capacity
    }

    /// Bytes reserved now.
    package var reserved: Int { self.reservedBytes.load(ordering: .relaxed) }

    /// Connections failed because the budget had no room, since the start.
    package var refusals: Int { self.refusalCount.load(ordering: .relaxed) }

    /// Reserves `bytes` more; false (and counted) when that would exceed the capacity.
    package func reserve(_ bytes: Int) -> Bool {
        let (_, now) = self.reservedBytes.add(bytes, ordering: .relaxed)
        guard self.capacity == 0 || now <= self.capacity else {
            self.reservedBytes.subtract(bytes, ordering: .relaxed)
            self.refusalCount.add(1, ordering: .relaxed)
            return false
        }
        return true
    }

    /// Gives back `bytes` reserved earlier.
    package func release(_ bytes: Int) {
        self.reservedBytes.subtract(bytes, ordering: .relaxed)
    }
}
