import WSHealthTestRawExchange

extension RawExchange {
    /// An upgrade request for the backend's WebSocket path with `token`.
    static func upgradeRequest(token: String) -> String {
        "GET /api/ws/metrics?token=\(token) HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\n"
            + "Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n"
    }
}
