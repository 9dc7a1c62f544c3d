import Synchronization

import struct NIOConcurrencyHelpers.NIOLock

/// A fixed number of integers in one allocation, each updated and read atomically with relaxed
/// ordering: what sessions record into and what a scrape reads, without either waiting for the
/// other.
///
/// Every update also counts in ``changes``, after the slot is written: a scrape that finds the
/// count where it was when it last read the slots knows none of them moved, and reads none.
///
/// One event of a session moves several slots together (a transition's counter and the two
/// states' gauges); ``update(_:)`` and ``read(_:)`` take a lock so that a scrape never sees
/// half of one. Nobody else waits on it: the writers are the target's own sessions, a few
/// thousand events a second at most, each holding it for a few additions.
final class MetricSlots: @unchecked Sendable {
    /// The slots, for a scrape to read with ``load(_:from:)`` without retaining this object
    /// for every read. Valid while this object lives.
    let base: UnsafeMutablePointer<Atomic<Int>>
    /// The number of slots.
    let count: Int
    private let lock = NIOLock()
    /// The slot after the last: the number of updates so far.
    private var changesSlot: Int { self.count }

    /// `count` slots at 0.
    init(count: Int) {
        self.count = count
        // One more, for the count of updates, in the same allocation: the lines updates write anyway.
        self.base = .allocate(capacity: count + 1)
        for slot in 0...count { (self.base + slot).initialize(to: Atomic(0)) }
    }

    deinit {
        self.base.deinitialize(count: self.count + 1)
        self.base.deallocate()
    }

    /// Runs `body`, which updates slots, so that no ``read(_:)`` sees part of it.
    @inline(__always)
    func update<Result>(_ body: () -> Result) -> Result {
        self.lock.withLock(body)
    }

    /// Runs `body`, which reads slots, between two ``update(_:)``s.
    @inline(__always)
    func read<Result>(_ body: () -> Result) -> Result {
        self.lock.withLock(body)
    }

    /// The number of updates so far. Read before the slots: an update it does not count may
    /// or may not be seen in them, and counts at the next read.
    var changes: Int { self.base[self.changesSlot].load(ordering: .acquiring) }

    /// Adds `delta` (negative to subtract).
    @inline(__always)
    func add(_ delta: Int, to slot: Int) {
        precondition(slot >= 0 && slot < self.count)
        self.base[slot].wrappingAdd(delta, ordering: .relaxed)
        self.countChange()
    }

    /// Raises the slot to `value` if it is lower.
    @inline(__always)
    func raise(_ slot: Int, to value: Int) {
        precondition(slot >= 0 && slot < self.count)
        _ = self.base[slot].max(value, ordering: .relaxed)
        self.countChange()
    }

    @inline(__always)
    func store(_ value: Int, in slot: Int) {
        precondition(slot >= 0 && slot < self.count)
        self.base[slot].store(value, ordering: .relaxed)
        self.countChange()
    }

    /// Stores a `Double` as its bit pattern, for lines that read it as one
    /// (``SeriesLines/Value/decimal(slot:)``).
    func store(_ value: Double, in slot: Int) {
        self.store(Int(bitPattern: UInt(value.bitPattern)), in: slot)
    }

    /// Publishes the slot written before it to a scrape that reads ``changes``.
    @inline(__always)
    private func countChange() {
        self.base[self.changesSlot].wrappingAdd(1, ordering: .releasing)
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
