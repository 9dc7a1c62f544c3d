package import Foundation

/// The alerts firing right now, kept on disk so that the rules evaluator, restored from it at
/// start, does not notify again an alert that was already firing before a restart.
///
/// One JSON file (`<storagePath>/alerting/active-alerts.json`), replaced atomically and
/// durably on every ``save(_:)``. A file that cannot be read is moved into a `damaged`
/// directory beside it and reported; the evaluator then starts empty, which at worst notifies
/// a still-true alert once more (the outbox has no record of delivered ones), never loses one.
package struct ActiveAlertStore: Sendable {
    /// The file.
    package let file: URL

    /// A store in `file`.
    package init(file: URL) {
        self.file = file
    }

    /// The store under the agent's `--storage.path`: `<storagePath>/alerting/active-alerts.json`.
    package init(storagePath: URL) {
        self.init(
            file: storagePath.appendingPathComponent("alerting", isDirectory: true)
                .appendingPathComponent("active-alerts.json")
        )
    }

    /// Replaces the stored set with `alerts`, atomically and durably.
    package func save(_ alerts: [Alert]) throws(OutboxError) {
        let stored = StoredAlerts(
            version: StoredAlerts.currentVersion,
            alerts: alerts.sorted { $0.fingerprint < $1.fingerprint }
        )
        let data: Data
        do {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys]
            data = try encoder.encode(stored)
        } catch {
            throw .encoding(path: self.file.path, error)
        }
        try DurableFile.createDirectory(self.file.deletingLastPathComponent())
        try DurableFile.replace(self.file, with: data)
    }

    /// The stored alerts: none if nothing was saved yet; none and the damage if the file
    /// could not be used (it is moved aside).
    package func load() -> LoadResult {
        guard FileManager.default.fileExists(atPath: self.file.path) else {
            return LoadResult(alerts: [], damaged: nil)
        }
        let reason: String
        do {
            let data = try Data(contentsOf: self.file)
            let stored = try JSONDecoder().decode(StoredAlerts.self, from: data)
            if stored.version == StoredAlerts.currentVersion {
                return LoadResult(alerts: stored.alerts, damaged: nil)
            }
            reason = "unsupported format version \(stored.version)"
        } catch {
            reason = "not a valid active-alert file: \(OutboxEntryFile.summary(of: error))"
        }
        let damagedDirectory = self.file.deletingLastPathComponent().appendingPathComponent(
            "damaged",
            isDirectory: true
        )
        let movedTo = DurableFile.moveAside(self.file, into: damagedDirectory)
        return LoadResult(alerts: [], damaged: DamagedFile(path: self.file.path, reason: reason, movedTo: movedTo))
    }

    /// What ``load()`` found.
    package struct LoadResult: Sendable, Hashable {
        /// The alerts firing when they were last saved, sorted by fingerprint.
        package var alerts: [Alert]
        /// The file, if it could not be used.
        package var damaged: DamagedFile?

        /// Creates a result.
        package init(alerts: [Alert], damaged: DamagedFile?) {
            self.alerts = alerts
            self.damaged = damaged
        }
    }

    private struct StoredAlerts: Codable {
        static let currentVersion = 1
        var version: Int
        var alerts: [Alert]
    }
}
