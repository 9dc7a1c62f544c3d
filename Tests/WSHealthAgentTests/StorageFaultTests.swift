import Foundation
import Logging
import NIOCore
import Testing
import WSHealthBackend
import WSHealthTestReceiver

extension ExternalProcesses {
    /// The storage path filling up under the `wshealth` binary (a file-size limit of 0 set while
    /// it runs: every write refused with EFBIG) without losing a notification. Unusable at
    /// start: `CommandLineLifecycleTests.runExitsWhenItsStorageIsUnusable`.
    @Suite(.timeLimit(.minutes(1)))
    struct StorageFaultTests {
        @Test func fullDiskKeepsNotificationsInMemoryDeliversThemAndStoresThemWhenThereIsRoom() async throws {
            let secret = Array(String(repeating: "storage-secret-", count: 3).utf8)
            let (backend, backendTask, backendPort) = try await AgentProcess.startBackend(secret: secret)
            defer { backendTask.cancel() }
            let receiver = try await RecordingReceiver.start()
            await receiver.stopListening()  // down: notifications wait in the outbox

            let (directory, _) = try AgentProcess.makeDirectory(secret: secret)
            defer { try? FileManager.default.removeItem(at: directory) }
            let config = try AgentProcess.writeStaleAlertConfiguration(
                in: directory,
                backendPort: backendPort,
                receiverURL: receiver.url(path: "/hook"),
                instance: "storage-test"
            )
            let storage = directory.appendingPathComponent("data")
            let outbox = storage.appendingPathComponent("alerting/outbox/hook")
            let webPort = try freePort()
            let agent = try AgentProcess.start(config: config, webPort: webPort, storage: storage)
            defer { terminate(agent) }
            let metricsURL = "http://127.0.0.1:\(webPort)/metrics"
            #expect(await httpStatus("http://127.0.0.1:\(webPort)/-/ready", within: .seconds(15)) == 200)
            // The disk fills up: a file-size limit of 0 bytes refuses every write with EFBIG
            // (set once the agent runs: a sanitizer's runtime writes files of its own at start).
            try AgentProcess.setLimit(of: agent.processIdentifier, "--fsize=0:")

            // The first alert: refused by the disk, kept in memory, counted.
            try await backend.apply(.stall(enabled: true))
            let refused = await AlertRestartTests.eventually(within: .seconds(10)) { () -> Double? in
                let text = try await httpGet(metricsURL).body
                let value = MetricText(text).value("wshealth_storage_errors_total", ["kind": "outbox_write"]) ?? 0
                return value >= 1 ? value : nil
            }
            try #require(refused != nil, "the refused write was never counted")
            let text = try await httpGet(metricsURL).body
            #expect(MetricText(text).value("wshealth_storage_errors_total", ["kind": "active_alerts_write"]) ?? 0 >= 1)
            #expect(MetricText(text).value("wshealth_notification_queue_length", ["receiver": "hook"]) == 1)
            #expect(Self.storedNotifications(in: outbox).isEmpty)
            #expect(agent.isRunning, "a refused write must not kill the agent (SIGXFSZ)")

            // Room again: the notification kept in memory is written without a new alert.
            try AgentProcess.setLimit(of: agent.processIdentifier, "--fsize=unlimited:")
            let stored = await AlertRestartTests.eventually(within: .seconds(10)) { () -> Int? in
                let count = Self.storedNotifications(in: outbox).count
                return count == 1 ? count : nil
            }
            #expect(stored == 1, "the notification kept in memory was never written")
            let active = storage.appendingPathComponent("alerting/active-alerts.json")
            let activeStored = await AlertRestartTests.eventually(within: .seconds(10)) { () -> Bool? in
                let data = try Data(contentsOf: active)
                return String(decoding: data, as: UTF8.self).contains("WebSocketDataStale") ? true : nil
            }
            #expect(activeStored == true, "the firing alerts were never written")

            // The receiver comes back: delivered once, and the outbox empties.
            try await receiver.startListening()
            let posts = try await receiver.waitForRequests(count: 1, within: .seconds(15))
            #expect(AlertRestartTests.summary(posts[0]) == "firing WebSocketDataStale")
            let emptied = await AlertRestartTests.eventually(within: .seconds(10)) { () -> Bool? in
                Self.storedNotifications(in: outbox).isEmpty ? true : nil
            }
            #expect(emptied == true)
            await receiver.shutdown()
        }

        /// The notification files in `outbox` (not temporary files, not the sequence mark).
        static func storedNotifications(in outbox: URL) -> [String] {
            let names = (try? FileManager.default.contentsOfDirectory(atPath: outbox.path)) ?? []
            return names.filter { $0.hasSuffix(".json") && !$0.hasPrefix(".") && $0.first?.isNumber == true }
        }
    }
}
