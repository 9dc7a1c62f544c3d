import Foundation
import Logging
import NIOCore
import Testing
import WSHealthBackend
import WSHealthTestReceiver

extension ExternalProcesses {
    /// The durable outbox across a crash: the `wshealth` binary is killed with SIGKILL while its
    /// receiver is down, and the next start delivers the notification exactly once.
    @Suite(.timeLimit(.minutes(1)))
    struct AlertRestartTests {
        @Test func notificationSurvivesSIGKILLAndIsDeliveredOnce() async throws {
            let secret = Array(String(repeating: "restart-secret-", count: 3).utf8)
            let (backend, backendTask, backendPort) = try await AgentProcess.startBackend(secret: secret)
            defer { backendTask.cancel() }

            let receiver = try await RecordingReceiver.start()
            await receiver.stopListening()  // down when the alert fires

            let (directory, _) = try AgentProcess.makeDirectory(secret: secret)
            defer { try? FileManager.default.removeItem(at: directory) }
            let config = try AgentProcess.writeStaleAlertConfiguration(
                in: directory,
                backendPort: backendPort,
                receiverURL: receiver.url(path: "/hook"),
                instance: "restart-test"
            )
            let storage = directory.appendingPathComponent("data")
            let webPort = try freePort()
            func startAgent() throws -> Process {
                try AgentProcess.start(config: config, webPort: webPort, storage: storage)
            }

            let first = try startAgent()
            defer { if first.isRunning { kill(first.processIdentifier, SIGKILL) } }
            #expect(await httpStatus("http://127.0.0.1:\(webPort)/-/ready", within: .seconds(15)) == 200)
            try await backend.apply(.stall(enabled: true))
            let outbox = storage.appendingPathComponent("alerting/outbox/hook")
            let queued = await Self.eventually(within: .seconds(10)) {
                let files = (try? FileManager.default.contentsOfDirectory(atPath: outbox.path)) ?? []
                return files.contains { $0.hasSuffix(".json") } ? true : nil
            }
            try #require(queued == true, "the notification never reached the outbox")
            kill(first.processIdentifier, SIGKILL)
            first.waitUntilExit()
            #expect(first.terminationReason == .uncaughtSignal)
            #expect(receiver.requests().isEmpty)

            try await receiver.startListening()
            let second = try startAgent()
            defer {
                if second.isRunning { second.terminate() }
                second.waitUntilExit()
            }
            let posts = try await receiver.waitForRequests(count: 1, within: .seconds(15))
            let payload = try #require(try JSONSerialization.jsonObject(with: Data(posts[0].body)) as? [String: Any])
            #expect(payload["status"] as? String == "firing")
            let alerts = payload["alerts"] as? [[String: Any]]
            #expect((alerts?.first?["labels"] as? [String: String])?["alertname"] == "WebSocketDataStale")
            // The data is still stale after the restart: the restored alert must not be sent again.
            // A barrier rather than a pause: from now on the token is refused, so the session's
            // next attempt fails and WebSocketAuthFailed fires. Evaluations run in order and a
            // receiver gets its notifications in the order they were queued, so a second
            // DataStale notification would arrive before AuthFailed's.
            try await backend.apply(.refuseTokens(enabled: true))
            try await backend.apply(.drop)
            let summaries = await Self.eventually(within: .seconds(15)) { () -> [String]? in
                let summaries = receiver.requests().map(Self.summary)
                return summaries.contains("firing WebSocketAuthFailed") ? summaries : nil
            }
            let delivered = try #require(summaries, "WebSocketAuthFailed never arrived")
            let stale = delivered.prefix { $0 != "firing WebSocketAuthFailed" }
            #expect(
                stale.filter { $0 == "firing WebSocketDataStale" }.count == 1,
                "delivered exactly once: \(delivered)"
            )
            await receiver.shutdown()
        }

        /// A notification's status and alert names: `firing WebSocketDataStale`.
        static func summary(_ request: RecordedRequest) -> String {
            let payload = try? JSONSerialization.jsonObject(with: Data(request.body)) as? [String: Any]
            let names = (payload?["alerts"] as? [[String: Any]])?.compactMap {
                ($0["labels"] as? [String: String])?["alertname"]
            }
            return "\(payload?["status"] ?? "?") \(names?.joined(separator: ",") ?? "")"
        }

        /// Polls `body` every 50 ms until it returns a value, for at most `timeout`.
        static func eventually<T>(within timeout: Duration, _ body: () async throws -> T?) async -> T? {
            let deadline = ContinuousClock.now + timeout
            while ContinuousClock.now < deadline {
                if let value = try? await body() { return value }
                try? await Task.sleep(for: .milliseconds(50))
            }
            return nil
        }
    }
}
