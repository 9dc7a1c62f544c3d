import NIOCore

/// What a ``TimerWheel`` holds: an object with a link of its own, so that arming, moving and
/// cancelling its timer allocate nothing and cost O(1).
protocol TimerWheelEntry: AnyObject {
    /// The entry's place in the wheel; only the wheel touches it.
    var timerLink: TimerLink<Self> { get set }
    /// The entry's deadline has come (on the wheel's loop; the entry is no longer armed).
    func timerWheelFired()
}

/// An entry's place in a ``TimerWheel``: its slot's neighbours and its deadline in ticks.
struct TimerLink<Entry: AnyObject> {
    fileprivate var next: Entry?
    /// The list's strong references run forward from the slot's head; a back reference that
    /// kept its entry alive would make a cycle.
    fileprivate unowned(unsafe) var previous: Entry?
    fileprivate var tick: Int64 = -1

    /// An unarmed link.
    init() {}

    /// Whether the entry is in a wheel.
    var isArmed: Bool { self.tick >= 0 }
}

/// The timers of the sessions on one event loop: a hashed timing wheel of `slotCount` slots
/// of one `resolution` each, driven by one NIO callback at the next occupied slot.
///
/// A session's timer is re-armed every few seconds (its ping or stale deadline moves with every
/// message). As one NIO scheduled task each, 5,000 sessions on a loop kept a heap of 5,000
/// tasks, and every re-arm sifted through it, copying (retaining) a task per level: 15 % of the
/// agent's CPU at 10,000 sessions (`perf`). Here a re-arm unlinks and links one entry. A
/// deadline fires up to one `resolution` late, never early.
final class TimerWheel<Entry: TimerWheelEntry>: NIOScheduledCallbackHandler, @unchecked Sendable {
    /// Every access happens on this loop.
    let eventLoop: any EventLoop
    /// The length of a slot.
    let resolution: TimeAmount
    private let slotCount: Int
    private var heads: [Entry?]
    /// One bit per slot: whether it holds an entry. Finds the next occupied slot in
    /// `slotCount / 64` words.
    private var occupied: [UInt64]
    /// Every tick up to this one has been processed: its due entries have fired.
    private var processedTick: Int64
    private var wakeUp: (callback: NIOScheduledCallback, tick: Int64)?
    /// Whether due entries are firing: their re-arms leave the wake-up to the end of the pass.
    private var isFiring = false
    /// Entries due in the current tick, reused from tick to tick.
    private var due: [Entry] = []

    /// Entries armed.
    private(set) var count = 0

    /// A wheel on `eventLoop`; deadlines beyond `slotCount × resolution` wait in their slot for
    /// more turns.
    init(eventLoop: any EventLoop, resolution: TimeAmount = .milliseconds(10), slotCount: Int = 4096) {
        precondition(slotCount > 0 && slotCount % 64 == 0, "the slot count is a multiple of 64")
        precondition(resolution.nanoseconds > 0, "a slot has a length")
        self.eventLoop = eventLoop
        self.resolution = resolution
        self.slotCount = slotCount
        self.heads = Array(repeating: nil, count: slotCount)
        self.occupied = Array(repeating: 0, count: slotCount / 64)
        self.processedTick = eventLoop.now.uptimeNanoseconds.tickFloor(resolution)
    }

    /// Arms (or moves) `entry`'s timer to fire at `deadline`, or at the next tick if that has
    /// passed.
    func arm(_ entry: Entry, at deadline: NIODeadline) {
        self.eventLoop.assertInEventLoop()
        let tick = max(deadline.uptimeNanoseconds.tickCeiling(self.resolution), self.processedTick + 1)
        if entry.timerLink.isArmed {
            if entry.timerLink.tick == tick { return }
            self.unlink(entry)
        }
        self.link(entry, tick: tick)
        if !self.isFiring && self.wakeUp.map({ tick < $0.tick }) ?? true { self.scheduleWakeUp(at: tick) }
    }

    /// Disarms `entry`'s timer, if armed.
    func cancel(_ entry: Entry) {
        self.eventLoop.assertInEventLoop()
        guard entry.timerLink.isArmed else { return }
        self.unlink(entry)
        // The wake-up stays: it finds nothing due, and schedules the next.
    }

    func handleScheduledCallback(eventLoop: some EventLoop) {
        self.wakeUp = nil
        let now = self.eventLoop.now.uptimeNanoseconds.tickFloor(self.resolution)
        // After a stall longer than a turn, one pass over every slot finds everything due.
        let first = max(self.processedTick + 1, now - Int64(self.slotCount) + 1)
        // Moved first: an entry that re-arms while firing lands after `now`, in a slot this
        // pass does not walk again.
        self.processedTick = max(self.processedTick, now)
        if first <= now {
            self.isFiring = true
            for tick in first...now { self.fireDue(inSlotOf: tick, now: now) }
            self.isFiring = false
        }
        if let next = self.nextOccupiedTick() { self.scheduleWakeUp(at: next) }
    }

    private func fireDue(inSlotOf tick: Int64, now: Int64) {
        let slot = self.slot(of: tick)
        var cursor = self.heads[slot]
        while let entry = cursor {
            cursor = entry.timerLink.next
            if entry.timerLink.tick <= now {
                self.unlink(entry)
                self.due.append(entry)
            }
        }
        // Fired after the walk: an entry that re-arms moves into the wheel the walk has left.
        for entry in self.due { entry.timerWheelFired() }
        self.due.removeAll(keepingCapacity: true)
    }

    private func link(_ entry: Entry, tick: Int64) {
        let slot = self.slot(of: tick)
        let head = self.heads[slot]
        entry.timerLink = TimerLink()
        entry.timerLink.tick = tick
        entry.timerLink.next = head
        head?.timerLink.previous = entry
        self.heads[slot] = entry
        self.occupied[slot >> 6] |= 1 << UInt64(slot & 63)
        self.count += 1
    }

    private func unlink(_ entry: Entry) {
        let slot = self.slot(of: entry.timerLink.tick)
        let next = entry.timerLink.next
        let previous = entry.timerLink.previous
        next?.timerLink.previous = previous
        if let previous {
            previous.timerLink.next = next
        } else {
            self.heads[slot] = next
            if next == nil { self.occupied[slot >> 6] &= ~(1 << UInt64(slot & 63)) }
        }
        entry.timerLink = TimerLink()
        self.count -= 1
    }

    /// The tick of the first occupied slot after the processed ones (within one turn).
    private func nextOccupiedTick() -> Int64? {
        guard self.count > 0 else { return nil }
        let start = self.processedTick + 1
        let startSlot = self.slot(of: start)
        let words = self.occupied.count
        for step in 0...words {
            let word = (startSlot >> 6 + step) % words
            var bits = self.occupied[word]
            if step == 0 { bits &= ~0 << UInt64(startSlot & 63) }
            if step == words { bits &= ~(~0 << UInt64(startSlot & 63)) }
            guard bits != 0 else { continue }
            let slot = word << 6 + bits.trailingZeroBitCount
            return start + Int64((slot - startSlot + self.slotCount) % self.slotCount)
        }
        return nil
    }

    private func scheduleWakeUp(at tick: Int64) {
        self.wakeUp?.callback.cancel()
        let deadline = NIODeadline.uptimeNanoseconds(UInt64(tick) * UInt64(self.resolution.nanoseconds))
        // Throws only once the loop is shutting down, when no timer matters any more.
        guard let callback = try? self.eventLoop.scheduleCallback(at: deadline, handler: self) else {
            self.wakeUp = nil
            return
        }
        self.wakeUp = (callback, tick)
    }

    private func slot(of tick: Int64) -> Int {
        Int(tick % Int64(self.slotCount))
    }
}

extension UInt64 {
    fileprivate func tickFloor(_ resolution: TimeAmount) -> Int64 {
        Int64(self / UInt64(resolution.nanoseconds))
    }

    fileprivate func tickCeiling(_ resolution: TimeAmount) -> Int64 {
        let length = UInt64(resolution.nanoseconds)
        return Int64((self + length - 1) / length)
    }
}
