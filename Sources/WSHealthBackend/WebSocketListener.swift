import Logging
import NIOConcurrencyHelpers
import NIOCore

/// Owns the WebSocket listening socket and carries out the actions of its ``ListenerStateMachine``:
/// binds, closes, drops connections and runs the reopen timer of the `down` fault.
final class WebSocketListener: Sendable {
    private struct State {
        var machine = ListenerStateMachine<any Channel>()
        var reopenTimer: Scheduled<Void>?
        var address: SocketAddress?
    }

    private let state = NIOLockedValueBox(State())
    private let eventLoop: any EventLoop
    private let bind: @Sendable (SocketAddress?) -> EventLoopFuture<any Channel>
    private let dropConnections: @Sendable () -> EventLoopFuture<Void>
    private let logger: Logger

    /// - Parameters:
    ///   - bind: Binds a listener; `nil` asks for the configured address, later calls get the first bound address.
    ///   - dropConnections: Closes every accepted connection; completes when they are closed.
    init(
        eventLoop: any EventLoop,
        logger: Logger,
        bind: @escaping @Sendable (SocketAddress?) -> EventLoopFuture<any Channel>,
        dropConnections: @escaping @Sendable () -> EventLoopFuture<Void>
    ) {
        self.eventLoop = eventLoop
        self.logger = logger
        self.bind = bind
        self.dropConnections = dropConnections
    }

    /// Whether a `down` fault keeps the listener closed.
    var isDown: Bool {
        self.state.withLockedValue { $0.machine.isDown }
    }

    /// Binds the listener for the first time and returns its address.
    func start() async throws -> SocketAddress {
        _ = self.state.withLockedValue { $0.machine.startRequested() }
        let channel: any Channel
        do {
            channel = try await self.bind(nil).get()
        } catch {
            _ = self.state.withLockedValue { $0.machine.bindFailed(generation: 0) }
            throw error
        }
        let actions = self.state.withLockedValue { state in
            state.address = channel.localAddress
            return state.machine.bindSucceeded(channel, generation: 0)
        }
        guard actions.isEmpty, let address = channel.localAddress else {
            try? await channel.close()
            throw ReferenceBackendError.stopped
        }
        return address
    }

    /// Closes the listener and every connection; reopens after `duration`. Completes once all are closed.
    func goDown(for duration: Duration) -> EventLoopFuture<Void> {
        self.handle { $0.downRequested(for: duration) }
    }

    /// Reopens the listener now if a `down` fault closed it.
    func reopenNow() -> EventLoopFuture<Void> {
        self.handle { $0.reopenNowRequested() }
    }

    /// Closes the listener for good. Completes once it is closed.
    func stop() -> EventLoopFuture<Void> {
        self.handle { $0.stopRequested() }
    }

    private func handle(_ event: (inout ListenerStateMachine<any Channel>) -> [Action]) -> EventLoopFuture<Void> {
        let actions = self.state.withLockedValue { state in
            let actions = event(&state.machine)
            // Timers are scheduled under the lock so a stop can never miss one; binds and closes
            // run outside it because their callbacks may come back here synchronously.
            for action in actions {
                switch action {
                case .scheduleReopen(let generation, let delay):
                    state.reopenTimer?.cancel()
                    state.reopenTimer = self.eventLoop.scheduleTask(in: TimeAmount(delay)) {
                        self.execute(self.state.withLockedValue { $0.machine.reopenTimerFired(generation: generation) })
                    }
                case .cancelReopen:
                    state.reopenTimer?.cancel()
                    state.reopenTimer = nil
                case .bind, .close, .dropConnections:
                    break
                }
            }
            return actions
        }
        return self.execute(actions)
    }

    private typealias Action = ListenerStateMachine<any Channel>.Action

    @discardableResult
    private func execute(_ actions: [Action]) -> EventLoopFuture<Void> {
        var futures: [EventLoopFuture<Void>] = []
        for action in actions {
            switch action {
            case .bind(let generation):
                futures.append(self.rebind(generation: generation))
            case .close(let channel):
                futures.append(channel.close().recover { _ in })
            case .dropConnections:
                futures.append(self.dropConnections())
            case .scheduleReopen, .cancelReopen:
                break
            }
        }
        return EventLoopFuture.andAllComplete(futures, on: self.eventLoop)
    }

    private func rebind(generation: Int) -> EventLoopFuture<Void> {
        let address = self.state.withLockedValue { $0.address }
        return self.bind(address).flatMap { channel in
            let actions = self.state.withLockedValue { $0.machine.bindSucceeded(channel, generation: generation) }
            if actions.isEmpty {
                self.logger.info("WebSocket listener reopened", metadata: ["address": "\(address?.hostAndPort ?? "?")"])
            }
            return self.execute(actions)
        }.flatMapError { error in
            self.logger.warning("Could not reopen the WebSocket listener", metadata: ["error": "\(error)"])
            return self.handle { $0.bindFailed(generation: generation) ?? [] }
        }
    }
}
