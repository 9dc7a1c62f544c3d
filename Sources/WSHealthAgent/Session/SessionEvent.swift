import Foundation
import WSConnectionStateMachine

/// One entry of a session's flight recorder: a change of state, or of the data's staleness,
/// with what caused it.
///
/// Kept small and flat (about 64 bytes): a session holds up to ``FlightRecorder/capacity`` of
/// them for its whole life.
struct SessionEvent: Sendable {
    /// What happened.
    enum Kind: String, Sendable {
        /// The state changed (`from` → `to`).
        case transition
        /// No valid message for `stale_after`: the data went stale.
        case staleMarked = "stale_marked"
        /// A valid message arrived (or the session stopped): the data is fresh again.
        case staleCleared = "stale_cleared"
    }

    var kind: Kind
    /// The agent's monotonic clock, in nanoseconds: orders events exactly, whatever the wall
    /// clock does.
    var monotonicNanoseconds: Int64
    /// The wall-clock time, for people.
    var at: Date
    /// The state change, for a ``Kind/transition``.
    var transition: Transition?
    /// Why the connection attempt failed, on the transition out of `connecting` it caused.
    var failure: ConnectionFailureReason?
    /// Why the open connection ended, on the transition out of it.
    var disconnect: DisconnectCause?
    /// The HTTP status of a refused upgrade.
    var httpStatus: UInt16?
    /// The close code: the server's, or the one the agent failed the connection with.
    var closeCode: UInt16?
    /// The reconnect attempt after the event (the badge's "attempt 3/10").
    var attempt: UInt16
    /// The duration the event measured, in nanoseconds: the handshake's on `handshakeSucceeded`,
    /// the wait for the first message on `firstMessage`, the backoff delay chosen on entering
    /// `reconnecting`; -1 when none.
    var durationNanoseconds: Int64 = -1
    /// On a handshake that recovered from an involuntary loss: the time since that loss.
    var reconnectNanoseconds: Int64 = -1
    /// What the client saw, escaped and truncated: the failure's sentence or the server's close
    /// reason. Never a token, never a message's payload.
    var detail: String?
}

extension SessionEvent {
    /// The most bytes of the server's close reason an event keeps.
    static let maxCloseReasonBytes = 64
    /// The most bytes of a failure's sentence an event keeps.
    static let maxDetailBytes = 160

    /// `text` with control and other invisible characters escaped as `\u{…}`, cut at a
    /// character boundary to at most `limit` bytes of UTF-8 (with `…` when cut): safe to show
    /// and to log, and bounded whatever the server sent.
    static func sanitized(_ text: some StringProtocol, limit: Int) -> String {
        var result = ""
        for scalar in text.unicodeScalars {
            let piece: String
            switch scalar.properties.generalCategory {
            case .control, .format, .lineSeparator, .paragraphSeparator, .surrogate, .privateUse, .unassigned:
                piece = "\\u{\(String(scalar.value, radix: 16))}"
            default:
                piece = String(scalar)
            }
            guard result.utf8.count + piece.utf8.count <= limit else {
                return result + "…"
            }
            result += piece
        }
        return result
    }
}
