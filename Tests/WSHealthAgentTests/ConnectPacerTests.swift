import NIOCore
import NIOEmbedded
import NIOPosix
import Testing

@testable import WSHealthAgent

/// The pacer on an embedded loop, its clock moved by hand: how many attempts start per tick,
/// in what order, and that an idle pacer holds no timer.
struct ConnectPacerTests {
    final class Attempt: PacedAttempt {
        let number: Int
        let log: Log
        init(_ number: Int, log: Log) {
            self.number = number
            self.log = log
        }
        func attemptAdmitted() { self.log.admitted.append(self.number) }
    }

    final class Log { var admitted: [Int] = [] }

    @Test func admitsABurstPerTickInOrder() {
        let loop = EmbeddedEventLoop()
        defer { try? loop.syncShutdownGracefully() }
        let pacer = ConnectPacer(eventLoop: loop, burst: 2, tick: .milliseconds(10))
        let log = Log()
        let attempts = (0..<5).map { Attempt($0, log: log) }
        let startedAtOnce = attempts.filter { pacer.admit($0) }.map(\.number)
        #expect(startedAtOnce == [0, 1])
        #expect(pacer.waitingCount == 3)
        loop.advanceTime(by: .milliseconds(9))
        #expect(log.admitted.isEmpty)
        loop.advanceTime(by: .milliseconds(1))
        #expect(log.admitted == [2, 3])
        loop.advanceTime(by: .milliseconds(10))
        #expect(log.admitted == [2, 3, 4])
        #expect(pacer.waitingCount == 0)
    }

    /// A later request waits behind earlier ones even when the allowance was renewed.
    @Test func waitingAttemptsGoFirst() {
        let loop = EmbeddedEventLoop()
        defer { try? loop.syncShutdownGracefully() }
        let pacer = ConnectPacer(eventLoop: loop, burst: 1, tick: .milliseconds(10))
        let log = Log()
        #expect(pacer.admit(Attempt(0, log: log)))
        #expect(!pacer.admit(Attempt(1, log: log)))
        #expect(!pacer.admit(Attempt(2, log: log)))
        loop.advanceTime(by: .milliseconds(10))
        #expect(log.admitted == [1])
        #expect(!pacer.admit(Attempt(3, log: log)))
        loop.advanceTime(by: .milliseconds(20))
        #expect(log.admitted == [1, 2, 3])
    }

    /// Once the allowance is whole again and nobody waits, no renewal stays scheduled, and the
    /// next attempt starts at once.
    @Test func idlePacerHoldsNoTimer() {
        let loop = EmbeddedEventLoop()
        defer { try? loop.syncShutdownGracefully() }
        let pacer = ConnectPacer(eventLoop: loop, burst: 3, tick: .milliseconds(10))
        let log = Log()
        #expect(pacer.admit(Attempt(0, log: log)))
        loop.advanceTime(by: .milliseconds(10))
        loop.advanceTime(by: .seconds(10))
        #expect(log.admitted.isEmpty)
        #expect((0..<3).allSatisfy { pacer.admit(Attempt($0, log: log)) })
        #expect(!pacer.admit(Attempt(9, log: log)))
    }

    /// The agent's rate is shared by its loops; 0 paces nothing.
    @Test func rateIsSplitOverTheLoops() throws {
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 2)
        defer { try? group.syncShutdownGracefully() }
        let loops = SessionLoops(group: group, connectRate: 5000).all
        #expect(loops.compactMap { $0.pacer?.burst } == [25, 25])
        #expect(SessionLoops(group: group, connectRate: 0).all.allSatisfy { $0.pacer == nil })
    }
}
