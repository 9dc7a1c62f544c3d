public import NIOCore
import NIOHTTP1
public import NIOPosix
import Synchronization

/// An HTTP/1.1 receiver on 127.0.0.1 for tests: records every request, answers from a
/// ``ReceiverScript``, and can go down and come back on the same port.
///
/// ```swift
/// let receiver = try await RecordingReceiver.start(script: .failing(2, with: .status(500)))
/// defer { Task { await receiver.shutdown() } }   // or call it at the end of the test
/// // post to receiver.url(path: "/hook") ...
/// let requests = try await receiver.waitForRequests(count: 3, within: .seconds(5))
/// ```
///
/// Call ``shutdown()`` at the end of every test.
public final class RecordingReceiver: Sendable {
    private let group: any EventLoopGroup
    private let state: Mutex<State>

    private struct State {
        var port = 0
        var script: ReceiverScript
        var scriptIndex = 0
        var requests: [RecordedRequest] = []
        var waiters: [Int: Waiter] = [:]
        var nextWaiterID = 0
        var serverChannel: (any Channel)?
        var connections: [ObjectIdentifier: any Channel] = [:]
        var isShutDown = false
    }

    private struct Waiter {
        var count: Int
        var continuation: CheckedContinuation<Void, Never>
    }

    private init(script: ReceiverScript, group: any EventLoopGroup) {
        self.group = group
        self.state = Mutex(State(script: script))
    }

    /// Starts listening on 127.0.0.1, on a port the system picks (see ``port``).
    public static func start(
        script: ReceiverScript = .alwaysOK,
        group: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton
    ) async throws -> RecordingReceiver {
        let receiver = RecordingReceiver(script: script, group: group)
        try await receiver.startListening()
        return receiver
    }

    /// The port, the same across ``stopListening()`` and ``startListening()``.
    public var port: Int { self.state.withLock { $0.port } }

    /// `http://127.0.0.1:port` followed by `path`.
    public func url(path: String = "/") -> String {
        "http://127.0.0.1:\(self.port)\(path)"
    }

    /// Every request so far, in arrival order.
    public func requests() -> [RecordedRequest] {
        self.state.withLock { $0.requests }
    }

    /// Replaces the script; the next request is number 0 of the new one.
    public func setScript(_ script: ReceiverScript) {
        self.state.withLock { state in
            state.script = script
            state.scriptIndex = 0
        }
    }

    /// Waits until at least `count` requests have arrived in all, and returns them all; throws
    /// ``RecordingReceiverError/timedOut(expected:received:within:)`` after `timeout`.
    @discardableResult
    public func waitForRequests(count: Int, within timeout: Duration) async throws -> [RecordedRequest] {
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { await self.waitUntil(count: count) }
            group.addTask {
                try await Task.sleep(for: timeout)
                throw RecordingReceiverError.timedOut(expected: count, received: self.requests().count, within: timeout)
            }
            defer { group.cancelAll() }
            try await group.next()
        }
        return self.requests()
    }

    /// Starts listening again after ``stopListening()``, on the same port (`SO_REUSEADDR`).
    /// Does nothing while listening.
    public func startListening() async throws {
        let (port, isListening, isShutDown) = self.state.withLock { ($0.port, $0.serverChannel != nil, $0.isShutDown) }
        guard !isShutDown else { throw RecordingReceiverError.shutDown }
        guard !isListening else { return }
        let channel = try await ServerBootstrap(group: self.group)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelOption(.socketOption(.tcp_nodelay), value: 1)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.configureHTTPServerPipeline()
                    try channel.pipeline.syncOperations.addHandler(RecordingHandler(receiver: self))
                    self.track(channel)
                }
            }
            .bind(host: "127.0.0.1", port: port)
            .get()
        self.state.withLock { state in
            state.serverChannel = channel
            state.port = channel.localAddress?.port ?? port
        }
    }

    /// Stops listening and closes every open connection, so the receiver looks down: a new
    /// connection is refused, a kept-alive one is closed. Requests already recorded stay.
    public func stopListening() async {
        let server = self.state.withLock { state in
            defer { state.serverChannel = nil }
            return state.serverChannel
        }
        try? await server?.close()
        let connections = self.state.withLock { state in
            defer { state.connections = [:] }
            return Array(state.connections.values)
        }
        for connection in connections {
            try? await connection.close()
        }
    }

    /// Stops listening for good and closes every connection.
    public func shutdown() async {
        self.state.withLock { $0.isShutDown = true }
        await self.stopListening()
    }

    /// Records a complete request and picks its reply (called by the handler, on an event loop).
    func record(_ request: RecordedRequest) -> ReceiverReply {
        let (script, index, ready) = self.state.withLock { state in
            state.requests.append(request)
            defer { state.scriptIndex += 1 }
            let total = state.requests.count
            let ready = state.waiters.filter { $0.value.count <= total }
            for id in ready.keys { state.waiters[id] = nil }
            return (state.script, state.scriptIndex, ready.values.map(\.continuation))
        }
        for continuation in ready { continuation.resume() }
        return script.reply(index, request)
    }

    /// Remembers an accepted connection, so ``stopListening()`` can close it.
    private func track(_ channel: any Channel) {
        let id = ObjectIdentifier(channel)
        self.state.withLock { $0.connections[id] = channel }
        channel.closeFuture.whenComplete { _ in
            self.state.withLock { _ = $0.connections.removeValue(forKey: id) }
        }
    }

    /// Returns once `count` requests have arrived, or the task is cancelled.
    private func waitUntil(count: Int) async {
        let id = self.state.withLock { state in
            defer { state.nextWaiterID += 1 }
            return state.nextWaiterID
        }
        await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                let resumeNow = self.state.withLock { state in
                    if Task.isCancelled || state.requests.count >= count { return true }
                    state.waiters[id] = Waiter(count: count, continuation: continuation)
                    return false
                }
                if resumeNow { continuation.resume() }
            }
        } onCancel: {
            self.state.withLock { $0.waiters.removeValue(forKey: id) }?.continuation.resume()
        }
    }
}
