import WSConnectionStateMachine

/// How a probe ended, in the agent's own terms, with the exit code scripts test.
public enum ProbeVerdict: String, CaseIterable, Sendable {
    /// Connected, and a valid data message arrived.
    case ok
    // The reasons of a failed attempt, named as `ConnectionFailureReason` names them.
    case authFailed = "auth_failed"
    case refused
    case timeout
    case dnsFailure = "dns_failure"
    case tlsFailure = "tls_failure"
    case httpError = "http_error"
    case networkError = "network_error"
    case protocolError = "protocol_error"
    /// The server closed the connection after the upgrade, before the probe was done.
    case serverClosed = "server_closed"
    /// Connected, but no message arrived within the probe's duration (or `stale_after`).
    case noData = "no_data"
    /// Messages arrived, none of them valid data.
    case invalidData = "invalid_data"
    /// The upgrade succeeded, but the conversation's opening (`on_open` with `await`) did not.
    case conversationFailed = "conversation_failed"
    /// The probe itself had no file descriptor (or socket memory) for the connection, or no
    /// room to buffer a message.
    case resourceExhausted = "resource_exhausted"

    /// The process's exit code: 0 for `ok`, 10 and up for the others (64 is a usage error).
    public var exitCode: Int32 {
        Int32(Self.allCases.firstIndex(of: self)!) + (self == .ok ? 0 : 9)
    }

    /// The verdict of a failed connection attempt: the reason, under its own name.
    init(_ failure: ConnectionFailureReason) {
        self = Self(rawValue: failure.rawValue) ?? .networkError
    }

    /// The verdict of an open connection that ended.
    init(_ cause: DisconnectCause) {
        switch cause {
        case .authFailed: self = .authFailed
        case .serverClosed, .userAction: self = .serverClosed
        case .networkError: self = .networkError
        case .protocolError: self = .protocolError
        case .stale: self = .noData
        case .resourceExhausted: self = .resourceExhausted
        }
    }
}
