import NIOConcurrencyHelpers
import NIOCore

/// Every connection the WebSocket listener accepted, grouped by event loop.
///
/// A connection is registered when accepted (still an HTTP handshake) and becomes a peer once it is
/// upgraded and authenticated. Broadcasts visit each event loop once and touch its peers there, so a
/// tick schedules one closure per loop, not one per client.
final class ClientRegistry: Sendable {
    private struct Connection {
        let channel: any Channel
        var peer: NIOLoopBound<WebSocketPeerHandler>?
    }

    private struct Shard {
        let eventLoop: any EventLoop
        var connections: [ObjectIdentifier: Connection] = [:]
    }

    private struct State {
        var shards: [ObjectIdentifier: Shard] = [:]
        var peerCount = 0
    }

    private let state = NIOLockedValueBox(State())

    /// The number of connected, authenticated WebSocket clients.
    var peerCount: Int {
        self.state.withLockedValue { $0.peerCount }
    }

    /// Registers a freshly accepted connection; it unregisters itself when it closes.
    func add(_ channel: any Channel) {
        let loopKey = ObjectIdentifier(channel.eventLoop)
        self.state.withLockedValue { state in
            state.shards[loopKey, default: Shard(eventLoop: channel.eventLoop)].connections[ObjectIdentifier(channel)] =
                Connection(channel: channel)
        }
        channel.closeFuture.whenComplete { _ in self.remove(channel) }
    }

    /// Marks `channel` as a peer that receives broadcasts. Must be called on the channel's event loop.
    func promote(_ channel: any Channel, to peer: WebSocketPeerHandler) {
        let bound = NIOLoopBound(peer, eventLoop: channel.eventLoop)
        self.state.withLockedValue { state in
            let loopKey = ObjectIdentifier(channel.eventLoop)
            let key = ObjectIdentifier(channel)
            guard state.shards[loopKey]?.connections[key] != nil, state.shards[loopKey]?.connections[key]?.peer == nil
            else {
                return
            }
            state.shards[loopKey]?.connections[key]?.peer = bound
            state.peerCount += 1
        }
    }

    private func remove(_ channel: any Channel) {
        self.state.withLockedValue { state in
            let loopKey = ObjectIdentifier(channel.eventLoop)
            if let removed = state.shards[loopKey]?.connections.removeValue(forKey: ObjectIdentifier(channel)),
                removed.peer != nil
            {
                state.peerCount -= 1
            }
        }
    }

    /// Runs `body` for every peer on the peer's event loop; the future holds how many calls returned `true`.
    ///
    /// `afterEachLoop` gets each loop's count on that loop, right after its batch.
    func forEachPeer(
        on eventLoop: any EventLoop,
        afterEachLoop: @escaping @Sendable (Int) -> Void = { _ in },
        _ body: @escaping @Sendable (WebSocketPeerHandler) -> Bool
    ) -> EventLoopFuture<Int> {
        let batches = self.state.withLockedValue { state in
            state.shards.values.map { shard in (shard.eventLoop, shard.connections.values.compactMap(\.peer)) }
        }
        let counts = batches.map { loop, peers in
            loop.submit {
                let count = peers.reduce(into: 0) { count, peer in
                    if body(peer.value) { count += 1 }
                }
                afterEachLoop(count)
                return count
            }
        }
        return EventLoopFuture.whenAllSucceed(counts, on: eventLoop).map { $0.reduce(0, +) }
    }

    /// Closes the sockets of every connection (peers too if `includingPeers`) without a close frame.
    ///
    /// The future completes once all of them are closed.
    func closeConnections(includingPeers: Bool, on eventLoop: any EventLoop) -> EventLoopFuture<Void> {
        let channels = self.state.withLockedValue { state in
            state.shards.values.flatMap { shard in
                shard.connections.values.filter { includingPeers || $0.peer == nil }.map(\.channel)
            }
        }
        for channel in channels {
            channel.close(promise: nil)
        }
        return EventLoopFuture.andAllComplete(channels.map(\.closeFuture), on: eventLoop)
    }

    /// A future that completes once every connection registered now has closed.
    func allClosed(on eventLoop: any EventLoop) -> EventLoopFuture<Void> {
        let futures = self.state.withLockedValue { state in
            state.shards.values.flatMap { $0.connections.values.map(\.channel.closeFuture) }
        }
        return EventLoopFuture.andAllComplete(futures, on: eventLoop)
    }
}
