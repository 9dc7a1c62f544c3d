import Foundation

/// Every target at one moment: the body of `GET /api/v1/targets` and the data of the status page.
struct StatusReport: Sendable {
    /// When the snapshots were taken; "Last updated: 2s ago" is measured from here, so the
    /// page needs no clock of its own.
    var generatedAt: Date
    /// The targets, in configuration order.
    var targets: [TargetStatus]

    /// Snapshots every session of every target.
    static func collect(_ monitors: [TargetMonitor]) async -> StatusReport {
        var targets: [TargetStatus] = []
        for monitor in monitors { targets.append(await TargetStatus(of: monitor)) }
        return StatusReport(generatedAt: Date(), targets: targets)
    }

    /// "2s ago", "5m ago", "3h ago", "2d ago": the age of `date` at `generatedAt`, or "never".
    func age(of date: Date?) -> String {
        guard let date else { return "never" }
        let seconds = max(0, Int(self.generatedAt.timeIntervalSince(date).rounded(.down)))
        switch seconds {
        case ..<60: return "\(seconds)s ago"
        case ..<3600: return "\(seconds / 60)m ago"
        case ..<86400: return "\(seconds / 3600)h ago"
        default: return "\(seconds / 86400)d ago"
        }
    }
}
