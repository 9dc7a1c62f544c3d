import Foundation
import Testing
import WSHealthAlerting
import WSHealthBackend
import WSHealthTestReceiver

@testable import WSHealthAgent

#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

extension InProcessEndToEnd {
    /// Built-in alerts delivered through libcurl to a recording webhook receiver: a real backend
    /// fault makes the alert fire, the receiver's script decides how delivery goes.
    @Suite(.timeLimit(.minutes(1)))
    struct AlertDeliveryTests {
        /// A target whose data goes stale 300 ms after the backend stalls.
        static let target = fastTarget(expect: "{interval: 100ms, stale_after: 300ms}")

        /// `alerting:` with one webhook receiver, `name`, and fast evaluation.
        static func alerting(webhook url: String, name: String = "hook") -> String {
            """
              instance: test-agent
              evaluation_interval: 100ms
              receivers:
                - {name: \(name), type: webhook, url: '\(url)', timeout: 2s}

            """
        }

        /// A damaged notification and damaged firing alerts found at start-up: each moved aside,
        /// counted in `wshealth_storage_errors_total`, and the agent runs (and delivers) as usual.
        @Test func damagedStorageIsCountedAndMovedAside() async throws {
            let storage = FileManager.default.temporaryDirectory.appendingPathComponent("wshealth-storage-\(UUID())")
            defer { try? FileManager.default.removeItem(at: storage) }
            let outbox = storage.appendingPathComponent("alerting/outbox/hook")
            try FileManager.default.createDirectory(at: outbox, withIntermediateDirectories: true)
            try Data("{not json".utf8).write(to: outbox.appendingPathComponent("00000000000000000001.json"))
            try Data("[".utf8).write(to: storage.appendingPathComponent("alerting/active-alerts.json"))
            let receiver = try await RecordingReceiver.start()
            try await AgentHarness.scoped(
                AgentHarness(
                    target: Self.target,
                    alerting: Self.alerting(webhook: receiver.url(path: "/hook")),
                    storage: storage
                )
            ) { harness in
                // Counted when the delivery starts, once the agent runs its alerting.
                await harness.eventually("damaged entry counted") {
                    harness.metric("wshealth_storage_errors_total", ["kind": "outbox_damaged"]) == 1
                }
                #expect(harness.metric("wshealth_storage_errors_total", ["kind": "active_alerts_damaged"]) == 1)
                #expect(harness.metric("wshealth_storage_errors_total", ["kind": "outbox_write"]) == 0)
                let moved = try FileManager.default.contentsOfDirectory(
                    atPath: outbox.appendingPathComponent("damaged").path
                )
                #expect(moved == ["00000000000000000001.json"])
                await harness.eventually("receiving data") { harness.sessions("t", "receiving_data") == 1 }
                try await harness.backend.apply(.stall(enabled: true))
                let posts = try await receiver.waitForRequests(count: 1, within: .seconds(10))
                #expect(posts.count == 1, "delivery works as usual")
            }
            await receiver.shutdown()
        }

        /// The first two posts are answered 500: the notification is retried with backoff and
        /// delivered once; after recovery the resolved notification follows.
        @Test func serverErrorsAreRetriedThenDeliveredOnce() async throws {
            let receiver = try await RecordingReceiver.start(script: .failing(2, with: .status(500)))
            try await AgentHarness.scoped(
                AgentHarness(
                    target: Self.target,
                    alerting: Self.alerting(webhook: receiver.url(path: "/hook?key=s3cret"))
                )
            ) { harness in
                await harness.eventually("receiving data") { harness.sessions("t", "receiving_data") == 1 }
                try await harness.backend.apply(.stall(enabled: true))
                let posts = try await receiver.waitForRequests(count: 3, within: .seconds(15))
                #expect(posts.allSatisfy { $0.method == "POST" && $0.path == "/hook" })
                #expect(
                    posts.map(\.body) == Array(repeating: posts[0].body, count: 3),
                    "the same notification, retried"
                )
                let payload = try Self.json(posts[2])
                #expect(payload["version"] as? String == "4")
                #expect(payload["status"] as? String == "firing")
                #expect(payload["receiver"] as? String == "hook")
                let alerts = try #require(payload["alerts"] as? [[String: Any]])
                #expect(alerts.count == 1)
                let labels = try #require(alerts.first?["labels"] as? [String: String])
                #expect(
                    labels == [
                        "alertname": "WebSocketDataStale", "target": "t", "severity": "warning",
                        "instance": "test-agent",
                    ]
                )
                await harness.eventually("delivery counted") {
                    harness.metric("wshealth_notifications_total", ["receiver": "hook"]) == 1
                }
                #expect(
                    harness.metric("wshealth_notification_failures_total", ["receiver": "hook", "reason": "http_5xx"])
                        == 2
                )
                #expect(
                    harness.metric("wshealth_alerts_firing", ["alertname": "WebSocketDataStale", "target": "t"]) == 1
                )

                try await harness.backend.apply(.stall(enabled: false))
                let all = try await receiver.waitForRequests(count: 4, within: .seconds(10))
                let resolved = try Self.json(all[3])
                #expect(resolved["status"] as? String == "resolved")
                #expect(
                    harness.metric("wshealth_alerts_firing", ["alertname": "WebSocketDataStale", "target": "t"]) == 0
                )
                #expect(
                    !harness.agent.metrics.exposition().contains("s3cret"),
                    "the webhook key stays out of the metrics"
                )
                await receiver.shutdown()
            }
        }

        /// A 400 is the receiver refusing the notification: counted, not retried. The receiver's
        /// headers and bearer token (from its file) come with the request.
        @Test func clientErrorIsNotRetried() async throws {
            let receiver = try await RecordingReceiver.start(script: .always(.status(400)))
            let tokenFile = FileManager.default.temporaryDirectory.appendingPathComponent("wshealth-\(UUID()).token")
            try "hook-s3cret\n".write(to: tokenFile, atomically: true, encoding: .utf8)
            defer { try? FileManager.default.removeItem(at: tokenFile) }
            let alerting = """
                  evaluation_interval: 100ms
                  receivers:
                    - name: hook
                      type: webhook
                      url: '\(receiver.url())'
                      headers: {X-Team: ops}
                      bearer_token_file: \(tokenFile.path)

                """
            try await AgentHarness.scoped(AgentHarness(target: Self.target, alerting: alerting)) { harness in
                await harness.eventually("receiving data") { harness.sessions("t", "receiving_data") == 1 }
                try await harness.backend.apply(.stall(enabled: true))
                let post = try #require(try await receiver.waitForRequests(count: 1, within: .seconds(10)).first)
                #expect(post.header("X-Team") == "ops")
                #expect(post.header("Authorization") == "Bearer hook-s3cret")
                #expect(post.header("Content-Type") == "application/json")
                await harness.eventually("failure counted") {
                    harness.metric("wshealth_notification_failures_total", ["receiver": "hook", "reason": "http_4xx"])
                        == 1
                }
                // Abandoned, not retried: nothing waits in the queue (that a 4xx is never retried is
                // the delivery state machine's unit tests', on their clock).
                await harness.eventually("nothing queued") {
                    harness.metric("wshealth_notification_queue_length", ["receiver": "hook"]) == 0
                }
                #expect(receiver.requests().count == 1)
                #expect(harness.metric("wshealth_notifications_total", ["receiver": "hook"]) == 0)
                await receiver.shutdown()
            }
        }

        /// A Slack receiver, its URL read from `url_file`: an incoming-webhook `{"text": …}`
        /// message per change, firing then resolved.
        @Test func slackReceiverGetsTextMessages() async throws {
            let receiver = try await RecordingReceiver.start(script: .always(.ok))
            let urlFile = FileManager.default.temporaryDirectory.appendingPathComponent("wshealth-\(UUID()).url")
            try "\(receiver.url(path: "/services/T0/B0/s3cret"))\n".write(
                to: urlFile,
                atomically: true,
                encoding: .utf8
            )
            defer { try? FileManager.default.removeItem(at: urlFile) }
            try await AgentHarness.scoped(
                AgentHarness(
                    target: Self.target,
                    alerting: """
                          evaluation_interval: 100ms
                          receivers:
                            - {name: chat, type: slack, url_file: \(urlFile.path)}

                        """
                )
            ) { harness in
                await harness.eventually("receiving data") { harness.sessions("t", "receiving_data") == 1 }
                try await harness.backend.apply(.stall(enabled: true))
                let firing = try await receiver.waitForRequests(count: 1, within: .seconds(10))
                #expect(firing[0].path == "/services/T0/B0/s3cret")
                let message = try Self.json(firing[0])
                #expect(Array(message.keys) == ["text"])
                let text = try #require(message["text"] as? String)
                #expect(text.hasPrefix("[FIRING] WebSocket target t: data stale"), "\(text)")

                try await harness.backend.apply(.stall(enabled: false))
                let all = try await receiver.waitForRequests(count: 2, within: .seconds(10))
                let resolved = try #require(try Self.json(all[1])["text"] as? String)
                #expect(resolved.contains("[RESOLVED]"), "\(resolved)")
                #expect(
                    !harness.agent.metrics.exposition().contains("s3cret"),
                    "the webhook path stays out of the metrics"
                )
                await receiver.shutdown()
            }
        }

        /// `/api/v1/alerts` lists what fires, with its labels and fingerprint.
        @Test func alertsEndpointListsFiringAlerts() async throws {
            try await AgentHarness.scoped(AgentHarness(target: Self.target, alerting: "  evaluation_interval: 100ms\n"))
            { harness in
                await harness.eventually("receiving data") { harness.sessions("t", "receiving_data") == 1 }
                try await harness.backend.apply(.stall(enabled: true))
                await harness.eventually("alert firing") { harness.agent.firingAlerts.count == 1 }
                let port = try await harness.agent.listeningPort()
                let (data, _) = try await URLSession.shared.data(
                    from: URL(string: "http://127.0.0.1:\(port)/api/v1/alerts")!
                )
                let body = try #require(JSONSerialization.jsonObject(with: data) as? [String: Any])
                let alerts = try #require(body["alerts"] as? [[String: Any]])
                #expect(alerts.count == 1)
                #expect((alerts.first?["labels"] as? [String: String])?["alertname"] == "WebSocketDataStale")
                #expect(alerts.first?["state"] as? String == "firing")
                #expect(alerts.first?["fingerprint"] as? String == harness.agent.firingAlerts.first?.fingerprint)
                let (page, _) = try await URLSession.shared.data(from: URL(string: "http://127.0.0.1:\(port)/")!)
                let html = String(decoding: page, as: UTF8.self)
                #expect(
                    html.contains("<h2>Alerts firing</h2>") && html.contains("WebSocketDataStale"),
                    "the status page too"
                )
            }
        }

        static func json(_ request: RecordedRequest) throws -> [String: Any] {
            let object = try JSONSerialization.jsonObject(with: Data(request.body))
            return try #require(object as? [String: Any])
        }
    }
}
