import NIOCore
import NIOSSL
import WSHealthWebSocket

/// Watches one session's connections step by step: what `wshealth probe` prints. Called on the
/// session's event loop; the agent's own sessions have none, and pay one `nil` check per
/// message for the possibility.
protocol ConnectionTrace: AnyObject, Sendable {
    /// The TCP connection is up.
    func tcpConnected(local: SocketAddress?, remote: SocketAddress?)
    /// The server's ServerHello chose `cipher` (before the TLS handshake completes).
    func serverChose(_ cipher: NIOTLSCipher)
    /// The TLS handshake completed on `channel`, with the ALPN protocol agreed, if any.
    func tlsEstablished(on channel: any Channel, alpn: String?)
    /// The upgrade request as it went on the wire: the request line, then the header lines.
    func requestSent(_ lines: [String])
    /// The server's answer to it: the status line, then the header lines.
    func responseReceived(_ lines: [String])
    /// A message or control frame arrived; `valid` tells whether a text message counted as data.
    func received(_ message: InboundMessage, valid: Bool)
    /// The session sent a keepalive ping.
    func pingSent()
    /// The flight recorder recorded `event`.
    func recorded(_ event: SessionEvent)
}
