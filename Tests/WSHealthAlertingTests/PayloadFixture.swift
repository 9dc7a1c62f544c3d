import Foundation
import Testing
import WSHealthAlerting

/// Alerts and JSON helpers for the payload tests.
enum PayloadFixture {
    /// A firing `WebSocketTargetDown` of `api`, started at 2024-05-01T12:00:00Z.
    static let firing = Alert(
        labels: ["alertname": "WebSocketTargetDown", "target": "api", "severity": "critical", "instance": "agent-1"],
        annotations: [
            "summary": "WebSocket target api: down",
            "description": "no data from wss://api.example/ws: 0 of 3 sessions receive data",
        ],
        startsAt: Date(timeIntervalSince1970: 1_714_564_800)
    )

    /// A `WebSocketDataStale` of `api` that fired at 12:00:00.5 and resolved at 12:05:30.25.
    static let resolved = Alert(
        labels: ["alertname": "WebSocketDataStale", "target": "api", "severity": "warning", "instance": "agent-1"],
        annotations: [
            "summary": "WebSocket target api: data stale",
            "description": "no message for 45s on 2 of 3 sessions to wss://api.example/ws",
            "runbook_url": "https://runbooks.example/stale",
        ],
        startsAt: Date(timeIntervalSince1970: 1_714_564_800.5),
        endsAt: Date(timeIntervalSince1970: 1_714_565_130.25)
    )

    /// The JSON object `data` holds.
    static func object(_ data: Data) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
    }

    /// The JSON array of objects `data` holds.
    static func objects(_ data: Data) throws -> [[String: Any]] {
        try #require(try JSONSerialization.jsonObject(with: data) as? [[String: Any]])
    }

    /// Alertmanager's fingerprint worked out here on its own: 64-bit FNV-1a over name, 0xff,
    /// value, 0xff for each label in name order, as 16 lowercase hex digits.
    static func fnv1a(_ labels: [String: String]) -> String {
        var bytes: [UInt8] = []
        for (name, value) in labels.sorted(by: { $0.key < $1.key }) {
            bytes += Array(name.utf8) + [0xff] + Array(value.utf8) + [0xff]
        }
        let hash = bytes.reduce(UInt64(14_695_981_039_346_656_037)) { ($0 ^ UInt64($1)) &* 1_099_511_628_211 }
        return String(format: "%016llx", hash)
    }
}
