import Foundation
import WSHealthWebSocket

/// The agent's own series: what was built, how the last configuration load went, and what
/// its storage refused.
///
/// An agent exists only with a validated configuration, so it starts with a successful load.
final class AgentStatistics: SeriesGroup {
    let slots = MetricSlots(count: 6 + StorageError.allCases.count)
    let lines: SeriesLines

    /// What `--storage.path` did not take or give back.
    enum StorageError: String, CaseIterable {
        /// A notification the disk refused to store (kept in memory and delivered).
        case outboxWrite = "outbox_write"
        /// A stored notification that could not be read at start-up (moved aside).
        case outboxDamaged = "outbox_damaged"
        /// The stored firing alerts could not be read at start-up (moved aside).
        case activeAlertsDamaged = "active_alerts_damaged"
        /// The firing alerts the disk refused to store (written again at every evaluation
        /// until it takes them).
        case activeAlertsWrite = "active_alerts_write"
    }

    private static let buildInfo = 0
    private static let reloadSuccessful = 1
    private static let reloadSuccessTimestamp = 2
    private static let storageErrors = 3
    private static let messageBufferBytes = 3 + StorageError.allCases.count
    private static let messageBufferLimit = messageBufferBytes + 1
    private static let messageBufferRefusals = messageBufferBytes + 2

    init() {
        var lines = SeriesLines.Builder(familyCount: MetricDescriptors.agent.count)
        lines.add(
            family: 0,
            name: MetricDescriptors.buildInfo.name,
            labels: [
                ("version", BuildInfo.version), ("revision", BuildInfo.revision),
                ("swift_version", BuildInfo.swiftVersion),
            ],
            value: .decimal(slot: Self.buildInfo)
        )
        lines.add(
            family: 1,
            name: MetricDescriptors.reloadSuccessful.name,
            labels: [],
            value: .decimal(slot: Self.reloadSuccessful)
        )
        lines.add(
            family: 2,
            name: MetricDescriptors.reloadSuccessTimestamp.name,
            labels: [],
            value: .decimal(slot: Self.reloadSuccessTimestamp)
        )
        for (index, kind) in StorageError.allCases.enumerated() {
            lines.add(
                family: 3,
                name: MetricDescriptors.storageErrors.name,
                labels: [("kind", kind.rawValue)],
                value: .integer(slot: Self.storageErrors + index)
            )
        }
        let buffers = [
            (MetricDescriptors.messageBufferBytes, Self.messageBufferBytes),
            (MetricDescriptors.messageBufferLimit, Self.messageBufferLimit),
            (MetricDescriptors.messageBufferRefusals, Self.messageBufferRefusals),
        ]
        for (offset, (family, slot)) in buffers.enumerated() {
            lines.add(family: 4 + offset, name: family.name, labels: [], value: .integer(slot: slot))
        }
        self.lines = SeriesLines(lines)
        self.slots.store(1.0, in: Self.buildInfo)
        self.recordReload(success: true)
    }

    /// Records the outcome of a configuration load: `wshealth_config_last_reload_successful`
    /// becomes 1 or 0; a success also sets `wshealth_config_last_reload_success_timestamp_seconds`
    /// to now. A failed reload leaves the time of the last good one.
    func recordReload(success: Bool) {
        self.slots.update {
            self.slots.store(success ? 1.0 : 0.0, in: Self.reloadSuccessful)
            if success { self.slots.store(Date().timeIntervalSince1970, in: Self.reloadSuccessTimestamp) }
        }
    }

    /// Counts `count` refusals of the storage of `kind`.
    func recordStorageError(_ kind: StorageError, count: Int = 1) {
        guard count > 0 else { return }
        self.slots.add(count, to: Self.storageErrors + StorageError.allCases.firstIndex(of: kind)!)
    }

    /// Copies what `buffers` holds, allows and refused now, for a scrape.
    func observe(_ buffers: MessageBufferBudget) {
        self.slots.store(buffers.reserved, in: Self.messageBufferBytes)
        self.slots.store(buffers.capacity, in: Self.messageBufferLimit)
        self.slots.store(buffers.refusals, in: Self.messageBufferRefusals)
    }

}
