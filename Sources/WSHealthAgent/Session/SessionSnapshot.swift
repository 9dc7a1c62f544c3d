import Foundation
import WSConnectionStateMachine

/// What a session looks like at one moment, for pages and APIs.
struct SessionSnapshot: Sendable {
    /// The session's number within its target.
    var index: Int
    /// The spec state.
    var state: ConnectionState
    /// The consecutive reconnect attempt: the badge's "(attempt 3/10)".
    var reconnectAttempt: Int
    /// Connected, but no valid message for `stale_after`.
    var isDataStale: Bool
    /// Why the session is in `error`, if it is.
    var errorReason: ConnectionErrorReason?
    /// Why the most recent failed connection attempt failed.
    var lastFailure: ConnectionFailureReason?
    /// What the client saw of that failure (`HTTP 403 Forbidden`, a socket error); nil for a
    /// handshake timeout. It comes from the network: escape it wherever it is shown.
    var lastFailureDetail: String?
    /// Why the most recent open connection ended.
    var lastDisconnect: DisconnectCause?
    /// The wall-clock time of the last valid message, kept across reconnects: "Last updated".
    var lastMessageAt: Date?
    /// When the newest data was produced, by the messages' timestamps (`expect.timestamp`);
    /// nil without them. "Last updated" when set.
    var newestDataAt: Date? = nil
    /// The extensions the server agreed to on the latest connection, as an answer spells them
    /// (`permessage-deflate`); nil when it agreed none, or before the first upgrade.
    var extensions: String? = nil
    /// The subprotocol the server chose on the latest connection; nil when none was offered,
    /// or before the first upgrade.
    var subprotocol: String? = nil
}

/// Why a message was counted as an error.
enum MessageErrorReason: String, CaseIterable, Sendable {
    /// Not JSON, with `expect.json` on.
    case invalidJSON = "invalid_json"
    /// Over `max_message_bytes`: the connection is closed with 1009.
    case tooLarge = "too_large"
    /// A binary message; the dashboard only reads text.
    case unexpectedBinary = "unexpected_binary"
    /// No readable timestamp where `expect.timestamp` says: not data.
    case invalidTimestamp = "invalid_timestamp"
    /// A message that fails one of `expect.assertions`: not data.
    case assertionFailed = "assertion_failed"
}
