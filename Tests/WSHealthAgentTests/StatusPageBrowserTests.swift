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
