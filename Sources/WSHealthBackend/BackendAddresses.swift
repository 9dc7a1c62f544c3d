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

extension SocketAddress {
    /// `127.0.0.1:8000` (`[::1]:8000` for IPv6), as logs and pages show an address; NIO's own
    /// description repeats the address and its family.
    var hostAndPort: String {
        guard let ip = self.ipAddress, let port = self.port else { return "\(self)" }
        return ip.contains(":") ? "[\(ip)]:\(port)" : "\(ip):\(port)"
    }
}
