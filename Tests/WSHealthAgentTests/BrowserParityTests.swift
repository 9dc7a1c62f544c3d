import Foundation
import NIOCore
import Testing
import WSConnectionStateMachine
import WSHealthBackend

@testable import WSHealthAgent

extension ExternalProcesses {
    /// The agent's sessions live what the dashboard's users live: the design document's store, in
    /// headless Chromium, and an agent at its default settings (timings scaled to a 100 ms message
    /// interval) watch the same reference backend through one script of faults. After each fault
    /// the edges each went through must be the same — except for the departures the README names,
    /// each asserted as that difference.
    @Suite(.timeLimit(.minutes(3)))
    struct BrowserParityTests {
        /// A state change, `from→to`.
        typealias Edge = String

        static let target = fastTarget(
            expect: "{interval: 100ms}",
            reconnect: "{initial_delay: 1s, max_delay: 30s, max_attempts: 10}",
            handshakeTimeout: "10s",
            ping: "{timeout: 1s}"
        )

        @Test func agentTakesTheBrowsersEdges() async throws {
            try await AgentHarness.scoped(AgentHarness(target: Self.target)) { harness in
                let token = try await harness.validToken()
                let (file, url) = try DashboardStore.write(
                    for: "ws://127.0.0.1:\(harness.backendPort)/api/ws/metrics?token=\(token)"
                )
                defer { try? FileManager.default.removeItem(at: file) }
                try await ChromiumDevTools.with(timeout: .seconds(170)) { browser in
                    try await browser.open(url)
                    let run = ParityRun(harness: harness, browser: browser)
                    try await run.bothReceiving("start")

                    // Faults both sides go through the same way.
                    for (name, fault) in [
                        ("server close 1011", [BackendFault.close(code: 1011, reason: "internal error")]),
                        ("TCP drop", [.drop]),
                        ("invalid UTF-8 text", [.badFrame(.invalidUTF8)]),
                        ("invalid close code", [.badFrame(.invalidCloseCode)]),
                        ("corrupt compressed frame", [.badFrame(.corruptCompressed)]),
                    ] {
                        let (browserEdges, agentEdges) = try await run.phase(name) {
                            for fault in fault { try await harness.backend.apply(fault) }
                        }
                        #expect(browserEdges == agentEdges, "\(name)")
                        #expect(browserEdges.contains("receiving_data→disconnected"), "\(name): \(browserEdges)")
                    }

                    let (downBrowser, downAgent) = try await run.phase("backend down and back") {
                        try await harness.backend.apply(.down(duration: .seconds(3)))
                    }
                    #expect(downBrowser == downAgent)
                    #expect(downBrowser.contains("connecting→disconnected"), "a refused attempt: \(downBrowser)")

                    // Departure: the agent marks stale data and pings; the browser sees nothing.
                    let (stallBrowser, stallAgent) = try await run.phase("stall", browserMoves: false) {
                        let lost = harness.metric("wshealth_disconnects_total", ["cause": "network_error"]) ?? 0
                        try await harness.backend.apply(.stall(enabled: true))
                        await harness.eventually("stale") { harness.metric("wshealth_data_stale_sessions") == 1 }
                        await harness.eventually("ping timeout", timeout: .seconds(15)) {
                            harness.metric("wshealth_disconnects_total", ["cause": "network_error"]) ?? 0 > lost
                        }
                        try await harness.backend.apply(.stall(enabled: false))
                    }
                    #expect(stallBrowser.isEmpty, "the browser has no keepalive: \(stallBrowser)")
                    #expect(stallAgent.isSuperset(of: ["receiving_data→disconnected", "connected→receiving_data"]))

                    // Departure: HTTP 403 on the upgrade is `error` for the agent, a reconnect for the browser.
                    let (forbiddenBrowser, forbiddenAgent) = try await run.phase("HTTP 403") {
                        let mark = try await run.browserEdgeCount()
                        try await harness.backend.apply(.refuseTokens(enabled: true))
                        try await harness.backend.apply(.drop)
                        await harness.eventually("agent in error") { harness.sessions("t", "error") == 1 }
                        try await run.browserReaches(
                            edge: "connecting→disconnected",
                            since: mark,
                            what: "browser refused"
                        )
                        try await harness.backend.apply(.refuseTokens(enabled: false))
                        _ = try await harness.agent.targets[0].retry().get()
                    }
                    #expect(forbiddenAgent.contains("connecting→error"))
                    #expect(!forbiddenBrowser.contains("connecting→error"))
                    #expect(forbiddenBrowser.contains("connecting→disconnected"))

                    // The same again: close 1008 after the upgrade is `error` on both sides.
                    let policyBrowser = try await run.browserEdgeCount()
                    let policyAgent = run.agentTransitions()
                    try await harness.backend.apply(.close(code: 1008, reason: "token expired"))
                    await harness.eventually("agent in error") { harness.sessions("t", "error") == 1 }
                    try await run.browserReaches(
                        edge: "receiving_data→error",
                        since: policyBrowser,
                        what: "browser in error"
                    )
                    #expect(try await run.browserEdges(since: policyBrowser) == ["receiving_data→error"])
                    #expect(run.agentEdges(since: policyAgent) == ["receiving_data→error"])

                    // Departure: the first backoff delay. The store's code waits 2 s before its first
                    // retry; the agent follows the spec's table, 1 s.
                    let delays = try await browser.evaluate("JSON.stringify(parity.delays)")
                    #expect(delays.hasPrefix("[2000,"), "\(delays)")
                    #expect(ReconnectBackoff().delay(forAttempt: 1, unitRandom: 0) == .seconds(1))
                    // What the browser reported for each close, for the README's table.
                    let codes = try await browser.evaluate("JSON.stringify(parity.closeCodes)")
                    #expect(codes.contains("1008"), "\(codes)")
                }
            }
        }
    }
}

/// One browser and one agent session, observed side by side.
struct ParityRun {
    let harness: AgentHarness
    let browser: ChromiumDevTools

    /// Runs `fault`, waits until both sides receive data again, and returns the edges each took
    /// meanwhile (a change of state only: the store never assigns the same state again).
    func phase(
        _ name: String,
        browserMoves: Bool = true,
        _ fault: () async throws -> Void
    ) async throws -> (
        browser: Set<ExternalProcesses.BrowserParityTests.Edge>, agent: Set<ExternalProcesses.BrowserParityTests.Edge>
    ) {
        let browserMark = try await self.browserEdgeCount()
        let agentMark = self.agentTransitions()
        try await fault()
        await self.harness.eventually("\(name): the agent moved", timeout: .seconds(20)) {
            self.agentTransitions() != agentMark
        }
        if browserMoves {
            let deadline = ContinuousClock.now + .seconds(20)
            while try await self.browserEdgeCount() == browserMark, ContinuousClock.now < deadline {
                try await Task.sleep(for: .milliseconds(50))
            }
        }
        try await self.bothReceiving(name)
        return (try await self.browserEdges(since: browserMark), self.agentEdges(since: agentMark))
    }

    /// Waits (at most 20 s each) until the browser and the agent receive data.
    func bothReceiving(_ name: String) async throws {
        await self.harness.eventually("\(name): agent receiving data", timeout: .seconds(20)) {
            self.harness.sessions("t", "receiving_data") == 1
        }
        let deadline = ContinuousClock.now + .seconds(20)
        var state = ""
        while state != "receiving_data", ContinuousClock.now < deadline {
            state = try await self.browser.evaluate("parity.state()")
            if state != "receiving_data" { try await Task.sleep(for: .milliseconds(50)) }
        }
        #expect(state == "receiving_data", "\(name): the browser is \(state)")
    }

    /// Waits (at most 20 s) until the browser's log holds `edge` after its first `mark` edges.
    func browserReaches(edge: ExternalProcesses.BrowserParityTests.Edge, since mark: Int, what: String) async throws {
        let deadline = ContinuousClock.now + .seconds(20)
        while ContinuousClock.now < deadline {
            if try await self.browserEdges(since: mark).contains(edge) { return }
            try await Task.sleep(for: .milliseconds(50))
        }
        Issue.record("\(what): no \(edge) in \(try await self.browserEdges(since: mark))")
    }

    func browserEdgeCount() async throws -> Int {
        Int(try await self.browser.evaluate("parity.edges.length")) ?? 0
    }

    func browserEdges(since mark: Int) async throws -> Set<ExternalProcesses.BrowserParityTests.Edge> {
        let text = try await self.browser.evaluate(
            "JSON.stringify(parity.edges.slice(\(mark)).map(([from, to]) => from + '→' + to))"
        )
        let edges = try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String] ?? []
        return Set(edges)
    }

    /// The agent's `wshealth_state_transitions_total` of target `t`, by edge.
    func agentTransitions() -> [ExternalProcesses.BrowserParityTests.Edge: Double] {
        var counts: [ExternalProcesses.BrowserParityTests.Edge: Double] = [:]
        for line in MetricText(self.harness.agent.metrics.exposition()).lines
        where line.hasPrefix("wshealth_state_transitions_total{") && line.contains("target=\"t\"") {
            func label(_ name: String) -> String? {
                guard let start = line.range(of: "\(name)=\"") else { return nil }
                return String(line[start.upperBound...].prefix { $0 != "\"" })
            }
            guard let from = label("from"), let to = label("to"), let space = line.lastIndex(of: " ") else { continue }
            counts["\(from)→\(to)"] = Double(line[line.index(after: space)...])
        }
        return counts
    }

    /// The edges whose counters moved since `mark`, self-loops (a message) left out.
    func agentEdges(
        since mark: [ExternalProcesses.BrowserParityTests.Edge: Double]
    ) -> Set<ExternalProcesses.BrowserParityTests.Edge> {
        Set(
            self.agentTransitions().filter { edge, count in
                let parts = edge.split(separator: "→")
                return parts[0] != parts[1] && count > mark[edge, default: 0]
            }.keys
        )
    }
}
