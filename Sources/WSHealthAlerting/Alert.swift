package import Foundation

/// One alert as every receiver sees it: Alertmanager's model (labels identify it, annotations
/// describe it), so payloads for Alertmanager, webhooks and Slack are all built from it.
package struct Alert: Sendable, Hashable, Codable {
    /// `alertname`, `target`, `severity`, `instance`: what identifies the alert.
    package var labels: [String: String]
    /// `summary`, `description`, `runbook_url`: what a human reads.
    package var annotations: [String: String]
    /// When the condition started to hold (after its `for`).
    package var startsAt: Date
    /// When the condition cleared; nil while the alert fires.
    package var endsAt: Date?

    /// Creates an alert.
    package init(labels: [String: String], annotations: [String: String], startsAt: Date, endsAt: Date? = nil) {
        self.labels = labels
        self.annotations = annotations
        self.startsAt = startsAt
        self.endsAt = endsAt
    }

    /// Firing until it has an end.
    package var status: AlertStatus { self.endsAt == nil ? .firing : .resolved }
}

/// Whether an alert fires or has resolved.
package enum AlertStatus: String, Sendable, Hashable, Codable {
    case firing
    case resolved
}

extension Alert {
    /// Alertmanager's fingerprint of the label set: FNV-1a (64 bit) over the labels sorted by
    /// name, each name and value followed by the byte 0xff, printed as 16 hex digits. Equal
    /// labels, equal fingerprint: the identity of an alert across notifications and restarts.
    package var fingerprint: String {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        func mix(_ byte: UInt8) {
            hash ^= UInt64(byte)
            hash = hash &* 0x0000_0100_0000_01b3
        }
        for name in self.labels.keys.sorted() {
            for byte in name.utf8 { mix(byte) }
            mix(0xff)
            for byte in self.labels[name]!.utf8 { mix(byte) }
            mix(0xff)
        }
        let hex = String(hash, radix: 16)
        return String(repeating: "0", count: 16 - hex.count) + hex
    }
}
