/// Why a connection attempt (TCP connect, TLS, HTTP upgrade) did not reach `connected`.
///
/// The raw values are the `reason` label values of `wshealth_connection_failures_total`.
public enum ConnectionFailureReason: String, CaseIterable, Hashable, Sendable {
    /// The upgrade was answered with HTTP 401 or 403: the token was refused.
    case authFailed = "auth_failed"
    /// Nothing listens on the port (TCP connection refused).
    case refused
    /// No `101 Switching Protocols` within the handshake timeout.
    case timeout
    /// The host name did not resolve.
    case dnsFailure = "dns_failure"
    /// The TLS handshake failed (certificate, protocol or name mismatch).
    case tlsFailure = "tls_failure"
    /// The upgrade was answered with an HTTP status other than 101, 401 and 403.
    case httpError = "http_error"
    /// The connection broke during the handshake (reset, EOF, unreachable network).
    case networkError = "network_error"
    /// The server's answer broke the WebSocket or HTTP protocol (bad `Sec-WebSocket-Accept`, …).
    case protocolError = "protocol_error"
    /// The upgrade succeeded, but the conversation's opening did not: a reply `on_open` waits
    /// for did not come in time, another message came instead, or the server closed.
    case conversationFailed = "conversation_failed"
    /// The agent itself had no file descriptor (or socket memory) for the attempt: the fault
    /// is the monitor's, not the target's.
    case resourceExhausted = "resource_exhausted"

    /// Classifies the HTTP status of an upgrade request that was not switched to WebSocket.
    ///
    /// FastAPI/Starlette answers 403 when a handler closes before accepting, which is what the
    /// spec's backend does with an invalid JWT; 401 is the other common way to refuse a token.
    public init(rejectedUpgradeStatus status: Int) {
        self = (status == 401 || status == 403) ? .authFailed : .httpError
    }

    /// Whether this failure ends in `error` at once instead of taking the reconnect path.
    public var isPermanent: Bool { self == .authFailed }

    /// Whether the attempt failed on the client's side before anything reached the server: it
    /// says nothing of the server, so it does not count toward the retry limit (a client short
    /// of descriptors would otherwise give up on a healthy server, and stay in `error` after
    /// its own shortage is over).
    public var isLocal: Bool { self == .resourceExhausted }
}
