import Foundation
import Testing
import WSHealthAlerting

/// Slack and Mattermost incoming-webhook messages.
@Suite struct SlackPayloadTests {
    /// One line per alert: state, summary, description, runbook; the body is `{"text": …}` only.
    @Test func oneLinePerAlert() throws {
        let body = SlackPayload.body(for: [PayloadFixture.firing, PayloadFixture.resolved])
        let message = try PayloadFixture.object(body)
        #expect(message.keys.sorted() == ["text"])
        #expect(
            message["text"] as? String == """
                [FIRING] WebSocket target api: down — no data from wss://api.example/ws: 0 of 3 sessions receive data
                [RESOLVED] WebSocket target api: data stale — no message for 45s on 2 of 3 sessions to \
                wss://api.example/ws (runbook: https://runbooks.example/stale)
                """
        )
    }

    /// Slack's control characters are escaped; an alert without annotations still says what it is.
    @Test func escapingAndFallback() {
        var alert = PayloadFixture.firing
        alert.annotations = ["summary": "a <b> & c"]
        let bare = Alert(
            labels: ["alertname": "WebSocketFlapping", "target": "feed"],
            annotations: [:],
            startsAt: Date()
        )
        #expect(
            SlackPayload.text(for: [alert, bare]) == "[FIRING] a &lt;b&gt; &amp; c\n[FIRING] WebSocketFlapping feed"
        )
    }
}
