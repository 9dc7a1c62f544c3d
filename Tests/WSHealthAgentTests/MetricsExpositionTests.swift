import NIOCore
import Testing
import WSConnectionStateMachine
import WSHealthAlerting

@testable import WSHealthAgent
@testable import WSHealthBackend

/// What a scrape keeps for the next: the families that did not move are the last scrape's
/// buffers, the others are written again, and either way the exposition is the one a scrape
/// with nothing kept writes.
struct MetricsExpositionTests {
    /// Sessions of three targets go through random events (every state, up and down, failures,
    /// messages, alerts on and off) with scrapes in between, mostly in one format: after every
    /// step, the exposition that keeps what it wrote equals one written from nothing.
    @Test func keptFamiliesShowTheSameAsAFreshScrape() {
        let registry = MetricsRegistry()
        let targets = (0..<3).map { TargetStatistics(target: "t\($0)", sessions: 2, policy: .spec, registry: registry) }
        var kept = FamilyTable<TargetStatistics>(MetricDescriptors.target)
        for target in targets { kept.register(target) }
        var machines = (0..<6).map { ConnectionStateMachine<MonotonicInstant>(policy: .spec, seed: UInt64($0)) }
        var random = WSHealthBackend.SplitMix64(seed: 42)
        var now = MonotonicInstant(nanoseconds: 1_000_000_000)
        var scrapesThatWroteNothing = 0
        var previous: [ByteBuffer] = []
        for step in 0..<400 {
            // Several events between two scrapes, or none at all.
            for _ in 0..<Int.random(in: 0...3, using: &random) {
                now = now + .milliseconds(Int.random(in: 1...3000, using: &random))
                let session = Int.random(in: 0..<machines.count, using: &random)
                let target = targets[session / 2]
                let action: ConnectionStateMachine<MonotonicInstant>.Action?
                switch Int.random(in: 0..<8, using: &random) {
                case 0: action = machines[session].connect(at: now)
                case 1: action = machines[session].handshakeSucceeded(at: now)
                case 2:
                    let reason = ConnectionFailureReason.allCases.randomElement(using: &random)!
                    action = machines[session].handshakeFailed(reason, at: now)
                case 3, 4:
                    action = machines[session].messageReceived(at: now)
                    target.recordMessage()
                case 5: action = machines[session].connectionClosed(.networkError, at: now)
                case 6: action = machines[session].timerFired(at: now)
                default:
                    action = nil
                    target.recordFiring(Set(AlertRule.allCases.filter { _ in Bool.random(using: &random) }))
                }
                if let action { target.record(action) }
            }
            var fresh = FamilyTable<TargetStatistics>(MetricDescriptors.target)
            for target in targets { fresh.register(target) }
            // Now and then a scrape in the other format, which writes every family again.
            let format: ExpositionFormat = Int.random(in: 0..<10, using: &random) == 0 ? .openMetrics : .text
            let parts = Self.render(&kept, as: format)
            #expect(Self.text(parts) == Self.text(Self.render(&fresh, as: format)), "step \(step)")
            if zip(parts, previous).allSatisfy(Self.sameStorage) { scrapesThatWroteNothing += 1 }
            previous = parts
        }
        // Both paths ran: scrapes that found nothing moved, and the others.
        #expect(scrapesThatWroteNothing > 20)
        #expect(scrapesThatWroteNothing < 300)
    }

    /// A family none of whose series moved is sent as the buffer the last scrape made (no
    /// copy); one whose series moved is a new buffer, and the old one, which a response may
    /// still be sending, is left as it was.
    @Test func unchangedFamiliesAreTheLastScrapesBuffers() throws {
        let registry = MetricsRegistry()
        let target = TargetStatistics(target: "t", sessions: 1, policy: .spec, registry: registry)
        var exposition = FamilyTable<TargetStatistics>(MetricDescriptors.target)
        exposition.register(target)
        let first = Self.render(&exposition)
        let second = Self.render(&exposition)
        #expect(first.count == second.count)
        for (old, new) in zip(first, second) { #expect(Self.sameStorage(old, new)) }

        target.recordMessage()
        let third = Self.render(&exposition)
        let messages = try #require(
            MetricDescriptors.target.firstIndex { $0.name == MetricDescriptors.messagesReceived.name }
        )
        // Parts: a family each, its metadata then its lines.
        let header = String(decoding: MetricDescriptors.messagesReceived.metadata(in: .text), as: UTF8.self)
        #expect(!Self.sameStorage(second[messages], third[messages]))
        #expect(String(buffer: second[messages]) == header + "wshealth_messages_received_total{target=\"t\"} 0\n")
        #expect(String(buffer: third[messages]) == header + "wshealth_messages_received_total{target=\"t\"} 1\n")
        #expect(Self.sameStorage(second[0], third[0]))
    }

    /// A target that comes or goes between two scrapes is in or out of every family.
    @Test func targetsComingAndGoing() {
        let registry = MetricsRegistry()
        let first = TargetStatistics(target: "a", sessions: 1, policy: .spec, registry: registry)
        var exposition = FamilyTable<TargetStatistics>(MetricDescriptors.target)
        exposition.register(first)
        _ = Self.text(&exposition)
        let second = TargetStatistics(target: "b", sessions: 1, policy: .spec, registry: registry)
        exposition.register(second)
        var text = Self.text(&exposition)
        #expect(text.contains(#"wshealth_sessions{target="b",state="disconnected"} 1"#))
        #expect(text.contains(#"wshealth_alerts_firing{target="b",alertname="WebSocketTargetDown"} 0"#))
        exposition.unregister(first)
        text = Self.text(&exposition)
        #expect(!text.contains(#"target="a""#))
        #expect(text.contains(#"target="b""#))
    }

    /// Every update of a slot counts, so a scrape can tell that none happened.
    @Test func slotsCountTheirUpdates() {
        let slots = MetricSlots(count: 3)
        #expect(slots.changes == 0)
        slots.add(2, to: 0)
        slots.raise(1, to: 5)
        slots.raise(1, to: 4)
        slots.store(7, in: 2)
        #expect(slots.changes == 4)
        #expect([slots.load(0), slots.load(1), slots.load(2)] == [2, 5, 7])
    }

    private static func render(
        _ table: inout FamilyTable<TargetStatistics>,
        as format: ExpositionFormat = .text
    ) -> [ByteBuffer] {
        var parts: [ByteBuffer] = []
        table.render(as: format, allocator: ByteBufferAllocator(), into: &parts)
        return parts
    }

    private static func text(_ parts: [ByteBuffer]) -> String {
        parts.map { String(buffer: $0) }.joined()
    }

    private static func text(_ exposition: inout FamilyTable<TargetStatistics>) -> String {
        Self.text(Self.render(&exposition))
    }

    private static func sameStorage(_ first: ByteBuffer, _ second: ByteBuffer) -> Bool {
        first.withUnsafeReadableBytes { one in second.withUnsafeReadableBytes { $0.baseAddress == one.baseAddress } }
    }
}
