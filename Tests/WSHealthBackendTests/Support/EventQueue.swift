import NIOCore

/// What a test client observed, in order.
enum ClientEvent: Sendable, Equatable {
    /// The server answered 101 and the WebSocket is open.
    case upgraded
    /// The server answered the upgrade request with this HTTP status instead.
    case httpResponse(status: Int)
    /// A text message.
    case text(String)
    /// A binary message, with its payload.
    case binary([UInt8])
    /// Any other frame, or a text frame with reserved bits or a mask: its first byte (FIN, RSV1-3,
    /// opcode) and whether it was masked.
    case frame(firstByte: UInt8, masked: Bool)
    /// A pong, with its payload.
    case pong(String)
    /// A close frame from the server.
    case close(code: UInt16?, reason: String)
    /// The TCP connection is closed.
    case closed
}

/// Events of one connection, confined to its event loop; waiting for the next one is bounded by a deadline.
final class EventQueue {
    private let eventLoop: any EventLoop
    private var buffered: [ClientEvent] = []
    private var waiter: EventLoopPromise<ClientEvent?>?

    init(eventLoop: any EventLoop) {
        self.eventLoop = eventLoop
    }

    /// Records an event, handing it to a waiter if one is there.
    func push(_ event: ClientEvent) {
        if let waiter = self.waiter {
            self.waiter = nil
            waiter.succeed(event)
        } else {
            self.buffered.append(event)
        }
    }

    /// The next event, or `nil` if none comes before `deadline`.
    func next(before deadline: NIODeadline) -> EventLoopFuture<ClientEvent?> {
        if !self.buffered.isEmpty {
            return self.eventLoop.makeSucceededFuture(self.buffered.removeFirst())
        }
        precondition(self.waiter == nil, "one waiter at a time")
        let promise = self.eventLoop.makePromise(of: ClientEvent?.self)
        self.waiter = promise
        let timeout = self.eventLoop.assumeIsolated().scheduleTask(deadline: deadline) {
            if self.waiter?.futureResult === promise.futureResult {
                self.waiter = nil
                promise.succeed(nil)
            }
        }
        promise.futureResult.whenComplete { _ in timeout.cancel() }
        return promise.futureResult
    }
}
