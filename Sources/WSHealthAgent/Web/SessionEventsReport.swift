import Foundation
import WSConnectionStateMachine

/// What `GET /api/v1/targets/{name}/sessions/{index}/events` answers: one session's flight
/// recorder, newest first.
///
/// Key names are part of the API (the README lists them): snake_case, every key always present,
/// `null` where there is no value, times in RFC 3339 UTC, durations in seconds.
struct SessionEventsReport: Encodable {
    var generatedAt: Date
    var target: String
    var session: Int
    var events: [SessionEvent]

    private enum CodingKeys: String, CodingKey {
        case generatedAt = "generated_at"
        case target, session, capacity, events
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(StatusReport.rfc3339(self.generatedAt), forKey: .generatedAt)
        try container.encode(self.target, forKey: .target)
        try container.encode(self.session, forKey: .session)
        try container.encode(FlightRecorder.capacity, forKey: .capacity)
        try container.encode(self.events, forKey: .events)
    }
}

extension SessionEvent: Encodable {
    private enum CodingKeys: String, CodingKey {
        case at, kind, from, to, event, reason, detail, attempt
        case monotonicSeconds = "monotonic_seconds"
        case httpStatus = "http_status"
        case closeCode = "close_code"
        case handshakeSeconds = "handshake_seconds"
        case reconnectSeconds = "reconnect_seconds"
        case firstMessageSeconds = "first_message_seconds"
        case backoffSeconds = "backoff_seconds"
    }

    /// Encodes the event; optional values become `null`, never a missing key.
    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(StatusReport.rfc3339(self.at), forKey: .at)
        try container.encode(Double(self.monotonicNanoseconds) / 1e9, forKey: .monotonicSeconds)
        try container.encode(self.kind.rawValue, forKey: .kind)
        try container.encode(self.transition?.from.rawValue, forKey: .from)
        try container.encode(self.transition?.to.rawValue, forKey: .to)
        try container.encode(self.transition.map { Self.snakeCase($0.trigger.rawValue) }, forKey: .event)
        try container.encode(self.failure?.rawValue ?? self.disconnect?.rawValue, forKey: .reason)
        try container.encode(self.httpStatus, forKey: .httpStatus)
        try container.encode(self.closeCode, forKey: .closeCode)
        try container.encode(self.detail, forKey: .detail)
        try container.encode(self.attempt, forKey: .attempt)
        let trigger = self.transition?.trigger
        let measured = self.durationNanoseconds >= 0 ? Double(self.durationNanoseconds) / 1e9 : nil
        try container.encode(trigger == .handshakeSucceeded ? measured : nil, forKey: .handshakeSeconds)
        let reconnect = self.reconnectNanoseconds >= 0 ? Double(self.reconnectNanoseconds) / 1e9 : nil
        try container.encode(reconnect, forKey: .reconnectSeconds)
        try container.encode(trigger == .firstMessage ? measured : nil, forKey: .firstMessageSeconds)
        try container.encode(self.transition?.to == .reconnecting ? measured : nil, forKey: .backoffSeconds)
    }

    /// `handshakeSucceeded` → `handshake_succeeded`.
    private static func snakeCase(_ name: String) -> String {
        var result = ""
        for character in name {
            if character.isUppercase {
                result += "_" + character.lowercased()
            } else {
                result.append(character)
            }
        }
        return result
    }
}
