/// Why an open connection (`connected` or `receiving_data`) ended: the spec's
/// "disconnection causes (network vs. auth vs. user action)", made precise.
///
/// The raw values are the `cause` label values of `wshealth_disconnects_total`.
public enum DisconnectCause: String, CaseIterable, Hashable, Sendable {
    /// The connection broke without a close frame, or a ping went unanswered.
    case networkError = "network_error"
    /// The server sent a close frame with a code other than 1008.
    case serverClosed = "server_closed"
    /// The server closed with 1008 (policy violation): the token was refused after the upgrade.
    case authFailed = "auth_failed"
    /// No message for `stale_after`, with the policy set to reconnect on stale data.
    case stale
    /// A frame broke the WebSocket protocol or exceeded the message size limit.
    case protocolError = "protocol_error"
    /// The session was stopped on purpose: agent shutdown, config reload, target removed.
    /// The spec's "user navigates away" and "user logs out".
    case userAction = "user_action"
    /// The client had no room left to buffer the server's message (a limit of its own across
    /// connections, not the server's fault) and closed with 1009.
    case resourceExhausted = "resource_exhausted"
}

/// How an open connection ended, as the client observed it.
public enum ConnectionLoss: Hashable, Sendable {
    /// The server sent a close frame; `code` is nil when the frame carried no status code.
    case serverClosed(code: UInt16?)
    /// The connection broke without a close frame (reset, EOF, read error).
    case networkError
    /// The server violated the WebSocket protocol or sent a message over the size limit.
    case protocolError
    /// The client had no room to buffer a message and closed the connection.
    case resourceExhausted

    /// The policy-violation close code the spec's backend sends for an invalid JWT.
    public static let policyViolationCode: UInt16 = 1008

    /// The cause this loss is counted under.
    public var cause: DisconnectCause {
        switch self {
        case .serverClosed(let code) where code == Self.policyViolationCode: .authFailed
        case .serverClosed: .serverClosed
        case .networkError: .networkError
        case .protocolError: .protocolError
        case .resourceExhausted: .resourceExhausted
        }
    }
}

/// Why a session is in the `error` state.
public enum ConnectionErrorReason: String, Hashable, Sendable {
    /// The server refused the token: HTTP 401/403 on the upgrade, or close code 1008.
    case authFailed = "auth_failed"
    /// The reconnect attempts ran out ("Max reconnection attempts exceeded").
    case maxRetriesExceeded = "max_retries_exceeded"

    /// The message the dashboard would show.
    public var message: String {
        switch self {
        case .authFailed: "Authentication failed"
        case .maxRetriesExceeded: "Max reconnection attempts exceeded"
        }
    }
}
