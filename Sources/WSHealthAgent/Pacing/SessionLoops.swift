import NIOConcurrencyHelpers
import NIOCore
import WSHealthWebSocket

/// What the sessions of one event loop share: the loop, their timers, and the pacing of their
/// connection attempts.
final class SessionLoop: Sendable {
    let eventLoop: any EventLoop
    /// Every session timer of the loop.
    let timers: TimerWheel<Session>
    /// Paces the loop's connection attempts; `nil`: every attempt starts at once.
    let pacer: ConnectPacer?
    /// The descriptors the sessions may take, shared by every loop; `nil`: no limit of ours.
    let sockets: SocketBudget?
    /// The bytes the sessions may hold for unfinished messages, shared by every loop; `nil`:
    /// no limit but each message's.
    let messageBuffers: MessageBufferBudget?
    /// The inflaters of the loop's compressed sessions, one per window size: a message is
    /// inflated whole, in one call on the loop, so the sessions need one zlib state between
    /// them, each keeping only its own window (see `CompressionWindow`).
    private let sharedInflaters: NIOLoopBoundBox<[Int: MessageInflater]>

    /// The services of `eventLoop`; `connectBurst` attempts start per `tick` (`nil`: no limit),
    /// sockets only while `sockets` has descriptors for them, unfinished messages only as far
    /// as `messageBuffers` has room.
    init(
        eventLoop: any EventLoop,
        connectBurst: Int? = nil,
        tick: TimeAmount = .milliseconds(10),
        sockets: SocketBudget? = nil,
        messageBuffers: MessageBufferBudget? = nil
    ) {
        self.eventLoop = eventLoop
        self.sockets = sockets
        self.messageBuffers = messageBuffers
        self.timers = TimerWheel(eventLoop: eventLoop, resolution: tick)
        self.pacer = connectBurst.map { ConnectPacer(eventLoop: eventLoop, burst: $0, tick: tick) }
        self.sharedInflaters = .makeBoxSendingValue([:], eventLoop: eventLoop)
    }

    /// The loop's inflater for messages compressed with a window of 2^`windowBits` bytes.
    /// Call on the loop.
    func sharedInflater(windowBits: Int) -> MessageInflater {
        if let inflater = self.sharedInflaters.value[windowBits] { return inflater }
        let inflater = MessageInflater(windowBits: windowBits)
        self.sharedInflaters.value[windowBits] = inflater
        return inflater
    }
}

/// The agent's ``SessionLoop``s, one per event loop of its group, sharing `--connect.max-rate`.
final class SessionLoops: Sendable {
    private let loops: [SessionLoop]
    private let next = NIOLockedValueBox(0)

    /// A ``SessionLoop`` for every loop of `group`, together starting about `connectRate`
    /// attempts a second (a rate of 0 starts every attempt at once), and sharing `sockets` and
    /// `messageBuffers`.
    init(
        group: any EventLoopGroup,
        connectRate: Int,
        tick: TimeAmount = .milliseconds(10),
        sockets: SocketBudget? = nil,
        messageBuffers: MessageBufferBudget? = nil
    ) {
        let eventLoops = Array(group.makeIterator())
        let ticksPerSecond = max(1, Int(1_000_000_000 / max(tick.nanoseconds, 1)))
        let burst = connectRate > 0 ? max(1, connectRate / (ticksPerSecond * max(eventLoops.count, 1))) : nil
        self.loops = eventLoops.map {
            SessionLoop(
                eventLoop: $0,
                connectBurst: burst,
                tick: tick,
                sockets: sockets,
                messageBuffers: messageBuffers
            )
        }
    }

    /// The loops, in the group's order.
    var all: [SessionLoop] { self.loops }

    /// The next loop, round robin: how sessions are spread.
    func nextLoop() -> SessionLoop {
        let index = self.next.withLockedValue { next in
            defer { next = (next + 1) % self.loops.count }
            return next
        }
        return self.loops[index]
    }
}
