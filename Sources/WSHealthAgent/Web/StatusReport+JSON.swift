import Foundation
import WSConnectionStateMachine

// The JSON of `GET /api/v1/targets`. Key names are part of the API (the README lists them):
// snake_case, every key always present, `null` where there is no value, times in RFC 3339 UTC.

extension StatusReport: Encodable {
    private enum CodingKeys: String, CodingKey {
        case generatedAt = "generated_at"
        case targets
    }

    /// Encodes the report.
    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(Self.rfc3339(self.generatedAt), forKey: .generatedAt)
        try container.encode(self.targets, forKey: .targets)
    }

    /// `2025-01-02T03:04:05.678Z`.
    static func rfc3339(_ date: Date) -> String {
        date.formatted(Date.ISO8601FormatStyle(includingFractionalSeconds: true))
    }
}

extension TargetStatus: Encodable {
    private enum CodingKeys: String, CodingKey {
        case name, url, sessions
        case sessionsByState = "sessions_by_state"
        case maxReconnectAttempts = "max_reconnect_attempts"
        case lastMessageAt = "last_message_at"
        case dataAt = "data_at"
        case staleSessions = "stale_sessions"
    }

    /// Encodes the target with its sessions.
    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(self.name, forKey: .name)
        try container.encode(self.url, forKey: .url)
        let counts = Dictionary(uniqueKeysWithValues: self.sessionsByState.map { ($0.key.rawValue, $0.value) })
        try container.encode(counts, forKey: .sessionsByState)
        try container.encode(self.maxReconnectAttempts, forKey: .maxReconnectAttempts)
        try container.encode(self.lastMessageAt.map(StatusReport.rfc3339), forKey: .lastMessageAt)
        try container.encode(self.newestDataAt.map(StatusReport.rfc3339), forKey: .dataAt)
        try container.encode(self.staleSessions, forKey: .staleSessions)
        try container.encode(self.sessions, forKey: .sessions)
    }
}

extension SessionSnapshot: Encodable {
    private enum CodingKeys: String, CodingKey {
        case index, state
        case reconnectAttempt = "reconnect_attempt"
        case errorReason = "error_reason"
        case errorMessage = "error_message"
        case lastFailureReason = "last_failure_reason"
        case lastFailureDetail = "last_failure_detail"
        case lastDisconnectCause = "last_disconnect_cause"
        case lastMessageAt = "last_message_at"
        case dataAt = "data_at"
        case dataStale = "data_stale"
        case extensions, subprotocol
    }

    /// Encodes the session; optional values become `null`, never a missing key.
    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(self.index, forKey: .index)
        try container.encode(self.state.rawValue, forKey: .state)
        try container.encode(self.reconnectAttempt, forKey: .reconnectAttempt)
        try container.encode(self.errorReason?.rawValue, forKey: .errorReason)
        try container.encode(self.errorReason?.message, forKey: .errorMessage)
        try container.encode(self.lastFailure?.rawValue, forKey: .lastFailureReason)
        try container.encode(self.lastFailureDetail, forKey: .lastFailureDetail)
        try container.encode(self.lastDisconnect?.rawValue, forKey: .lastDisconnectCause)
        try container.encode(self.lastMessageAt.map(StatusReport.rfc3339), forKey: .lastMessageAt)
        try container.encode(self.newestDataAt.map(StatusReport.rfc3339), forKey: .dataAt)
        try container.encode(self.isDataStale, forKey: .dataStale)
        try container.encode(self.extensions, forKey: .extensions)
        try container.encode(self.subprotocol, forKey: .subprotocol)
    }
}
