import Foundation
import Testing
import WSHealthAgent
import WSHealthBackend

#if canImport(FoundationNetworking)
import FoundationNetworking
import WSHealthTestReceiver
#endif

extension ExternalProcesses {
    /// The status page in a real browser (headless Chromium): the badge of each state after the
    /// page's script has redrawn it, and the Retry button clicked for real.
    @Suite(.serialized, .timeLimit(.minutes(1)))
    struct StatusPageBrowserTests {
        /// A target name that is markup: it must show up as text, never as an element.
        static let hostileName = "<img src=x onerror=alert(1)>"

        /// Three targets: `live` (healthy), `broken` (its token is refused: `error`) and `nowhere`
        /// (nothing listens; an hour of backoff keeps it in `reconnecting`, attempt 1); and a healthy
        /// one named ``hostileName``.
        static func threeStates() async throws -> AgentHarness {
            let nowhere = try refusingLoopbackPort()
            let harness = try await AgentHarness(
                target: """
                      - name: live
                        url: URL
                        token: {jwt: {secret_file: SECRET_FILE}}
                        expect: {interval: 100ms}
                      - name: broken
                        url: URL
                        token: {value: not-a-jwt}
                      - name: nowhere
                        url: ws://127.0.0.1:\(nowhere)/api/ws/metrics
                        reconnect: {initial_delay: 1h, max_delay: 1h, max_attempts: 10}
                      - name: '\(hostileName)'
                        url: URL
                        token: {jwt: {secret_file: SECRET_FILE}}

                    """
            )
            await harness.eventually("one session in each state") {
                harness.sessions("live", "receiving_data") == 1 && harness.sessions("broken", "error") == 1
                    && harness.sessions("nowhere", "reconnecting") == 1
            }
            return harness
        }

        /// The markup of one target's block in the page.
        static func block(_ page: String, _ target: String) -> Substring {
            guard let start = page.range(of: "data-target=\"\(target)\"") else { return "" }
            let rest = page[start.lowerBound...]
            return rest[..<(rest.range(of: "</details>")?.upperBound ?? rest.endIndex)]
        }

        /// Checks the badges of `threeStates()` in `page`.
        static func expectThreeStates(_ page: String, sourceLocation: SourceLocation = #_sourceLocation) {
            let live = self.block(page, "live")
            #expect(
                live.contains("<span class=\"badge b-live\"><i class=\"pulse\"></i>Live</span>"),
                sourceLocation: sourceLocation
            )
            #expect(live.contains(/Last updated: \ds ago/), sourceLocation: sourceLocation)
            #expect(!live.contains("Retry"), sourceLocation: sourceLocation)
            let broken = self.block(page, "broken")
            #expect(broken.contains("Connection Failed</span>"), sourceLocation: sourceLocation)
            #expect(broken.contains("Unable to connect: Authentication failed."), sourceLocation: sourceLocation)
            #expect(broken.contains("HTTP 403 Forbidden"), sourceLocation: sourceLocation)
            #expect(
                broken.contains(
                    "<button class=\"retry\" type=\"submit\" form=\"retry\" formaction=\"/api/v1/targets/broken/retry\">"
                        + "Retry</button>"
                ),
                sourceLocation: sourceLocation
            )
            let nowhere = self.block(page, "nowhere")
            #expect(nowhere.contains("Reconnecting… (attempt 1/10)"), sourceLocation: sourceLocation)
            #expect(nowhere.contains("Last updated: never"), sourceLocation: sourceLocation)
            #expect(page.contains("<form id=\"retry\" method=\"post\"></form>"), sourceLocation: sourceLocation)
            #expect(!page.contains("<img"), "a target name became markup", sourceLocation: sourceLocation)
            #expect(page.contains("&lt;img src=x onerror=alert(1)&gt;"), sourceLocation: sourceLocation)
            for link in ["/metrics", "/api/v1/targets", "/-/healthy", "/-/ready"] {
                #expect(page.contains("<a href=\"\(link)\">"), "no link to \(link)", sourceLocation: sourceLocation)
            }
        }

        /// After the script ran (`--dump-dom` with 3 s of virtual time, so it polled the API and
        /// redrew): "Live", "Connection Failed" with its message and Retry button, "Reconnecting…
        /// (attempt 1/10)".
        @Test func badgesAfterTheScriptRan() async throws {
            try await AgentHarness.scoped(Self.threeStates()) { harness in
                let page = try await Chromium.dumpDOM("http://127.0.0.1:\(try await harness.agent.listeningPort())/")
                #expect(
                    page.contains("<body data-rendered-by=\"script\">"),
                    "the page's script did not redraw the page"
                )
                #expect(page.contains("refreshing every 2 s"))
                Self.expectThreeStates(page)
            }
        }

        /// Without JavaScript the server's own rendering shows the same badges.
        @Test func badgesWithoutJavaScript() async throws {
            try await AgentHarness.scoped(Self.threeStates()) { harness in
                var request = URLRequest(
                    url: URL(string: "http://127.0.0.1:\(try await harness.agent.listeningPort())/")!
                )
                request.setValue("close", forHTTPHeaderField: "Connection")
                let (data, response) = try await URLSession.shared.data(for: request)
                #expect(
                    (response as? HTTPURLResponse)?.value(forHTTPHeaderField: "Content-Type")
                        == "text/html; charset=utf-8"
                )
                let page = String(decoding: data, as: UTF8.self)
                #expect(page.contains("<body data-rendered-by=\"server\">"))
                Self.expectThreeStates(page)
            }
        }

        /// The Retry button, clicked in the browser, POSTs to the API, says what it did, and the
        /// page shows the target live again once tokens are accepted.
        @Test func retryButtonInTheBrowser() async throws {
            try await AgentHarness.scoped(AgentHarness(target: fastTarget())) { harness in
                await harness.eventually("receiving data") { harness.sessions("t", "receiving_data") == 1 }
                try await harness.backend.apply(.refuseTokens(enabled: true))
                try await harness.backend.apply(.drop)
                await harness.eventually("error") { harness.sessions("t", "error") == 1 }
                try await harness.backend.apply(.refuseTokens(enabled: false))
                let url = "http://127.0.0.1:\(try await harness.agent.listeningPort())/"
                let (notice, block) = try await ChromiumDevTools.with { browser in
                    try await browser.open(url)
                    let notice = try await browser.evaluate(Self.clickRetry)
                    let block = try await browser.evaluate(Self.waitForLive)
                    return (notice, block)
                }
                #expect(notice == "Retried 1 session of t.")
                #expect(block.contains("Live</span>"))
                #expect(!block.contains("Retry"))
                #expect(harness.sessions("t", "receiving_data") == 1)
            }
        }

        /// A session's flight recorder, end to end: stale and fresh data, a server close with its
        /// code and reason, a refused token, the operator's Retry — read back from the events
        /// endpoint in order, then opened under the session's row in Chromium, newest first and in
        /// the badges' colours, and still open after the page's next redraw.
        @Test func sessionTimeline() async throws {
            let target = fastTarget(expect: "{interval: 100ms, stale_after: 1s}")
            try await AgentHarness.scoped(AgentHarness(target: target)) { harness in
                let live = { harness.sessions("t", "receiving_data") == 1 }
                await harness.eventually("receiving data", live)
                try await harness.backend.apply(.stall(enabled: true))
                await harness.eventually("stale") {
                    harness.metric("wshealth_data_stale_sessions", ["target": "t"]) == 1
                }
                try await harness.backend.apply(.stall(enabled: false))
                await harness.eventually("fresh") {
                    harness.metric("wshealth_data_stale_sessions", ["target": "t"]) == 0
                }
                try await harness.backend.apply(.close(code: 1011, reason: "maintenance"))
                await harness.eventually("back after the close") {
                    harness.metric("wshealth_disconnects_total", ["target": "t", "cause": "server_closed"]) == 1
                        && live()
                }
                try await harness.backend.apply(.refuseTokens(enabled: true))
                try await harness.backend.apply(.drop)
                await harness.eventually("error") { harness.sessions("t", "error") == 1 }
                try await harness.backend.apply(.refuseTokens(enabled: false))
                let base = "http://127.0.0.1:\(try await harness.agent.listeningPort())"
                _ = try await requestJSON("\(base)/api/v1/targets/t/retry", method: "POST")
                await harness.eventually("live after Retry", live)

                let (status, report) = try await requestJSON("\(base)/api/v1/targets/t/sessions/0/events")
                #expect(status == 200)
                #expect(report["target"] as? String == "t" && report["session"] as? Int == 0)
                let events = try #require(report["events"] as? [[String: Any]]).reversed()
                let names = events.map { ($0["event"] as? String) ?? ($0["kind"] as? String ?? "?") }
                let expected = [
                    "connect", "handshake_succeeded", "first_message", "stale_marked", "stale_cleared",
                    "connection_closed", "auto_reconnect", "retry_attempt", "handshake_succeeded", "first_message",
                    "connection_closed", "authentication_failed", "retry_requested", "connect",
                    "handshake_succeeded", "first_message",
                ]
                var remaining = names[...]
                for name in expected {
                    guard let found = remaining.firstIndex(of: name) else {
                        Issue.record("\(name) missing, in order, from \(names)")
                        break
                    }
                    remaining = remaining[(found + 1)...]
                }
                let close = events.first { $0["close_code"] as? Int == 1011 }
                #expect(close?["reason"] as? String == "server_closed" && close?["detail"] as? String == "maintenance")
                let refused = events.first { $0["event"] as? String == "authentication_failed" }
                #expect(refused?["http_status"] as? Int == 403 && refused?["reason"] as? String == "auth_failed")
                #expect(try await requestJSON("\(base)/api/v1/targets/t/sessions/1/events").status == 404)
                #expect(try await requestJSON("\(base)/api/v1/targets/nope/sessions/0/events").status == 404)

                let items = try await ChromiumDevTools.with { browser in
                    try await browser.open("\(base)/")
                    return try await browser.evaluate(Self.openTimeline)
                }
                let shown = try #require(
                    try JSONSerialization.jsonObject(with: Data(items.utf8)) as? [[String]],
                    "not a list: \(items)"
                )
                #expect(shown.count == events.count, "one item per event")
                #expect(shown.first?.first == "badge b-live", "the newest first: \(shown.first ?? [])")
                #expect(shown.first?.last?.contains("first_message") == true)
                #expect(shown.contains { $0[0] == "badge b-error" && $0[1].contains("HTTP 403") })
                #expect(shown.contains { $0[0] == "badge b-stale" && $0[1].contains("Stale data") })
                #expect(shown.contains { $0[1].contains("close 1011") && $0[1].contains("maintenance") })
            }
        }

        /// Opens target `t` and its session 0's timeline, waits for the page's next redraw (at most
        /// 10 s each), and returns the timeline's items as JSON: `[[badge class, text]]`.
        static let openTimeline = """
            (async () => {
              const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
              const items = () => [...document.querySelectorAll("tr.timeline li.event")];
              for (let i = 0; i < 200 && document.body.dataset.renderedBy !== "script"; i++) await sleep(50);
              document.querySelector('details[data-target="t"]').open = true;
              document.querySelector('details[data-target="t"] tr[data-session="0"] button.timeline').click();
              for (let i = 0; i < 200 && items().length === 0; i++) await sleep(50);
              const refreshed = document.getElementById("refreshed").textContent;
              for (let i = 0; i < 200 && document.getElementById("refreshed").textContent === refreshed; i++) {
                await sleep(50);
              }
              return JSON.stringify(items().map((li) => [li.querySelector(".badge").className, li.textContent]));
            })()
            """

        /// Clicks target `t`'s Retry button and returns the notice the page shows (within 10 s).
        static let clickRetry = """
            (async () => {
              const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
              const button = document.querySelector('button.retry[formaction="/api/v1/targets/t/retry"]');
              if (!button) return "no Retry button: " + document.getElementById("targets").innerHTML;
              button.click();
              for (let i = 0; i < 200 && !document.getElementById("notice").textContent; i++) await sleep(50);
              return document.getElementById("notice").textContent;
            })()
            """

        /// Waits (at most 10 s) until the page shows target `t` live; returns its block's markup.
        static let waitForLive = """
            (async () => {
              const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
              const block = () => document.querySelector('details[data-target="t"]');
              for (let i = 0; i < 200 && !block().innerHTML.includes("b-live"); i++) await sleep(50);
              return block().outerHTML;
            })()
            """
    }
}
