import Foundation
import NIOCore
import WSConnectionStateMachine
import WSHealthAlerting
import WSHealthConfig

extension TargetMonitor {
    /// What the alert rules see of this target now.
    ///
    /// The counts come from the target's aggregated metric slots, so a healthy target costs a
    /// few atomic loads whatever its number of sessions. Only when some session is not in
    /// `receiving_data` are sessions asked for their snapshots, for what the slots do not hold:
    /// why sessions are in `error` (all of them, only while some are), and the last failure
    /// reason, for the descriptions.
    func observation(now: Date) async -> TargetObservation {
        typealias Layout = TargetStatistics.Layout
        let slots = self.statistics.slots
        func sessions(_ state: ConnectionState) -> Int { slots.load(Layout.sessions + Layout.index(of: state)) }
        // The target's doing only: not a stop on purpose, nor the agent's own buffer limit.
        let involuntary = DisconnectCause.allCases.filter { $0 != .userAction && $0 != .resourceExhausted }.reduce(0) {
            $0 + slots.load(Layout.disconnects + Layout.index(of: $1))
        }
        let exhaustedAttempts = slots.load(
            Layout.failures + Layout.index(of: ConnectionFailureReason.resourceExhausted)
        )
        let exhaustedConnections = slots.load(Layout.disconnects + Layout.index(of: DisconnectCause.resourceExhausted))
        var observation = TargetObservation(
            target: self.configuration.name,
            url: Redaction.url(self.configuration.url),
            sessions: self.sessions.count,
            maxReconnectAttempts: self.statistics.maxReconnectAttempts,
            staleSessions: slots.load(Layout.staleSessions),
            receivingDataSessions: sessions(.receivingData),
            highestReconnectAttempt: slots.load(Layout.reconnectAttempt),
            counters: TargetCounters(
                disconnects: involuntary,
                enteredConnected: slots.load(Layout.enteredConnected),
                enteredError: slots.load(Layout.enteredError),
                attempts: slots.load(Layout.attempts),
                failedAttempts: slots.load(Layout.failedAttempts),
                resourceExhaustions: exhaustedAttempts + exhaustedConnections
            )
        )
        let lastMessage = slots.load(Layout.lastMessage)
        if observation.staleSessions > 0, lastMessage > 0 {
            let silence = now.timeIntervalSince1970 - Double(lastMessage) / 1e9
            observation.longestSilence = .milliseconds(Int64(max(0, silence) * 1000))
        }
        guard observation.receivingDataSessions < observation.sessions else { return observation }
        guard sessions(.error) > 0 else {
            // Reconnecting or connecting, none in `error`: the first session tells the reason,
            // one snapshot rather than thousands in a reconnect storm.
            let first = try? await self.sessions.first?.snapshot().get()
            observation.lastFailureReason = first?.lastFailure?.rawValue
            return observation
        }
        let snapshots = await self.snapshots()
        observation.authFailedSessions = snapshots.count { $0.state == .error && $0.errorReason == .authFailed }
        observation.maxRetriesExceededSessions = snapshots.count {
            $0.state == .error && $0.errorReason == .maxRetriesExceeded
        }
        observation.lastFailureReason = snapshots.compactMap(\.lastFailure).first?.rawValue
        return observation
    }

    /// Whether the target's sessions have had as many connection outcomes (a handshake that
    /// succeeded, or a failure) as there are sessions: each has shown where it stands.
    var hasFinishedFirstAttempts: Bool {
        typealias Layout = TargetStatistics.Layout
        let slots = self.statistics.slots
        let failures = ConnectionFailureReason.allCases.reduce(0) {
            $0 + slots.load(Layout.failures + Layout.index(of: $1))
        }
        return slots.load(Layout.enteredConnected) + failures >= self.sessions.count
    }

    /// Whether every session that is connected but has no message yet has been marked stale:
    /// a connected session's data state (fresh or stale) is known only once its first message
    /// or its stale timer came, and under load that timer can be late. Counted from the
    /// target's gauges, so with several sessions a stale one in `receiving_data` can stand in
    /// for one in `connected`; the start-up wait of `stale_after` covers that case.
    var hasShownDataState: Bool {
        typealias Layout = TargetStatistics.Layout
        let slots = self.statistics.slots
        return slots.load(Layout.sessions + Layout.index(of: ConnectionState.connected))
            <= slots.load(Layout.staleSessions)
    }
}
