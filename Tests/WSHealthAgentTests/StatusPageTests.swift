import Foundation
import Testing
import WSConnectionStateMachine

@testable import WSHealthAgent

/// The status page's server rendering and badges, without a network.
struct StatusPageTests {
    static let now = Date(timeIntervalSince1970: 1_800_000_000)

    static func session(
        _ index: Int,
        _ state: ConnectionState,
        attempt: Int = 0,
        stale: Bool = false,
        error: ConnectionErrorReason? = nil,
        detail: String? = nil,
        lastMessage: Date? = nil
    ) -> SessionSnapshot {
        SessionSnapshot(
            index: index,
            state: state,
            reconnectAttempt: attempt,
            isDataStale: stale,
            errorReason: error,
            lastFailure: detail == nil ? nil : .httpError,
            lastFailureDetail: detail,
            lastDisconnect: nil,
            lastMessageAt: lastMessage
        )
    }

    /// The spec's badge text and colour for every state.
    @Test func badgeOfEveryState() {
        let badges = ConnectionState.allCases.map { StatusBadge(state: $0, attempt: 3, maxAttempts: 10) }
        #expect(
            badges.map(\.label) == [
                "Disconnected", "Connecting… (attempt 3/10)", "Connected", "Live", "Reconnecting… (attempt 3/10)",
                "Connection Failed",
            ]
        )
        #expect(badges.map(\.kind) == [.disconnected, .connecting, .connected, .live, .reconnecting, .error])
        #expect(badges.map(\.progress) == [nil, nil, nil, nil, 30, nil])
        #expect(StatusBadge(state: .connecting, attempt: 0, maxAttempts: 10).label == "Connecting…")
        #expect(StatusBadge.errorText(.maxRetriesExceeded) == "Unable to connect: Max reconnection attempts exceeded.")
    }

    /// A target's row shows its most alarming session, "Last updated" and its share of stale data.
    @Test func targetRowShowsTheWorstSession() {
        let target = TargetStatus(
            name: "dashboard",
            url: "ws://example.org/ws",
            maxReconnectAttempts: 10,
            sessions: [
                Self.session(0, .receivingData, stale: true, lastMessage: Self.now.addingTimeInterval(-2.5)),
                Self.session(1, .reconnecting, attempt: 2),
                Self.session(2, .reconnecting, attempt: 4),
            ]
        )
        let html = StatusPage.target(target, in: StatusReport(generatedAt: Self.now, targets: [target]))
        let summary = html[..<(html.range(of: "</summary>")?.lowerBound ?? html.endIndex)]
        #expect(summary.contains("Reconnecting… (attempt 4/10)<span class=\"bar\"><span style=\"width:40%\">"))
        #expect(summary.contains("Stale data (1/3)"))
        #expect(summary.contains("Last updated: 2s ago"))
        #expect(
            summary.contains("<span class=\"chip\">1 receiving_data</span><span class=\"chip\">2 reconnecting</span>")
        )
        #expect(!summary.contains("Retry"))
    }

    /// Names, URLs and failure details are escaped, and a name is one encoded path segment.
    @Test func escapesConfigurationAndNetworkText() {
        let target = TargetStatus(
            name: "<img src=x onerror=alert(1)>/&\"'",
            url: "ws://example.org/?q=<b>",
            maxReconnectAttempts: 10,
            sessions: [Self.session(0, .error, error: .authFailed, detail: "HTTP 418 <script>alert(2)</script>")]
        )
        let page = StatusPage.render(StatusReport(generatedAt: Self.now, targets: [target]))
        #expect(!page.contains("<img") && !page.contains("<b>") && !page.contains("<script>alert"))
        #expect(
            page.contains("&lt;img src=x onerror=alert(1)&gt;/&amp;&quot;&#39;<small>ws://example.org/?q=&lt;b&gt;")
        )
        #expect(page.contains("HTTP 418 &lt;script&gt;alert(2)&lt;/script&gt;"))
        #expect(
            page.contains("formaction=\"/api/v1/targets/%3Cimg%20src%3Dx%20onerror%3Dalert(1)%3E%2F%26%22&#39;/retry\"")
        )
        #expect(page.contains("Unable to connect: Authentication failed."))
    }
}
