import Testing

@testable import WSHealthConfig

/// `--shard=INDEX/COUNT`: rendezvous hashing of target names over the replicas.
struct ShardTests {
    static let names = (0..<30).map { "target-\($0)" }

    /// Every target belongs to exactly one replica, and each replica gets some.
    @Test func everyTargetHasExactlyOneOwner() throws {
        let shards = try (0..<3).map { try Shard(index: $0, count: 3) }
        for name in Self.names {
            #expect(shards.filter { $0.owns(name) }.count == 1, "\(name)")
        }
        // 30 names over 3 replicas: a fair hash leaves none with fewer than 5 (checked once,
        // the assignment is fixed).
        for shard in shards {
            #expect(Self.names.filter(shard.owns).count >= 5, "\(shard)")
        }
    }

    /// Going from 3 replicas to 2 moves only the targets of the removed replica.
    @Test func removingAReplicaMovesOnlyItsTargets() {
        var moved = 0
        for name in Self.names {
            let before = Shard.owner(of: name, among: 3)
            let after = Shard.owner(of: name, among: 2)
            if before < 2 {
                #expect(after == before, "\(name) moved from \(before) to \(after)")
            } else {
                moved += 1
            }
        }
        #expect(moved > 0)
    }

    /// The assignment depends on the name alone, and is pinned: during a rolling upgrade
    /// replicas of two versions run side by side, and a changed hash would have them disagree
    /// (targets watched twice or not at all). These owners were recorded when the hash was chosen.
    @Test func assignmentIsStable() {
        #expect(Shard.weight(of: "", replica: 0) == Shard.weight(of: "", replica: 0))
        #expect(Shard.weight(of: "a", replica: 0) != Shard.weight(of: "a", replica: 1))
        #expect(Self.names.prefix(6).map { Shard.owner(of: $0, among: 3) } == Self.expectedOwners)
    }
    static let expectedOwners = [1, 1, 0, 1, 2, 0]

    @Test(arguments: [
        ("0/1", "0/1"), ("2/3", "2/3"),
    ])
    func parses(text: String, expected: String) throws {
        #expect(try Shard(parsing: text).description == expected)
    }

    @Test(arguments: [
        ("3/3", "the shard index must be in 0..<3, got 3"),
        ("-1/3", "the shard index must be in 0..<3, got -1"),
        ("0/0", "the shard count must be at least 1, got 0"),
        ("1", "must be INDEX/COUNT, e.g. 0/3, got \"1\""),
        ("a/b", "must be INDEX/COUNT, e.g. 0/3, got \"a/b\""),
        ("1/2/3", "must be INDEX/COUNT, e.g. 0/3, got \"1/2/3\""),
    ])
    func rejects(text: String, message: String) {
        #expect(throws: ShardError.self) { try Shard(parsing: text) }
        do {
            _ = try Shard(parsing: text)
        } catch {
            #expect(error.description == message)
        }
    }

    /// `assigned(to:)` keeps the owned targets in their order, and the alerting section.
    @Test func assignedConfigurationKeepsOwnedTargets() throws {
        let yaml = "targets:\n" + Self.names.map { "  - {name: \($0), url: 'ws://127.0.0.1:1/x'}\n" }.joined()
        let configuration = try AgentConfiguration.parse(yaml: yaml, environment: [:])
        let shard = try Shard(index: 1, count: 3)
        let assigned = configuration.assigned(to: shard)
        #expect(assigned.targets.map(\.name) == Self.names.filter(shard.owns))
        #expect(assigned.alerting == configuration.alerting)
        #expect(configuration.assigned(to: .all) == configuration)
    }
}
