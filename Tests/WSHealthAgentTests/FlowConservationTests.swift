import Foundation
import Synchronization
import Testing
import WSConnectionStateMachine

@testable import WSHealthAgent
@testable import WSHealthBackend

/// A scrape is a consistent snapshot of each target: whatever its sessions are doing while it
/// reads, for every state the sessions that entered it minus those that left it (by
/// `wshealth_state_transitions_total`), plus those that started there, are the sessions in it
/// now (`wshealth_sessions`).
struct FlowConservationTests {
    @Test func everyScrapeConservesSessions() throws {
        let sessionsPerThread = 5
        let threads = 2
        let registry = MetricsRegistry()
        let target = TargetStatistics(
            target: "t",
            sessions: sessionsPerThread * threads,
            policy: .spec,
            registry: registry
        )
        let finished = Atomic(0)
        for thread in 0..<threads {
            Thread.detachNewThread {
                Self.drive(sessions: sessionsPerThread, events: 20_000, seed: UInt64(thread), into: target)
                finished.add(1, ordering: .releasing)
            }
        }
        var scrapes = 0
        var whileRecording = 0
        repeat {
            let recording = finished.load(ordering: .acquiring) < threads
            let problem = Self.conservationProblem(registry.exposition(), initial: sessionsPerThread * threads)
            try #require(problem == nil, "scrape \(scrapes): \(problem ?? "")")
            scrapes += 1
            if recording { whileRecording += 1 }
        } while finished.load(ordering: .acquiring) < threads && scrapes < 100_000
        #expect(finished.load(ordering: .acquiring) == threads)
        #expect(whileRecording > 0)
    }

    /// `events` random events of `sessions` sessions, each recorded as a session records it.
    static func drive(sessions: Int, events: Int, seed: UInt64, into target: TargetStatistics) {
        var machines = (0..<sessions).map { ConnectionStateMachine<MonotonicInstant>(policy: .spec, seed: UInt64($0)) }
        var random = WSHealthBackend.SplitMix64(seed: seed)
        var now = MonotonicInstant(nanoseconds: 1_000_000_000)
        for _ in 0..<events {
            now = now + .milliseconds(Int.random(in: 1...3000, using: &random))
            let session = Int.random(in: 0..<sessions, using: &random)
            let action =
                switch Int.random(in: 0..<7, using: &random) {
                case 0: machines[session].connect(at: now)
                case 1: machines[session].handshakeSucceeded(at: now)
                case 2: machines[session].handshakeFailed(.refused, at: now)
                case 3, 4: machines[session].messageReceived(at: now)
                case 5: machines[session].connectionClosed(.networkError, at: now)
                default: machines[session].timerFired(at: now)
                }
            target.record(action)
        }
    }

    /// What breaks conservation in `exposition`, or nil.
    static func conservationProblem(_ exposition: String, initial: Int) -> String? {
        var sessions: [String: Int] = [:]
        var flow: [String: Int] = ["disconnected": initial]
        for line in exposition.split(separator: "\n") {
            guard let value = line.split(separator: " ").last.flatMap({ Int($0) }) else { continue }
            let labels = Self.labels(line)
            if line.hasPrefix("wshealth_sessions{"), let state = labels["state"] {
                sessions[state] = value
            } else if line.hasPrefix("wshealth_state_transitions_total{"), let from = labels["from"],
                let to = labels["to"], from != to
            {
                flow[to, default: 0] += value
                flow[from, default: 0] -= value
            }
        }
        guard sessions.count == ConnectionState.allCases.count else { return "states missing: \(sessions)" }
        for (state, count) in sessions where flow[state, default: 0] != count {
            return "\(state): \(count) sessions, \(flow[state, default: 0]) by transitions"
        }
        return nil
    }

    private static func labels(_ line: Substring) -> [String: String] {
        guard let open = line.firstIndex(of: "{"), let close = line.firstIndex(of: "}") else { return [:] }
        var labels: [String: String] = [:]
        for pair in line[line.index(after: open)..<close].split(separator: ",") {
            let parts = pair.split(separator: "=", maxSplits: 1)
            if parts.count == 2 { labels[String(parts[0])] = String(parts[1].dropFirst().dropLast()) }
        }
        return labels
    }
}
