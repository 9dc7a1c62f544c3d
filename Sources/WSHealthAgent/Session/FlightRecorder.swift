import Foundation
import WSConnectionStateMachine

/// A session's last events, oldest overwritten first: what an operator reads after a page
/// to see what happened, in order.
///
/// The storage grows with use up to ``capacity``, so a session that connected once and
/// streams holds a handful of events, and one that flaps holds at most `capacity`. A detail
/// equal to the previous one shares its storage: a refusal repeated 64 times costs one string.
struct FlightRecorder: Sendable {
    /// The most events a session keeps.
    static let capacity = 64

    private var ring: [SessionEvent] = []
    /// Where the next event goes once the ring is full.
    private var next = 0
    /// The latest detail stored, to share with an equal one.
    private var lastDetail: String?

    /// What the session knew of the event beyond the machine's action.
    struct Context {
        /// The failure's sentence, for an event that ended an attempt.
        var failureDetail: String?
        /// The HTTP status of a refused upgrade.
        var httpStatus: Int?
        /// The close code of a server's close, or of the agent's failing of the connection.
        var closeCode: UInt16?
        /// The server's close reason.
        var closeReason: String?
    }

    /// The events, newest first.
    var newestFirst: [SessionEvent] {
        guard self.ring.count == Self.capacity else { return self.ring.reversed() }
        return Array((self.ring[..<self.next]).reversed()) + Array(self.ring[self.next...].reversed())
    }

    /// Records what `action` changed: each transition to another state, then a change of the
    /// data's staleness; `recorded` sees each event recorded.
    mutating func record(
        _ action: ConnectionStateMachine<MonotonicInstant>.Action,
        at now: MonotonicInstant,
        attempt: Int,
        context: Context,
        recorded: (SessionEvent) -> Void = { _ in }
    ) {
        let changes = action.transitions.filter { $0.from != $0.to }
        guard !changes.isEmpty || action.dataStale != nil else { return }
        let wall = Date()
        let attempt = UInt16(clamping: attempt)
        for transition in changes {
            var event = SessionEvent(
                kind: .transition,
                monotonicNanoseconds: now.nanoseconds,
                at: wall,
                transition: transition,
                attempt: attempt
            )
            self.describe(&event, action: action, at: now, context: context)
            self.append(event)
            recorded(event)
        }
        if let stale = action.dataStale {
            let event = SessionEvent(
                kind: stale ? .staleMarked : .staleCleared,
                monotonicNanoseconds: now.nanoseconds,
                at: wall,
                attempt: attempt
            )
            self.append(event)
            recorded(event)
        }
    }

    /// Fills in the cause and the measurement the transition carries.
    private mutating func describe(
        _ event: inout SessionEvent,
        action: ConnectionStateMachine<MonotonicInstant>.Action,
        at now: MonotonicInstant,
        context: Context
    ) {
        guard let transition = event.transition else { return }
        if transition.from == .connecting, let failure = action.failure {
            event.failure = failure
            event.httpStatus = context.httpStatus.map { UInt16(clamping: $0) }
            event.detail = context.failureDetail.map {
                self.shared(SessionEvent.sanitized($0, limit: SessionEvent.maxDetailBytes))
            }
        }
        if transition.from == .connected || transition.from == .receivingData, let cause = action.disconnect {
            event.disconnect = cause
            event.closeCode = context.closeCode
            if let reason = context.closeReason, !reason.isEmpty {
                event.detail = self.shared(SessionEvent.sanitized(reason, limit: SessionEvent.maxCloseReasonBytes))
            } else if let detail = context.failureDetail {
                event.detail = self.shared(SessionEvent.sanitized(detail, limit: SessionEvent.maxDetailBytes))
            }
        }
        switch (transition.trigger, action.measurement) {
        case (.handshakeSucceeded, .handshake(let handshake, let reconnect)):
            event.durationNanoseconds = handshake.nanoseconds
            event.reconnectNanoseconds = reconnect?.nanoseconds ?? -1
        case (.firstMessage, .message(let firstAfter?, _)):
            event.durationNanoseconds = firstAfter.nanoseconds
        default:
            break
        }
        if transition.to == .reconnecting, case .arm(let deadline) = action.timer {
            event.durationNanoseconds = max(0, deadline.nanoseconds - now.nanoseconds)
        }
    }

    /// `detail`, or the equal string already stored.
    private mutating func shared(_ detail: String) -> String {
        if let last = self.lastDetail, last == detail { return last }
        self.lastDetail = detail
        return detail
    }

    private mutating func append(_ event: SessionEvent) {
        if self.ring.count < Self.capacity {
            // A session that connects and streams records 3 events: one allocation for 4, not
            // the growth through 1 and 2 that leaves freed blocks behind at 10,000 sessions.
            if self.ring.isEmpty { self.ring.reserveCapacity(4) }
            self.ring.append(event)
        } else {
            self.ring[self.next] = event
            self.next = (self.next + 1) % Self.capacity
        }
    }
}
