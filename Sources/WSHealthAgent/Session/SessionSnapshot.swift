import WSConnectionStateMachine

/// What a session looks like at one moment, for pages and APIs.
struct SessionSnapshot: Sendable {
    var index: Int
    var state: ConnectionState
    var reconnectAttempt: Int
    var isDataStale: Bool
    var errorReason: ConnectionErrorReason?
    var lastFailure: ConnectionFailureReason?
    var lastDisconnect: DisconnectCause?
}

/// Why a message was counted as an error.
enum MessageErrorReason: String, CaseIterable, Sendable {
    /// Not JSON, with `expect.json` on.
    case invalidJSON = "invalid_json"
    /// Over `max_message_bytes`: the connection is closed with 1009.
    case tooLarge = "too_large"
    /// A binary message; the dashboard only reads text.
    case unexpectedBinary = "unexpected_binary"
}
