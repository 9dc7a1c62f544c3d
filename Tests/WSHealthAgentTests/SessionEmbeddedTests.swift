import NIOCore
import NIOEmbedded
import Testing
import WSConnectionStateMachine
import WSHealthConfig

@testable import WSHealthAgent

/// Every action of the state machine as a session carries it out — open, ping, close with a
/// code, abort, the timer armed, moved and cancelled — on an embedded event loop: time is the
/// loop's, advanced exactly, and the connections are embedded channels.
struct SessionEmbeddedTests {
    static func text(_ string: String) -> [UInt8] { [0x81, UInt8(string.utf8.count)] + Array(string.utf8) }
    static let message = Self.text(#"{"cpu":1}"#)

    /// Start: one connection opened, in `connecting`; the handshake: `connected`; a message:
    /// `receiving_data`, counted.
    @Test func opensAndReceives() throws {
        let session = try EmbeddedSession()
        session.start()
        #expect(session.connections.count == 1)
        #expect(session.snapshot.state == .connecting)
        #expect(session.metric("wshealth_connection_attempts_total") == 1)
        try session.upgrade()
        #expect(session.snapshot.state == .connected)
        try session.receive(Self.message)
        #expect(session.snapshot.state == .receivingData)
        #expect(session.metric("wshealth_messages_received_total") == 1)
    }

    /// No upgrade within `handshake_timeout`: the attempt is aborted at that instant, not before,
    /// counted as `timeout`; the next starts after the first backoff delay, 1 s.
    @Test func handshakeTimeoutAbortsThenBacksOff() throws {
        let session = try EmbeddedSession()
        session.start()
        session.advance(by: .milliseconds(9_990))
        #expect(session.channel.isActive)
        session.advance(by: .milliseconds(20))
        #expect(!session.channel.isActive, "aborted")
        #expect(session.snapshot.state == .reconnecting)
        #expect(session.metric("wshealth_connection_failures_total", ["reason": "timeout"]) == 1)
        #expect(session.snapshot.lastFailureDetail == "no WebSocket upgrade from 127.0.0.1:8000 within 10s")
        session.advance(by: .milliseconds(980))
        #expect(session.connections.count == 1)
        session.advance(by: .milliseconds(50))
        #expect(session.connections.count == 2, "the retry after 1 s")
        #expect(session.snapshot.state == .connecting)
    }

    /// Silence for `stale_after` (15 s): the data is stale and a ping goes out at that instant;
    /// an answer keeps the connection; silence for `ping.timeout` (5 s) after the next ping
    /// aborts it as `network_error`.
    @Test func silenceIsStaleThenPingedThenDead() throws {
        let session = try EmbeddedSession()
        session.start()
        try session.upgrade()
        try session.receive(Self.message)
        session.advance(by: .milliseconds(14_990))
        #expect(try session.sentFrames().isEmpty)
        #expect(session.metric("wshealth_data_stale_sessions") == 0)
        session.advance(by: .milliseconds(20))
        #expect(try session.sentFrames().map(\.opcode) == [0x9], "a ping")
        #expect(session.metric("wshealth_data_stale_sessions") == 1)
        try session.receive([0x8A, 0x00])  // the pong, at 15.01 s: the path is alive
        session.advance(by: .milliseconds(14_990))
        #expect(try session.sentFrames().isEmpty)
        session.advance(by: .milliseconds(30))
        #expect(try session.sentFrames().map(\.opcode) == [0x9], "the next ping, 15 s after the pong")
        session.advance(by: .milliseconds(4_960))
        #expect(session.channel.isActive)
        session.advance(by: .milliseconds(50))
        #expect(!session.channel.isActive, "no answer: aborted")
        #expect(session.metric("wshealth_disconnects_total", ["cause": "network_error"]) == 1)
        #expect(session.snapshot.state == .reconnecting)
        #expect(session.snapshot.isDataStale, "the loss does not make the data fresh")
    }

    /// Stale data is fresh again at the next message, and only then: a pong says the path is
    /// alive, not that the data moved. The session stays connected throughout.
    @Test func staleDataIsFreshAtTheNextMessage() throws {
        let session = try EmbeddedSession()
        session.start()
        try session.upgrade()
        try session.receive(Self.message)
        session.advance(by: .seconds(16))
        #expect(session.metric("wshealth_data_stale_sessions") == 1)
        try session.receive([0x8A, 0x00])
        #expect(session.metric("wshealth_data_stale_sessions") == 1, "a pong is not data")
        try session.receive(Self.message)
        #expect(session.metric("wshealth_data_stale_sessions") == 0)
        #expect(session.snapshot.state == .receivingData)
        #expect(session.connections.count == 1)
    }

    /// A server's ping is answered with its payload.
    @Test func pingsAreAnswered() throws {
        let session = try EmbeddedSession()
        session.start()
        try session.upgrade()
        try session.receive([0x89, 0x02, 0x61, 0x62])
        let frames = try session.sentFrames()
        #expect(frames.map(\.opcode) == [0xA])
        #expect(frames.first?.payload == [0x61, 0x62])
    }

    /// A server close: answered with the same code; the session waits for the server to close
    /// TCP (at most 2 s, then closes it itself), then reconnects (`server_closed`).
    @Test func serverCloseIsAnsweredWithItsCode() throws {
        let session = try EmbeddedSession()
        session.start()
        try session.upgrade()
        try session.receive(Self.message)
        try session.receive([0x88, 0x02, 0x03, 0xF3])  // 1011
        let frames = try session.sentFrames()
        #expect(frames.map(\.opcode) == [0x8])
        #expect(frames.first?.payload == [0x03, 0xF3])
        #expect(session.channel.isActive, "the server closes TCP first")
        session.advance(by: .seconds(2))
        #expect(!session.channel.isActive)
        #expect(session.metric("wshealth_disconnects_total", ["cause": "server_closed"]) == 1)
        #expect(session.snapshot.state == .reconnecting)
    }

    /// Close 1008 after the upgrade: `error`; `error_retry_after` later, a new attempt.
    @Test func policyCloseIsErrorThenRetriedLater() throws {
        let session = try EmbeddedSession(policy: ConnectionPolicy(errorRetryAfter: .seconds(300)))
        session.start()
        try session.upgrade()
        try session.receive([0x88, 0x02, 0x03, 0xF0])  // 1008
        try session.serverCloses()
        #expect(session.snapshot.state == .error)
        session.advance(by: .seconds(299))
        #expect(session.connections.count == 1)
        session.advance(by: .seconds(2))
        #expect(session.connections.count == 2)
    }

    /// Text that is not UTF-8: the session fails the connection with 1007 and says so.
    @Test func invalidTextFailsWith1007() throws {
        let session = try EmbeddedSession()
        session.start()
        try session.upgrade()
        try session.receive([0x81, 0x02, 0xC0, 0x80])
        let frames = try session.sentFrames()
        #expect(frames.map(\.opcode) == [0x8])
        #expect(frames.first?.payload == [0x03, 0xEF])
        #expect(!session.channel.isActive)
        #expect(session.metric("wshealth_disconnects_total", ["cause": "protocol_error"]) == 1)
        #expect(session.snapshot.lastFailureDetail == "closed with 1007: text that is not valid UTF-8")
    }

    /// A message that fails an assertion is counted as `assertion_failed` and is not data: the
    /// session stays `connected` until one that holds.
    @Test func failedAssertionIsNotData() throws {
        let assertion = AssertionConfiguration(pointer: JSONPointer("/cpu")!, type: .number, max: 100)
        let session = try EmbeddedSession(assertions: [assertion])
        session.start()
        try session.upgrade()
        try session.receive(Self.text(#"{"cpu":250}"#))
        #expect(session.snapshot.state == .connected)
        #expect(session.metric("wshealth_message_errors_total", ["reason": "assertion_failed"]) == 1)
        #expect(session.metric("wshealth_messages_received_total") == 0)
        try session.receive(Self.message)
        #expect(session.snapshot.state == .receivingData)
        #expect(session.metric("wshealth_messages_received_total") == 1)
    }

    /// A conversation: the subscribe goes out right after the upgrade with its placeholders
    /// filled; the server's welcome and pings are protocol traffic (the pings answered), and
    /// only its metrics are data.
    @Test func conversationSubscribesAnswersAndPicksData() throws {
        let conversation = ConversationConfiguration(
            onOpen: [.init(send: #"{"type":"subscribe","session":{{session}},"id":"{{id}}"}"#)],
            replies: [.init(match: .prefix(#"{"type":"ping""#), send: #"{"type":"pong"}"#)],
            data: .json(AssertionConfiguration(pointer: JSONPointer("/type")!, equals: .string("metrics")))
        )
        let session = try EmbeddedSession(conversation: conversation)
        session.start()
        try session.upgrade()
        let sent = try session.sentFrames()
        #expect(sent.map(\.opcode) == [0x1])
        let subscribe = String(decoding: sent.first?.payload ?? [], as: UTF8.self)
        #expect(subscribe.hasPrefix(#"{"type":"subscribe","session":0,"id":""#) && !subscribe.contains("{{"))
        try session.receive(Self.text(#"{"type":"welcome"}"#))
        try session.receive(Self.text(#"{"type":"ping"}"#))
        #expect(try session.sentFrames().map { String(decoding: $0.payload, as: UTF8.self) } == [#"{"type":"pong"}"#])
        #expect(session.snapshot.state == .connected, "neither is data")
        #expect(session.metric("wshealth_message_errors_total", ["reason": "invalid_json"]) == 0)
        try session.receive(Self.text(#"{"type":"metrics","cpu":1}"#))
        #expect(session.snapshot.state == .receivingData)
        #expect(session.metric("wshealth_messages_received_total") == 1)
    }

    /// The GraphQL opening: `connection_init`, then the attempt waits in `connecting` for the
    /// ack; the subscribe follows it, and only `next` messages are data.
    static let graphQL = ConversationConfiguration(
        onOpen: [
            .init(
                send: #"{"type":"connection_init"}"#,
                reply: .init(
                    match: .json(
                        AssertionConfiguration(pointer: JSONPointer("/type")!, equals: .string("connection_ack"))
                    )
                )
            ),
            .init(send: #"{"type":"subscribe","id":"1"}"#),
        ],
        replies: [.init(match: .prefix(#"{"type":"ping""#), send: #"{"type":"pong"}"#)],
        data: .json(AssertionConfiguration(pointer: JSONPointer("/type")!, equals: .string("next")))
    )

    static func texts(_ session: EmbeddedSession) throws -> [String] {
        try session.sentFrames().map { String(decoding: $0.payload, as: UTF8.self) }
    }

    @Test func onOpenWaitsForItsReplyInConnecting() throws {
        let session = try EmbeddedSession(conversation: Self.graphQL)
        session.start()
        try session.upgrade()
        #expect(try Self.texts(session) == [#"{"type":"connection_init"}"#])
        #expect(session.snapshot.state == .connecting, "the attempt lasts until the ack")
        try session.receive(Self.text(#"{"type":"ping"}"#))
        #expect(try Self.texts(session) == [#"{"type":"pong"}"#], "replies work while waiting")
        try session.receive(Self.text(#"{"type":"connection_ack"}"#))
        #expect(try Self.texts(session) == [#"{"type":"subscribe","id":"1"}"#])
        #expect(session.snapshot.state == .connected)
        #expect(session.metric("wshealth_connection_failures_total", ["reason": "conversation_failed"]) == 0)
        try session.receive(Self.text(#"{"type":"next","payload":{}}"#))
        #expect(session.snapshot.state == .receivingData)
    }

    @Test func aMissingReplyFailsTheAttemptAsConversationFailed() throws {
        let session = try EmbeddedSession(conversation: Self.graphQL)
        session.start()
        try session.upgrade()
        session.advance(by: .milliseconds(4999))
        #expect(session.snapshot.state == .connecting)
        session.advance(by: .milliseconds(1))
        #expect(session.snapshot.state == .reconnecting)
        #expect(session.metric("wshealth_connection_failures_total", ["reason": "conversation_failed"]) == 1)
        #expect(session.snapshot.lastFailureDetail == "no reply to on_open step 1 within 5s")
        #expect(!session.channel.isActive)
    }

    @Test func anotherMessageInsteadOfTheReplyFailsTheAttempt() throws {
        let session = try EmbeddedSession(conversation: Self.graphQL)
        session.start()
        try session.upgrade()
        try session.receive(Self.text(#"{"type":"connection_error"}"#))
        #expect(session.snapshot.state == .reconnecting)
        #expect(session.metric("wshealth_connection_failures_total", ["reason": "conversation_failed"]) == 1)
        #expect(
            session.snapshot.lastFailureDetail
                == "on_open step 1 waited for its reply and got another message (27 bytes)"
        )
        session.advance(by: .seconds(10))
        #expect(session.metric("wshealth_connection_failures_total", ["reason": "conversation_failed"]) == 1, "once")
    }

    @Test func aServerThatClosesDuringTheOpeningFailsTheAttempt() throws {
        let session = try EmbeddedSession(conversation: Self.graphQL)
        session.start()
        try session.upgrade()
        try session.receive([0x88, 0x02, 0x11, 0x3F])  // close 4415
        try session.serverCloses()
        #expect(session.snapshot.state == .reconnecting)
        #expect(session.metric("wshealth_connection_failures_total", ["reason": "conversation_failed"]) == 1)
        #expect(
            session.snapshot.lastFailureDetail == "the server closed the connection with 4415 during on_open step 1"
        )
        #expect(session.metric("wshealth_disconnects_total", ["cause": "server_closed"]) == 0)
    }

    /// A heartbeat every 10 s; its reply is protocol traffic; one missing for 2 s is a dead
    /// connection (`network_error`), as an unanswered ping is.
    @Test func anUnansweredHeartbeatEndsTheConnection() throws {
        let conversation = ConversationConfiguration(
            heartbeat: .init(
                interval: .seconds(10),
                send: "ping",
                expectReply: .init(match: .prefix("pong"), timeout: .seconds(2))
            )
        )
        let session = try EmbeddedSession(conversation: conversation)
        session.start()
        try session.upgrade()
        #expect(session.snapshot.state == .connected)
        try session.receive(Self.message)
        session.advance(by: .seconds(10))
        #expect(try Self.texts(session) == ["ping"])
        try session.receive(Self.text("pong"))
        #expect(
            session.metric("wshealth_message_errors_total", ["reason": "invalid_json"]) == 0,
            "not data, not an error"
        )
        session.advance(by: .seconds(5))
        #expect(session.snapshot.state == .receivingData)
        session.advance(by: .seconds(5))
        #expect(try Self.texts(session) == ["ping"])
        session.advance(by: .seconds(2))
        #expect(session.snapshot.state == .reconnecting)
        #expect(session.metric("wshealth_disconnects_total", ["cause": "network_error"]) == 1)
        #expect(session.snapshot.lastFailureDetail == "no reply to the heartbeat within 2s")
        #expect(session.connections.first.map { !$0.channel.isActive } == true)
    }

    /// The Phoenix preset, as the configuration makes it: the join answered `ok`, the topic's
    /// events data and its replies not, the heartbeat's reply protocol traffic.
    @Test func phoenixPreset() throws {
        let yaml =
            "targets: [{name: t, url: 'ws://h/socket/websocket?vsn=2.0.0', protocol: {name: phoenix, topic: 'metrics:lobby'}}]"
        let target = try #require(try AgentConfiguration.parse(yaml: yaml).targets.first)
        #expect(target.conversation.heartbeat?.interval == .seconds(30))
        let session = try EmbeddedSession(conversation: target.conversation)
        session.start()
        try session.upgrade()
        #expect(try Self.texts(session) == [#"["1","1","metrics:lobby","phx_join",{}]"#])
        try session.receive(Self.text(#"["1","1","metrics:lobby","phx_reply",{"response":{},"status":"ok"}]"#))
        #expect(session.snapshot.state == .connected)
        try session.receive(Self.text(#"[null,null,"metrics:lobby","metrics",{"cpu":1}]"#))
        #expect(session.snapshot.state == .receivingData)
        try session.receive(Self.text(#"["1","2","metrics:lobby","phx_reply",{"response":{},"status":"ok"}]"#))
        #expect(session.metric("wshealth_messages_received_total") == 1, "a reply is not data")
        let event = Self.text(#"[null,null,"metrics:lobby","metrics",{"cpu":1}]"#)
        for _ in 0..<3 {  // data every 10 s keeps the session from pinging
            session.advance(by: .seconds(10))
            try session.receive(event)
        }
        let heartbeat = try Self.texts(session)
        #expect(
            heartbeat.count == 1 && heartbeat[0].hasPrefix(#"[null,""#)
                && heartbeat[0].hasSuffix(#","phoenix","heartbeat",{}]"#)
        )
        let ref = heartbeat.first?.split(separator: ",")[1] ?? ""
        try session.receive(Self.text("[null,\(ref),\"phoenix\",\"phx_reply\",{\"response\":{},\"status\":\"ok\"}]"))
        session.advance(by: .seconds(10))
        #expect(session.snapshot.state == .receivingData, "the heartbeat was answered")
        #expect(session.metric("wshealth_disconnects_total", ["cause": "network_error"]) == 0)
        #expect(session.metric("wshealth_messages_received_total") == 4)
    }

    /// A join refused (`status: error`) fails the attempt.
    @Test func phoenixJoinRefused() throws {
        let yaml = "targets: [{name: t, url: 'ws://h/socket/websocket', protocol: {name: phoenix, topic: 'room:1'}}]"
        let target = try #require(try AgentConfiguration.parse(yaml: yaml).targets.first)
        let session = try EmbeddedSession(conversation: target.conversation)
        session.start()
        try session.upgrade()
        try session.receive(
            Self.text(#"["1","1","room:1","phx_reply",{"response":{"reason":"unmatched topic"},"status":"error"}]"#)
        )
        #expect(session.snapshot.state == .reconnecting)
        #expect(session.metric("wshealth_connection_failures_total", ["reason": "conversation_failed"]) == 1)
    }

    /// An attempt that gets no socket fails before `connect` returns: the session retries after
    /// its backoff (not after the handshake timeout the attempt had armed), spends no attempt on
    /// it, and connects as soon as sockets are there again.
    @Test func anAttemptWithoutASocketRetriesAfterTheBackoff() throws {
        let session = try EmbeddedSession(policy: ConnectionPolicy(maxReconnectAttempts: 2))
        session.refusesSockets = true
        session.start()
        for _ in 0..<5 {
            #expect(session.snapshot.state == .reconnecting)
            session.advance(by: .seconds(1))  // the spec's first backoff, jitter off
        }
        #expect(session.metric("wshealth_connection_failures_total", ["reason": "resource_exhausted"]) == 6)
        #expect(session.snapshot.reconnectAttempt == 0, "the agent's own shortage spends no attempt")
        #expect(session.snapshot.lastFailureDetail?.contains("no file descriptor left") == true)
        session.refusesSockets = false
        session.advance(by: .seconds(1))
        try session.upgrade()
        #expect(session.snapshot.state == .connected)
        #expect(session.metric("wshealth_handshake_success_ratio") == 1, "the target failed nothing")
    }

    /// Stop: close 1001, the connection closed, `disconnected` for good, the timer cancelled
    /// (nothing happens however long the loop runs).
    @Test func stopClosesWith1001() throws {
        let session = try EmbeddedSession()
        session.start()
        try session.upgrade()
        let channel = session.channel
        _ = session.session.stop()
        session.loop.run()
        let frames = try session.sentFrames()
        #expect(frames.map(\.opcode) == [0x8])
        #expect(frames.first?.payload == [0x03, 0xE9])
        #expect(!channel.isActive)
        #expect(session.snapshot.state == .disconnected)
        #expect(session.metric("wshealth_disconnects_total", ["cause": "user_action"]) == 1)
        session.advance(by: .seconds(3600))
        #expect(session.connections.count == 1)
    }
}
