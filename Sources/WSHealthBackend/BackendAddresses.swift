public import NIOCore

/// The addresses the reference backend's listeners are bound to (useful with port 0).
public struct BackendAddresses: Sendable, Hashable {
    /// The WebSocket listener: connect to `ws://HOST:PORT{path}`.
    public var websocket: SocketAddress
    /// The admin listener: fault switches and `/status`.
    public var admin: SocketAddress

    /// Creates the pair of addresses.
    public init(websocket: SocketAddress, admin: SocketAddress) {
        self.websocket = websocket
        self.admin = admin
    }
}
