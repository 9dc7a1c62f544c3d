import Foundation
import WSHealthAlerting

/// Runs `body` with a fresh temporary directory, removed afterwards whatever happens.
func withOutboxTemporaryDirectory<T>(_ body: (URL) throws -> T) throws -> T {
    let directory = FileManager.default.temporaryDirectory
        .appendingPathComponent("wshealth-outbox-tests-\(UUID().uuidString)", isDirectory: true)
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: directory) }
    return try body(directory)
}

/// A firing alert named `name` on target `target`, started at second `start` of 1970.
func outboxTestAlert(_ name: String, target: String = "ws://127.0.0.1:8000/ws", start: TimeInterval = 1_000) -> Alert {
    Alert(
        labels: ["alertname": name, "target": target, "severity": "critical", "instance": "agent-1"],
        annotations: ["summary": "\(name) on \(target)"],
        startsAt: Date(timeIntervalSince1970: start)
    )
}

extension Alert {
    /// This alert, resolved at second `end` of 1970.
    func resolvedForOutboxTest(at end: TimeInterval = 2_000) -> Alert {
        var alert = self
        alert.endsAt = Date(timeIntervalSince1970: end)
        return alert
    }
}
