import Foundation
import Logging
import NIOConcurrencyHelpers
import NIOCore
import WSConnectionStateMachine
import WSHealthAlerting

/// The metrics of one target, aggregated over its sessions: sessions record into one shared
/// table of atomic integers, so the cost of a session is not a set of series of its own and
/// `/metrics` stays as large as the number of targets, whatever the number of sessions.
///
/// Recording one event is a few atomic additions under the slots' lock, so a scrape, which
/// reads them under the same lock, never shows half of an event; neither side holds it for
/// longer than that.
final class TargetStatistics: SeriesGroup {
    let target: String
    /// The configured maximum reconnect attempts.
    let maxReconnectAttempts: Int
    let slots: MetricSlots
    /// The target's sample lines, labels escaped once.
    let lines: SeriesLines
    /// Weak: the registry holds the target while it is registered, and a strong reference back
    /// would keep both alive after the agent (or a probe) that made them is gone.
    private weak let registry: MetricsRegistry?
    /// Bookkeeping that is not a series: which attempt each session is at (for the highest),
    /// the rate limits of the event logs, and the session time accounted so far.
    private let counts: NIOLockedValueBox<Counts>
    private let sessionCount: Int
    /// Now, for the session time: NIO's monotonic clock, or a test's.
    private let clock: @Sendable () -> NIODeadline

    private struct Counts {
        var sessionsAtAttempt: [Int] = []
        var logs: [LoggedEvent: RateLimit] = [:]
        var time: SessionTime
    }

    /// The session time and stale session time, accounted up to `accountedUntil`: at each
    /// change of the stale sessions and at each scrape, so the counters are exact at a scrape
    /// without a timer.
    private struct SessionTime {
        var accountedUntil: NIODeadline
        var staleSessions = 0
        var sessionSeconds = 0.0
        var staleSessionSeconds = 0.0
    }

    /// The events of a target's sessions that are logged at most once every 10 seconds.
    enum LoggedEvent: CaseIterable {
        /// A message was refused (invalid JSON, binary, too large).
        case messageRefused
        /// A connection attempt failed.
        case connectionFailed
        /// An open connection ended, other than by the agent's own stop.
        case connectionLost
        /// A session entered `error` (its token refused, its attempts used up).
        case sessionFailed

        var message: Logger.Message {
            switch self {
            case .messageRefused: "message refused"
            case .connectionFailed: "connection attempt failed"
            case .connectionLost: "connection lost"
            case .sessionFailed: "session failed"
            }
        }

        var level: Logger.Level {
            switch self {
            case .messageRefused, .sessionFailed: .warning
            case .connectionFailed, .connectionLost: .info
            }
        }
    }

    private struct RateLimit {
        var suppressed = 0
        var lastLogged: ContinuousClock.Instant?
    }

    /// Registers every series of the target, at zero, for `sessions` sessions under `policy`.
    init(
        target: String,
        sessions: Int,
        policy: ConnectionPolicy,
        registry: MetricsRegistry,
        clock: @escaping @Sendable () -> NIODeadline = { .now() }
    ) {
        self.target = target
        self.sessionCount = sessions
        self.clock = clock
        self.counts = NIOLockedValueBox(Counts(time: SessionTime(accountedUntil: clock())))
        self.maxReconnectAttempts = policy.maxReconnectAttempts
        self.registry = registry
        let slots = MetricSlots(count: Layout.slotCount)
        slots.store(sessions, in: Layout.sessions + Layout.index(of: .disconnected))
        self.slots = slots
        // Every transition the machine can take under this policy exists from the start, at 0.
        var edges: [(from: ConnectionState, to: ConnectionState)] = []
        for edge in StateDiagram(policy: policy).edges
        where !edges.contains(where: { $0.from == edge.transition.from && $0.to == edge.transition.to }) {
            edges.append((edge.transition.from, edge.transition.to))
        }
        self.lines = Self.lines(target: target, transitions: edges, maxReconnectAttempts: policy.maxReconnectAttempts)
        self.counts.withLockedValue { counts in
            counts.sessionsAtAttempt = [Int](repeating: 0, count: policy.maxReconnectAttempts + 1)
            counts.sessionsAtAttempt[0] = sessions
        }
        registry.register(self)
    }

    /// Records what one event of a session did, all at once for a scrape.
    func record<Instant>(_ action: ConnectionStateMachine<Instant>.Action) {
        self.slots.update {
            for transition in action.transitions {
                let from = Layout.index(of: transition.from)
                let to = Layout.index(of: transition.to)
                self.slots.add(1, to: Layout.transition(from: from, to: to))
                if from != to {
                    self.slots.add(-1, to: Layout.sessions + from)
                    self.slots.add(1, to: Layout.sessions + to)
                }
                if transition.trigger == .maxRetriesExceeded { self.slots.add(1, to: Layout.maxRetriesExceeded) }
                if transition.to == .connected { self.slots.add(1, to: Layout.enteredConnected) }
                if transition.to == .error { self.slots.add(1, to: Layout.enteredError) }
            }
            if let reason = action.failure {
                self.slots.add(1, to: Layout.failures + Layout.index(of: reason))
                // The agent's own shortage says nothing of the target's handshakes.
                if !reason.isLocal { self.slots.add(1, to: Layout.failedAttempts) }
            }
            if let cause = action.disconnect { self.slots.add(1, to: Layout.disconnects + Layout.index(of: cause)) }
            switch action.measurement {
            case .none:
                break
            case .handshake(let duration, let reconnect):
                self.slots.add(1, to: Layout.succeededAttempts)
                self.slots.observe(duration, in: Layout.handshake)
                if let reconnect { self.slots.observe(reconnect, in: Layout.reconnect) }
            case .message(let firstAfter, let interval):
                if let firstAfter { self.slots.observe(firstAfter, in: Layout.firstMessage) }
                if let interval { self.slots.observe(interval, in: Layout.messageInterval) }
            }
            if let stale = action.dataStale {
                self.slots.add(stale ? 1 : -1, to: Layout.staleSessions)
                self.accountSessionTime(staleChange: stale ? 1 : -1)
            }
            if let change = action.attemptChange { self.recordAttemptChange(from: change.from, to: change.to) }
        }
    }

    /// A connection attempt started.
    func recordAttempt() { self.slots.add(1, to: Layout.attempts) }

    /// A valid message arrived at `arrival` (Unix time); `produced` is when its data was
    /// produced, if the message says (`expect.timestamp`).
    func recordMessage(at arrival: Double = Date().timeIntervalSince1970, produced: Double? = nil) {
        // Whole microseconds, which a `Double` of today's Unix time holds exactly.
        let arrivalNanoseconds = Int((arrival * 1_000_000).rounded()) * 1000
        self.slots.add(1, to: Layout.messages)
        self.slots.raise(Layout.lastMessage, to: arrivalNanoseconds)
        guard let produced else {
            // Atomics, no lock: a plain target's message costs what it did before timestamps.
            self.slots.raise(Layout.newestData, to: arrivalNanoseconds)
            return
        }
        let age = arrival - produced
        // Under the lock: a scrape never shows the age histogram's bucket without its sum.
        self.slots.update {
            if age < 0 { self.slots.add(1, to: Layout.clockSkew) }
            self.slots.observe(.nanoseconds(Int64(max(0, age) * 1e9)), in: Layout.messageAge)
            self.slots.raise(Layout.newestData, to: Int((min(produced, arrival) * 1_000_000).rounded()) * 1000)
        }
    }

    /// A message was refused.
    func recordMessageError(_ reason: MessageErrorReason) {
        self.slots.add(1, to: Layout.messageErrors + Layout.index(of: reason))
    }

    /// Logs `event` at most once every 10 seconds per target, with the count of those not
    /// logged since, so a backend sending garbage or ten thousand sessions failing together
    /// cannot flood the log.
    func logRateLimited(_ event: LoggedEvent, metadata: Logger.Metadata, logger: Logger) {
        let now = ContinuousClock.Instant.now
        let suppressed: Int? = self.counts.withLockedValue { counts in
            var limit = counts.logs[event, default: RateLimit()]
            defer { counts.logs[event] = limit }
            if let last = limit.lastLogged, last.duration(to: now) < .seconds(10) {
                limit.suppressed += 1
                return nil
            }
            limit.lastLogged = now
            defer { limit.suppressed = 0 }
            return limit.suppressed
        }
        guard let suppressed else { return }
        var metadata = metadata
        metadata["suppressed_since_last_log"] = "\(suppressed)"
        logger.log(level: event.level, event.message, metadata: metadata)
    }

    /// Sets `wshealth_alerts_firing` of every built-in rule: 1 for the rules in `firing`, 0
    /// for the others. Only a change is stored, so an evaluation that changes nothing leaves
    /// the target as the last scrape saw it.
    func recordFiring(_ firing: Set<AlertRule>) {
        for (index, rule) in AlertRule.allCases.enumerated() {
            let value = firing.contains(rule) ? 1 : 0
            if self.slots.load(Layout.alertsFiring + index) != value {
                self.slots.store(value, in: Layout.alertsFiring + index)
            }
        }
    }

    /// Brings the time-based series up to now, the session time and the data's age: a scrape
    /// calls it before it reads them.
    func prepareScrape(now: Double = Date().timeIntervalSince1970) {
        self.slots.update {
            self.accountSessionTime(staleChange: 0)
            let newest = self.slots.load(Layout.newestData)
            let age = newest > 0 ? max(0, now - Double(newest) / 1e9) : .nan
            if self.slots.load(Layout.dataAge) != Int(bitPattern: UInt(age.bitPattern)) {
                self.slots.store(age, in: Layout.dataAge)
            }
        }
    }

    /// Accounts the time since the last account at the stale sessions until now, then applies
    /// `staleChange`. Call within `slots.update`.
    private func accountSessionTime(staleChange: Int) {
        let now = self.clock()
        self.counts.withLockedValue { counts in
            let elapsed = Double(max(0, (now - counts.time.accountedUntil).nanoseconds)) / 1e9
            counts.time.accountedUntil = now
            counts.time.sessionSeconds += Double(self.sessionCount) * elapsed
            counts.time.staleSessionSeconds += Double(counts.time.staleSessions) * elapsed
            counts.time.staleSessions += staleChange
            // Stored under the lock, so the slots follow the order of the accounts.
            if elapsed > 0 {
                self.slots.store(counts.time.sessionSeconds, in: Layout.sessionSeconds)
                self.slots.store(counts.time.staleSessionSeconds, in: Layout.staleSessionSeconds)
            }
        }
    }

    /// Removes every series of the target (target removed or restarted by a reload).
    func unregister() { self.registry?.unregister(self) }

    private func recordAttemptChange(from: Int, to: Int) {
        self.counts.withLockedValue { counts in
            let top = counts.sessionsAtAttempt.count - 1
            counts.sessionsAtAttempt[min(from, top)] -= 1
            counts.sessionsAtAttempt[min(to, top)] += 1
            // Stored under the lock, so the slot follows the order of the changes.
            self.slots.store(counts.sessionsAtAttempt.lastIndex { $0 > 0 } ?? 0, in: Layout.reconnectAttempt)
        }
    }
}
