import Foundation
import Testing
import WSHealthAlerting

@Suite struct ActiveAlertStoreTests {
    /// Saved alerts load back equal; nothing saved loads as none; a later save replaces.
    @Test func roundTrip() throws {
        try withOutboxTemporaryDirectory { root in
            let store = ActiveAlertStore(storagePath: root)
            #expect(store.load() == ActiveAlertStore.LoadResult(alerts: [], damaged: nil))
            var second = outboxTestAlert("WebSocketTargetDown", start: 1_234.567_891)
            second.annotations["runbook_url"] = "https://runbooks.example/target-down"
            let alerts = [outboxTestAlert("WebSocketAuthFailed"), second]
            try store.save(alerts)
            let loaded = ActiveAlertStore(file: store.file).load()
            #expect(loaded.damaged == nil)
            #expect(Set(loaded.alerts) == Set(alerts))
            try store.save([second])
            #expect(store.load().alerts == [second])
            try store.save([])
            #expect(store.load().alerts.isEmpty)
        }
    }

    /// A damaged file loads as no alerts, is reported and moved aside, and saving works again.
    @Test func damagedFileIsReportedAndMovedAside() throws {
        try withOutboxTemporaryDirectory { root in
            let store = ActiveAlertStore(storagePath: root)
            try store.save([outboxTestAlert("A")])
            try Data("[{\"labels\":".utf8).write(to: store.file)
            let loaded = store.load()
            #expect(loaded.alerts.isEmpty)
            let damaged = try #require(loaded.damaged)
            #expect(damaged.reason.hasPrefix("not a valid active-alert file"))
            #expect(damaged.movedTo != nil)
            #expect(!FileManager.default.fileExists(atPath: store.file.path))
            try store.save([outboxTestAlert("B")])
            #expect(store.load().alerts.map { $0.labels["alertname"] } == ["B"])
        }
    }
}
