import Foundation
import NIOCore
import NIOEmbedded
import Testing
import WSConnectionStateMachine
import WSHealthConfig

@testable import WSHealthAgent

/// A session's flight recorder, on an embedded loop: every kind of event recorded with its cause,
/// read back newest first, bounded at 64, and nothing but the close reason's first 64 bytes kept
/// of what the server sent.
struct FlightRecorderTests {

    static func rows(_ events: [SessionEvent]) -> [String] {
        events.reversed().map { event in
            guard let transition = event.transition else { return event.kind.rawValue }
            return "\(transition.from.rawValue)→\(transition.to.rawValue) \(transition.trigger.rawValue)"
        }
    }

    static func events(_ session: EmbeddedSession) throws -> [SessionEvent] {
        let future = session.session.events()
        session.loop.run()
        return try future.wait()
    }

    /// A session through every kind of event: connect, handshake timeout with its backoff, the
    /// retry, the handshake and first message with their durations, stale and fresh data, a server
    /// close with code and reason, a refused upgrade with its HTTP status, the operator's Retry, a
    /// protocol violation, and the stop.
    @Test func everyKindOfEventInOrder() throws {
        let session = try EmbeddedSession()
        session.start()
        session.advance(by: .seconds(10))  // no upgrade: timeout, backoff 1 s
        session.advance(by: .seconds(1))  // the retry
        session.advance(by: .milliseconds(250))
        try session.upgrade()
        session.advance(by: .milliseconds(40))
        try session.receive(SessionEmbeddedTests.message)
        session.advance(by: .seconds(15))  // stale
        try session.receive(SessionEmbeddedTests.message)  // fresh
        let reason = "backend\nrestarting " + String(repeating: "x", count: 80)
        try session.receive([0x88, UInt8(2 + reason.utf8.count), 0x03, 0xF3] + Array(reason.utf8))  // 1011
        try session.serverCloses()
        session.advance(by: .seconds(1))
        session.session.connectionFailed(
            session.connections.last!.id,
            .authFailed,
            detail: "HTTP 403 Forbidden",
            httpStatus: 403
        )
        session.loop.run()
        _ = session.session.retry()
        session.loop.run()
        try session.upgrade()
        try session.receive([0x81, 0x02, 0xC0, 0x80])  // not UTF-8: failed with 1007
        session.advance(by: .seconds(1))
        _ = session.session.stop()
        session.loop.run()

        let events = try Self.events(session)
        #expect(
            Self.rows(events) == [
                "disconnected→connecting connect",
                "connecting→disconnected handshakeTimedOut",
                "disconnected→reconnecting autoReconnect",
                "reconnecting→connecting retryAttempt",
                "connecting→connected handshakeSucceeded",
                "connected→receiving_data firstMessage",
                "stale_marked",
                "stale_cleared",
                "receiving_data→disconnected connectionClosed",
                "disconnected→reconnecting autoReconnect",
                "reconnecting→connecting retryAttempt",
                "connecting→error authenticationFailed",
                "error→disconnected retryRequested",
                "disconnected→connecting connect",
                "connecting→connected handshakeSucceeded",
                "connected→disconnected connectionClosed",
                "disconnected→reconnecting autoReconnect",
                "reconnecting→connecting retryAttempt",
                "connecting→disconnected stopped",
            ]
        )
        let oldestFirst = Array(events.reversed())
        #expect(
            zip(oldestFirst, oldestFirst.dropFirst()).allSatisfy { $0.monotonicNanoseconds <= $1.monotonicNanoseconds }
        )
        let timeout = oldestFirst[1]
        #expect(timeout.failure == .timeout)
        #expect(timeout.detail == "no WebSocket upgrade from 127.0.0.1:8000 within 10s")
        #expect(oldestFirst[2].durationNanoseconds == 1_000_000_000, "the backoff chosen")
        #expect(oldestFirst[2].attempt == 1)
        let handshake = oldestFirst[4]
        #expect(handshake.durationNanoseconds == 250_000_000)
        #expect(handshake.reconnectNanoseconds == -1, "no lost connection to recover from")
        #expect(oldestFirst[5].durationNanoseconds == 40_000_000, "first message after 40 ms")
        let close = oldestFirst[8]
        #expect(close.disconnect == .serverClosed)
        #expect(close.closeCode == 1011)
        #expect(
            close.detail == "backend\\u{a}restarting " + String(repeating: "x", count: 41) + "…",
            "64 bytes and a mark"
        )
        let refused = oldestFirst[11]
        #expect(refused.failure == .authFailed)
        #expect(refused.httpStatus == 403)
        #expect(refused.detail == "HTTP 403 Forbidden")
        #expect(oldestFirst[12].attempt == 0, "Retry starts the attempts again")
        let violation = oldestFirst[15]
        #expect(violation.disconnect == .protocolError)
        #expect(violation.closeCode == 1007)
        #expect(violation.detail == "closed with 1007: text that is not valid UTF-8")
        #expect(oldestFirst.allSatisfy { $0.kind != .transition || $0.transition?.from != $0.transition?.to })
    }

    /// The conversation's losses, which the agent decides, carry its own sentence: an opening
    /// not answered fails the attempt, a heartbeat not answered ends the connection.
    @Test func conversationLossesCarryTheAgentsSentence() throws {
        let session = try EmbeddedSession(
            conversation: ConversationConfiguration(
                onOpen: [.init(send: "hello", reply: .init(match: .prefix("welcome"), timeout: .seconds(2)))],
                heartbeat: .init(
                    interval: .seconds(10),
                    send: "ping",
                    expectReply: .init(match: .prefix("pong"), timeout: .seconds(2))
                )
            )
        )
        session.start()
        try session.upgrade()
        session.advance(by: .seconds(2))  // no welcome
        session.advance(by: .seconds(1))  // the backoff
        try session.upgrade()
        try session.receive(SessionEmbeddedTests.text("welcome"))
        try session.receive(SessionEmbeddedTests.message)
        session.advance(by: .seconds(12))  // a heartbeat, and no pong

        let oldestFirst = Array(try Self.events(session).reversed())
        #expect(
            Self.rows(oldestFirst.reversed()) == [
                "disconnected→connecting connect",
                "connecting→disconnected connectionFailed",
                "disconnected→reconnecting autoReconnect",
                "reconnecting→connecting retryAttempt",
                "connecting→connected handshakeSucceeded",
                "connected→receiving_data firstMessage",
                "receiving_data→disconnected connectionClosed",
                "disconnected→reconnecting autoReconnect",
            ]
        )
        #expect(oldestFirst[1].failure == .conversationFailed)
        #expect(oldestFirst[1].detail == "no reply to on_open step 1 within 2s")
        #expect(oldestFirst[6].disconnect == .networkError)
        #expect(oldestFirst[6].detail == "no reply to the heartbeat within 2s")
    }

    /// A flapping session keeps the latest 64 events, newest first.
    @Test func keepsTheLatest64() throws {
        let session = try EmbeddedSession(policy: ConnectionPolicy(maxReconnectAttempts: 1000))
        session.start()
        for _ in 0..<50 {
            session.session.connectionFailed(session.connections.last!.id, .refused, detail: "connection refused")
            session.loop.run()
            session.advance(by: .seconds(30))  // the backoff, whatever it is, has elapsed
        }
        let events = try Self.events(session)
        #expect(events.count == FlightRecorder.capacity)
        #expect(zip(events, events.dropFirst()).allSatisfy { $0.monotonicNanoseconds >= $1.monotonicNanoseconds })
        #expect(events.first?.transition?.trigger == .retryAttempt, "the newest: the 51st attempt")
        #expect(events.filter { $0.failure == .refused }.count == 21, "three events an attempt")
    }

    /// Control and invisible characters escaped; the cut falls on a character boundary.
    @Test(arguments: [
        ("plain", 64, "plain"),
        ("a\u{0}b\u{7F}c\u{200B}d", 64, "a\\u{0}b\\u{7f}c\\u{200b}d"),
        ("ééé", 5, "éé…"),
        ("abc", 2, "ab…"),
    ])
    func sanitized(_ input: String, _ limit: Int, _ expected: String) {
        #expect(SessionEvent.sanitized(input, limit: limit) == expected)
    }

    /// The endpoint's JSON: every key present, durations in seconds, the trigger in snake_case.
    @Test func encodesEveryKey() throws {
        let session = try EmbeddedSession()
        session.start()
        session.advance(by: .milliseconds(120))
        try session.upgrade()
        let report = SessionEventsReport(generatedAt: Date(), target: "t", session: 0, events: try Self.events(session))
        let json = try JSONSerialization.jsonObject(with: JSONEncoder().encode(report)) as? [String: Any]
        #expect(json?["capacity"] as? Int == 64)
        let events = json?["events"] as? [[String: Any]] ?? []
        #expect(events.count == 2)
        let newest = events.first ?? [:]
        #expect(
            Set(newest.keys) == [
                "at", "monotonic_seconds", "kind", "from", "to", "event", "reason", "http_status", "close_code",
                "detail", "attempt", "handshake_seconds", "reconnect_seconds", "first_message_seconds",
                "backoff_seconds",
            ]
        )
        #expect(newest["event"] as? String == "handshake_succeeded")
        #expect(newest["handshake_seconds"] as? Double == 0.12)
        #expect(newest["reason"] is NSNull)
    }
}

extension FlightRecorderTests {
    /// A full ring fits the per-session budget beside the ~3.7 KiB of a session: 64 events
    /// of at most 80 bytes are 5 KiB.
    @Test func eventsAreSmall() {
        #expect(MemoryLayout<SessionEvent>.stride <= 80, "\(MemoryLayout<SessionEvent>.stride) bytes")
    }
}
