/// One replica's share of the targets when several agents split a configuration
/// (`--shard=INDEX/COUNT`).
///
/// Each target belongs to exactly one of `count` replicas, chosen by rendezvous (highest random
/// weight) hashing of its name: every replica computes the same owner from the name alone, with
/// no coordination, and when a replica is removed only its own targets move; the others keep
/// theirs. The hash is fixed (FNV-1a and a 64-bit finaliser), so the assignment is the same on
/// every machine, build and restart.
public struct Shard: Sendable, Hashable, CustomStringConvertible {
    /// This replica, `0..<count`.
    public let index: Int
    /// The number of replicas.
    public let count: Int

    /// The whole configuration: one replica owning every target.
    public static let all = Shard(validIndex: 0, count: 1)

    private init(validIndex index: Int, count: Int) {
        self.index = index
        self.count = count
    }

    /// Creates a shard; `index` must be in `0..<count`.
    public init(index: Int, count: Int) throws(ShardError) {
        guard count >= 1 else { throw ShardError("the shard count must be at least 1, got \(count)") }
        guard (0..<count).contains(index) else {
            throw ShardError("the shard index must be in 0..<\(count), got \(index)")
        }
        self.init(validIndex: index, count: count)
    }

    /// Parses `INDEX/COUNT`, e.g. `0/3` (the Kubernetes pod ordinal over the replica count).
    public init(parsing text: String) throws(ShardError) {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2, let index = Int(parts[0]), let count = Int(parts[1]) else {
            throw ShardError("must be INDEX/COUNT, e.g. 0/3, got \(text.debugDescription)")
        }
        try self.init(index: index, count: count)
    }

    /// `INDEX/COUNT`.
    public var description: String { "\(self.index)/\(self.count)" }

    /// Whether this replica monitors the target named `name`.
    public func owns(_ name: String) -> Bool {
        self.count == 1 || Self.owner(of: name, among: self.count) == self.index
    }

    /// The replica, of `count`, that monitors the target named `name`: the one with the
    /// highest weight for it.
    public static func owner(of name: String, among count: Int) -> Int {
        var best = 0
        var bestWeight: UInt64 = 0
        for replica in 0..<count {
            let weight = Self.weight(of: name, replica: replica)
            if replica == 0 || weight > bestWeight {
                best = replica
                bestWeight = weight
            }
        }
        return best
    }

    /// The rendezvous weight of `(name, replica)`: FNV-1a over the name's UTF-8, a NUL
    /// separator and the replica number, then MurmurHash3's finaliser, which spreads FNV's weak
    /// low bits so that similar names (`target-1`, `target-2`) do not land together.
    static func weight(of name: String, replica: Int) -> UInt64 {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        func mix(_ byte: UInt8) {
            hash ^= UInt64(byte)
            hash &*= 0x0000_0100_0000_01b3
        }
        for byte in name.utf8 { mix(byte) }
        mix(0)
        for byte in String(replica).utf8 { mix(byte) }
        hash ^= hash >> 33
        hash &*= 0xff51_afd7_ed55_8ccd
        hash ^= hash >> 33
        hash &*= 0xc4ce_b9fe_1a85_ec53
        hash ^= hash >> 33
        return hash
    }
}

/// A `--shard` value that is not `INDEX/COUNT` with `0 <= INDEX < COUNT`.
public struct ShardError: Error, CustomStringConvertible, Sendable {
    /// What is wrong, with the value given.
    public let description: String

    init(_ description: String) { self.description = description }
}

extension AgentConfiguration {
    /// The configuration with only the targets `shard` owns; alerting unchanged.
    public func assigned(to shard: Shard) -> AgentConfiguration {
        var assigned = self
        assigned.targets = self.targets.filter { shard.owns($0.name) }
        return assigned
    }
}
