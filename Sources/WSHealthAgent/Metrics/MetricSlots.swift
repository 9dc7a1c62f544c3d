import Synchronization

/// A fixed number of integers in one allocation, each updated and read atomically with relaxed
/// ordering: what sessions record into and what a scrape reads, without either waiting for the
/// other.
final class MetricSlots: @unchecked Sendable {
    /// The slots, for a scrape to read with ``load(_:from:)`` without retaining this object
    /// for every read. Valid while this object lives.
    let base: UnsafeMutablePointer<Atomic<Int>>
    /// The number of slots.
    let count: Int

    /// `count` slots at 0.
    init(count: Int) {
        self.count = count
        self.base = .allocate(capacity: count)
        for slot in 0..<count { (self.base + slot).initialize(to: Atomic(0)) }
    }

    deinit {
        self.base.deinitialize(count: self.count)
        self.base.deallocate()
    }

    /// Adds `delta` (negative to subtract).
    @inline(__always)
    func add(_ delta: Int, to slot: Int) {
        precondition(slot >= 0 && slot < self.count)
        self.base[slot].wrappingAdd(delta, ordering: .relaxed)
    }

    /// Raises the slot to `value` if it is lower.
    @inline(__always)
    func raise(_ slot: Int, to value: Int) {
        precondition(slot >= 0 && slot < self.count)
        _ = self.base[slot].max(value, ordering: .relaxed)
    }

    @inline(__always)
    func store(_ value: Int, in slot: Int) {
        precondition(slot >= 0 && slot < self.count)
        self.base[slot].store(value, ordering: .relaxed)
    }

    @inline(__always)
    func load(_ slot: Int) -> Int {
        precondition(slot >= 0 && slot < self.count)
        return self.base[slot].load(ordering: .relaxed)
    }

    /// A slot of `base`, which holds at least `slot + 1` slots.
    @inline(__always)
    static func load(_ slot: Int, from base: UnsafeMutablePointer<Atomic<Int>>) -> Int {
        base[slot].load(ordering: .relaxed)
    }
}
