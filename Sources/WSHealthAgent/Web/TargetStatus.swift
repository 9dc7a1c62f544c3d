import Foundation
import WSConnectionStateMachine
import WSHealthConfig

/// One target at one moment: what `/api/v1/targets` lists and the status page shows as a row.
struct TargetStatus: Sendable {
    /// The configured name.
    var name: String
    /// The URL with its token and password masked.
    var url: String
    /// `reconnect.max_attempts`: the "10" of "(attempt 3/10)".
    var maxReconnectAttempts: Int
    /// Every session, in index order.
    var sessions: [SessionSnapshot]

    /// How many sessions are in each state; every state is present.
    var sessionsByState: [ConnectionState: Int] {
        var counts = Dictionary(uniqueKeysWithValues: ConnectionState.allCases.map { ($0, 0) })
        for session in self.sessions { counts[session.state, default: 0] += 1 }
        return counts
    }

    /// The most recent valid message of any session.
    var lastMessageAt: Date? { self.sessions.compactMap(\.lastMessageAt).max() }

    /// The newest data of any session, by the messages' timestamps; nil without them.
    var newestDataAt: Date? { self.sessions.compactMap(\.newestDataAt).max() }

    /// How many sessions have stale data.
    var staleSessions: Int { self.sessions.count { $0.isDataStale } }

    /// The session the row's badge stands for: the most alarming state, then the highest attempt.
    var headline: SessionSnapshot? {
        self.sessions.min { a, b in
            let (rankA, rankB) = (Self.rank(a.state), Self.rank(b.state))
            return rankA != rankB ? rankA < rankB : a.reconnectAttempt > b.reconnectAttempt
        }
    }

    /// The badge of one of this target's sessions.
    func badge(_ session: SessionSnapshot) -> StatusBadge {
        StatusBadge(state: session.state, attempt: session.reconnectAttempt, maxAttempts: self.maxReconnectAttempts)
    }

    private static func rank(_ state: ConnectionState) -> Int {
        StatusBadge.severity.firstIndex(of: state) ?? StatusBadge.severity.count
    }
}

extension TargetStatus {
    /// Takes a snapshot of every session of `target`.
    init(of target: TargetMonitor) async {
        self.init(
            name: target.configuration.name,
            url: Redaction.url(target.configuration.url),
            maxReconnectAttempts: target.configuration.reconnect.maxAttempts,
            sessions: await target.snapshots()
        )
    }
}
