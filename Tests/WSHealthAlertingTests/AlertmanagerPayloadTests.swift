import Foundation
import Testing
import WSHealthAlerting

/// The body of `POST /api/v2/alerts`.
@Suite struct AlertmanagerPayloadTests {
    /// Every alert has exactly Alertmanager's postable fields; a firing one ends at the time the
    /// caller gives, a resolved one at its own end; timestamps are RFC 3339 in UTC.
    @Test func postableAlerts() throws {
        let endsAt = Date(timeIntervalSince1970: 1_714_565_040)  // 12:04:00, now + 4 × 1m
        let body = AlertmanagerPayload.body(
            for: [PayloadFixture.firing, PayloadFixture.resolved],
            firingEndsAt: endsAt,
            generatorURL: "http://agent-1:9100/"
        )
        let alerts = try PayloadFixture.objects(body)
        #expect(alerts.count == 2)
        for alert in alerts {
            #expect(alert.keys.sorted() == ["annotations", "endsAt", "generatorURL", "labels", "startsAt"])
            #expect(alert["generatorURL"] as? String == "http://agent-1:9100/")
        }
        #expect(alerts[0]["labels"] as? [String: String] == PayloadFixture.firing.labels)
        #expect(alerts[0]["annotations"] as? [String: String] == PayloadFixture.firing.annotations)
        #expect(alerts[0]["startsAt"] as? String == "2024-05-01T12:00:00Z")
        #expect(alerts[0]["endsAt"] as? String == "2024-05-01T12:04:00Z")
        #expect(alerts[1]["labels"] as? [String: String] == PayloadFixture.resolved.labels)
        #expect(alerts[1]["startsAt"] as? String == "2024-05-01T12:00:00.5Z")
        #expect(alerts[1]["endsAt"] as? String == "2024-05-01T12:05:30.25Z")
    }

    /// Without a generator URL the field is left out rather than sent empty.
    @Test func noGeneratorURL() throws {
        let body = AlertmanagerPayload.body(for: [PayloadFixture.firing], firingEndsAt: PayloadFixture.firing.startsAt)
        let alert = try #require(try PayloadFixture.objects(body).first)
        #expect(alert["generatorURL"] == nil)
        #expect(String(decoding: body, as: UTF8.self).contains("\"generatorURL\"") == false)
    }

    /// No alerts, an empty array.
    @Test func empty() {
        #expect(String(decoding: AlertmanagerPayload.body(for: [], firingEndsAt: Date()), as: UTF8.self) == "[]")
    }

    /// Timestamps match an independent RFC 3339 formatter at whole seconds across dates
    /// (leap days, year ends), and keep milliseconds without trailing zeros.
    @Test(arguments: [
        0.0, 951_782_400, 951_868_799, 1_709_251_199, 1_735_689_599, 1_735_689_600, 4_102_444_800, 1_714_564_800,
    ])
    func timestamps(seconds: Double) throws {
        let formatter = ISO8601DateFormatter()
        formatter.timeZone = TimeZone(identifier: "UTC")
        for (fraction, suffix) in [(0.0, ""), (0.123, ".123"), (0.5, ".5"), (0.25, ".25"), (0.0004, "")] {
            let date = Date(timeIntervalSince1970: seconds + fraction)
            let body = AlertmanagerPayload.body(for: [PayloadFixture.firing], firingEndsAt: date)
            let alert = try #require(try PayloadFixture.objects(body).first)
            let whole = formatter.string(from: Date(timeIntervalSince1970: seconds))
            #expect(alert["endsAt"] as? String == String(whole.dropLast()) + suffix + "Z")
        }
    }
}
