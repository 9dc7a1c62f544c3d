/// How the `bad-handshake` fault answers upgrade requests, each a way a client sees a handshake fail
/// that is neither an HTTP status nor a timeout.
public enum BadHandshake: String, Sendable, Hashable, Codable, CaseIterable {
    /// Normal handshakes.
    case off
    /// `101 Switching Protocols` whose `Sec-WebSocket-Accept` does not match the key (RFC 6455 4.1):
    /// the client must not open the WebSocket.
    case wrongAccept = "wrong-accept"
    /// An answer that is not HTTP at all, as when the URL points at another protocol's port.
    case notHTTP = "not-http"
    /// The TCP connection is closed without any answer.
    case hangUp = "hang-up"

    /// The bytes `not-http` answers with: an SSH server's greeting.
    static let notHTTPGreeting = "SSH-2.0-OpenSSH_9.6\r\n"

    /// A well-formed accept value that matches no key: base64 of 20 zero bytes, where a real value
    /// is a SHA-1 digest.
    static let wrongAcceptValue = "AAAAAAAAAAAAAAAAAAAAAAAAAAA="
}
