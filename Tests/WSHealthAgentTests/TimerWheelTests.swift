import NIOCore
import NIOEmbedded
import Testing

@testable import WSHealthAgent

/// The sessions' timer wheel on an embedded loop, its clock moved by hand: a deadline fires in
/// the tick that contains it, never before it; moves, cancels, deadlines beyond one turn of the
/// wheel.
struct TimerWheelTests {
    final class Entry: TimerWheelEntry {
        var timerLink = TimerLink<Entry>()
        let name: String
        let loop: EmbeddedEventLoop
        var firedAt: [Int64] = []
        /// What the entry does when it fires, like a session re-arming.
        var onFire: ((Entry) -> Void)?

        init(_ name: String, loop: EmbeddedEventLoop) {
            self.name = name
            self.loop = loop
        }

        func timerWheelFired() {
            self.firedAt.append(Int64(self.loop.now.uptimeNanoseconds / 1_000_000))
            self.onFire?(self)
        }
    }

    static func at(_ milliseconds: Int64) -> NIODeadline {
        .uptimeNanoseconds(UInt64(milliseconds) * 1_000_000)
    }

    @Test func firesInTheTickOfItsDeadlineNeverEarly() {
        let loop = EmbeddedEventLoop()
        defer { try? loop.syncShutdownGracefully() }
        let wheel = TimerWheel<Entry>(eventLoop: loop, resolution: .milliseconds(10), slotCount: 64)
        let entry = Entry("a", loop: loop)
        wheel.arm(entry, at: Self.at(25))
        loop.advanceTime(to: Self.at(29))
        #expect(entry.firedAt.isEmpty)
        loop.advanceTime(to: Self.at(30))
        #expect(entry.firedAt == [30])
        #expect(wheel.count == 0)
        #expect(!entry.timerLink.isArmed)
    }

    @Test func movedAndCancelledTimers() {
        let loop = EmbeddedEventLoop()
        defer { try? loop.syncShutdownGracefully() }
        let wheel = TimerWheel<Entry>(eventLoop: loop, resolution: .milliseconds(10), slotCount: 64)
        let later = Entry("later", loop: loop)
        let earlier = Entry("earlier", loop: loop)
        let cancelled = Entry("cancelled", loop: loop)
        wheel.arm(later, at: Self.at(50))
        wheel.arm(later, at: Self.at(100))
        wheel.arm(earlier, at: Self.at(100))
        wheel.arm(earlier, at: Self.at(20))
        wheel.arm(cancelled, at: Self.at(40))
        #expect(wheel.count == 3)
        wheel.cancel(cancelled)
        wheel.cancel(cancelled)
        #expect(wheel.count == 2)
        loop.advanceTime(to: Self.at(200))
        #expect(later.firedAt == [100])
        #expect(earlier.firedAt == [20])
        #expect(cancelled.firedAt.isEmpty)
    }

    /// 64 slots of 10 ms are one turn of 640 ms: a deadline two turns ahead waits in its slot.
    @Test func deadlinesBeyondOneTurn() {
        let loop = EmbeddedEventLoop()
        defer { try? loop.syncShutdownGracefully() }
        let wheel = TimerWheel<Entry>(eventLoop: loop, resolution: .milliseconds(10), slotCount: 64)
        let far = Entry("far", loop: loop)
        let near = Entry("near", loop: loop)
        wheel.arm(far, at: Self.at(1_300))
        wheel.arm(near, at: Self.at(20))  // the same slot as `far`, one turn... two turns earlier
        loop.advanceTime(to: Self.at(1_290))
        #expect(near.firedAt == [20])
        #expect(far.firedAt.isEmpty)
        loop.advanceTime(to: Self.at(1_300))
        #expect(far.firedAt == [1_300])
    }

    /// Entries that share a slot fire together; one that re-arms to a passed deadline while
    /// firing fires at the next tick, and one re-armed for later waits.
    @Test func reArmingWhileFiring() {
        let loop = EmbeddedEventLoop()
        defer { try? loop.syncShutdownGracefully() }
        let wheel = TimerWheel<Entry>(eventLoop: loop, resolution: .milliseconds(10), slotCount: 64)
        let entries = (0..<5).map { Entry("\($0)", loop: loop) }
        for entry in entries { wheel.arm(entry, at: Self.at(30)) }
        entries[0].onFire = { entry in
            entry.onFire = nil
            wheel.arm(entry, at: Self.at(0))
        }
        entries[1].onFire = { entry in
            entry.onFire = nil
            wheel.arm(entry, at: Self.at(75))
        }
        loop.advanceTime(to: Self.at(30))
        #expect(entries.map(\.firedAt) == [[30], [30], [30], [30], [30]])
        loop.advanceTime(to: Self.at(40))
        #expect(entries[0].firedAt == [30, 40])
        loop.advanceTime(to: Self.at(100))
        #expect(entries[1].firedAt == [30, 80])
        #expect(wheel.count == 0)
    }

    /// A hundred deadlines over more than a turn each fire once; one beyond them stays armed.
    @Test func manyDeadlinesOverSeveralTurns() {
        let loop = EmbeddedEventLoop()
        defer { try? loop.syncShutdownGracefully() }
        let wheel = TimerWheel<Entry>(eventLoop: loop, resolution: .milliseconds(10), slotCount: 64)
        let entries = (0..<100).map { Entry("\($0)", loop: loop) }
        for (index, entry) in entries.enumerated() { wheel.arm(entry, at: Self.at(Int64(index) * 7)) }
        let late = Entry("late", loop: loop)
        wheel.arm(late, at: Self.at(5_000))
        loop.advanceTime(to: Self.at(3_000))
        #expect(entries.allSatisfy { $0.firedAt.count == 1 })
        #expect(late.firedAt.isEmpty)
        #expect(wheel.count == 1)
    }
}
