package import Foundation

/// One notification waiting in a receiver's outbox: a snapshot of an alert (its status is part
/// of it: firing while it has no end, resolved once it has one), numbered in the order it was
/// accepted.
package struct OutboxEntry: Sendable, Hashable, Codable {
    /// The order of acceptance within one receiver's outbox: increasing, never reused, and
    /// continued across restarts.
    package let sequence: UInt64
    /// When the outbox accepted the notification (the start of the notification latency).
    package let enqueuedAt: Date
    /// The alert as it was when the notification was made.
    package let alert: Alert
    /// The alert's fingerprint, kept so that batching and de-duplication need not hash labels.
    package let fingerprint: String

    /// Creates an entry; the fingerprint is the alert's.
    package init(sequence: UInt64, enqueuedAt: Date, alert: Alert) {
        self.sequence = sequence
        self.enqueuedAt = enqueuedAt
        self.alert = alert
        self.fingerprint = alert.fingerprint
    }

    /// Whether this notification says the alert fires or has resolved.
    package var status: AlertStatus { self.alert.status }
}
