import Synchronization

/// The process's file descriptors, shared out: sessions take one each for their socket, and a
/// reserve stays free for what must keep working when they run out — the web listener's
/// scrapes and pages, reloads, the outbox's files, libcurl. Without it, 10,000 sessions under a
/// limit of 8,000 descriptors would leave `/metrics` refusing connections (`accept` failing
/// with EMFILE) exactly when an operator looks.
///
/// A session that cannot have a descriptor fails its attempt as `resource_exhausted` without
/// calling `socket()`, and takes the reconnect path; when the limit is raised (`prlimit`) or
/// sessions go (a reload), the next attempts get one.
final class SocketBudget: Sendable {
    /// Descriptors kept for everything but the sessions' sockets, beyond those open when the
    /// budget was made: the web listener's connections, files, libcurl's sockets, and happy
    /// eyeballs' second socket during a connect.
    static let defaultReserve = 128

    private let reserve: Int
    /// Descriptors open when the budget was made (standard streams, the event loops' epoll
    /// and wake-up descriptors, the listener): not the sessions'.
    private let baseline: Int
    private let inUse = Atomic(0)
    /// How many sessions may hold a socket; read again from the limit when it is reached.
    private let capacity: Atomic<Int>
    private let limit: @Sendable () -> Int

    /// A budget under the process's `RLIMIT_NOFILE` (or `limit`, for tests), keeping `reserve`
    /// free beyond the `baseline` descriptors already open.
    init(
        reserve: Int = SocketBudget.defaultReserve,
        baseline: Int = ProcessMetrics.openFileDescriptorCount(),
        limit: @escaping @Sendable () -> Int = { ProcessMetrics.descriptorLimit() ?? .max }
    ) {
        self.reserve = reserve
        self.baseline = baseline
        self.limit = limit
        self.capacity = Atomic(max(0, limit() - baseline - reserve))
    }

    /// Sockets held by sessions now.
    var held: Int { self.inUse.load(ordering: .relaxed) }

    /// How many sessions may hold a socket, under the limit as it is now (read again, and kept
    /// for the next ``acquire()``).
    func sessionCapacity() -> Int {
        let capacity = max(0, self.limit() - self.baseline - self.reserve)
        self.capacity.store(capacity, ordering: .relaxed)
        return capacity
    }

    /// Takes a descriptor for a session's socket; false when none is left for sessions.
    func acquire() -> Bool {
        if self.tryAcquire() { return true }
        // The limit may have been raised since: read it again before refusing.
        _ = self.sessionCapacity()
        return self.tryAcquire()
    }

    /// Gives back a descriptor taken by ``acquire()``: the socket is closed.
    func release() {
        self.inUse.subtract(1, ordering: .relaxed)
    }

    private func tryAcquire() -> Bool {
        let capacity = self.capacity.load(ordering: .relaxed)
        let (_, now) = self.inUse.add(1, ordering: .relaxed)
        guard now <= capacity else {
            self.inUse.subtract(1, ordering: .relaxed)
            return false
        }
        return true
    }
}

/// No descriptor was left for a session's socket (``SocketBudget``).
struct SocketBudgetExhausted: Error, CustomStringConvertible {
    var description: String { "no file descriptor left for a session's socket (the limit's reserve is kept)" }
}
