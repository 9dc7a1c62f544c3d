import Foundation
import Testing
import WSHealthAlerting

@Suite struct AlertTests {
    @Test func statusFollowsTheEnd() {
        var alert = Alert(labels: ["alertname": "X"], annotations: [:], startsAt: Date(timeIntervalSince1970: 10))
        #expect(alert.status == .firing)
        alert.endsAt = Date(timeIntervalSince1970: 20)
        #expect(alert.status == .resolved)
    }
}
