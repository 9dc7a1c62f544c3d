/// A fault the reference backend can be told to show, from tests, the demo, or the admin endpoints.
public enum BackendFault: Sendable, Hashable {
    /// Close every WebSocket connection's TCP socket at once, without a close frame.
    case drop
    /// Send a close frame with `code` and `reason` to every client, then close.
    case close(code: UInt16, reason: String)
    /// While enabled, keep sockets open but send nothing: no metrics, no pongs, no close replies.
    case stall(enabled: Bool)
    /// Send one text message that is not JSON to every client now.
    case garbage
    /// While enabled, keep sending metrics with the timestamp of the moment it was enabled, as
    /// a backend whose collector froze keeps sending its last sample.
    case freezeTimestamp(enabled: Bool)
    /// While enabled, refuse every token, even valid ones.
    case refuseTokens(enabled: Bool)
    /// How refused handshakes are expressed from now on.
    case authMode(AuthRefusalMode)
    /// Wait `delay` before answering each upgrade request; `.zero` clears the switch.
    case slowHandshake(delay: Duration)
    /// While `status` is not 0, answer every upgrade request with that HTTP status instead of
    /// switching protocols, as an overloaded proxy answers 503; 0 clears the switch.
    case rejectUpgrade(status: Int)
    /// While not `.off`, answer every upgrade request with a broken handshake; `.off` clears the switch.
    case badHandshake(BadHandshake)
    /// Send one binary message to every client now.
    case binary
    /// Send one text message of exactly `bytes` bytes of valid JSON to every client now.
    case oversize(bytes: Int)
    /// Send one frame that breaks RFC 6455 to every client now; a client must fail the connection (1002).
    case badFrame(BadFrame)
    /// Close the WebSocket listener and every connection, and reopen the listener on the same port after `duration`.
    case down(duration: Duration)
    /// Clear every switch, and reopen the listener now if it is down.
    case reset

    /// The name the admin endpoint and the logs use, e.g. `slow-handshake`.
    public var name: String {
        switch self {
        case .drop: "drop"
        case .close: "close"
        case .stall: "stall"
        case .garbage: "garbage"
        case .freezeTimestamp: "freeze-timestamp"
        case .refuseTokens: "refuse-tokens"
        case .authMode: "auth-mode"
        case .slowHandshake: "slow-handshake"
        case .rejectUpgrade: "reject-upgrade"
        case .badHandshake: "bad-handshake"
        case .binary: "binary"
        case .oversize: "oversize"
        case .badFrame: "bad-frame"
        case .down: "down"
        case .reset: "reset"
        }
    }

    /// Throws a ``ReferenceBackendError`` if a parameter is out of range.
    public func validate() throws(ReferenceBackendError) {
        switch self {
        case .close(let code, let reason):
            // RFC 6455 7.4: 1004-1006 and 1015 must never be sent, 1016-2999 are unassigned.
            guard (1000...1003).contains(code) || (1007...1014).contains(code) || (3000...4999).contains(code) else {
                throw .invalidFault("code: must be 1000-1003, 1007-1014 or 3000-4999, got \(code)")
            }
            // A close frame's payload is at most 125 bytes, two of which hold the code.
            guard reason.utf8.count <= 123 else {
                throw .invalidFault("reason: must be at most 123 bytes of UTF-8, got \(reason.utf8.count)")
            }
        case .slowHandshake(let delay):
            try Self.validate(delay, name: "delay")
        case .down(let duration):
            try Self.validate(duration, name: "seconds")
        case .rejectUpgrade(let status):
            // 1xx answers are not final, and 101 is the upgrade itself.
            guard status == 0 || Self.rejectionStatuses.contains(status) else {
                throw .invalidFault("status: must be 0 (off) or an HTTP status 200-599, got \(status)")
            }
        case .oversize(let bytes):
            guard Self.oversizeBytes.contains(bytes) else {
                throw .invalidFault(
                    "bytes: must be between \(Self.oversizeBytes.lowerBound) and \(Self.oversizeBytes.upperBound), got \(bytes)"
                )
            }
        case .drop, .stall, .garbage, .freezeTimestamp, .refuseTokens, .authMode, .reset, .badHandshake, .binary,
            .badFrame:
            break
        }
    }

    /// The HTTP statuses `reject-upgrade` may answer with.
    public static let rejectionStatuses = 200...599

    /// The sizes `oversize` may send: from the smallest padded JSON object, `{"padding":""}`, to 64 MiB.
    public static let oversizeBytes = 14...67_108_864

    /// The longest delay or downtime a fault accepts, so that it always fits an event loop deadline.
    public static let maximumDuration: Duration = .seconds(100 * 365 * 24 * 3_600)

    private static func validate(_ duration: Duration, name: String) throws(ReferenceBackendError) {
        guard duration >= .zero, duration <= Self.maximumDuration else {
            throw .invalidFault("\(name): must be between 0 and 100 years, got \(duration)")
        }
    }
}

/// How the backend refuses a handshake whose token is missing, invalid, expired or refused.
public enum AuthRefusalMode: String, Sendable, Hashable, Codable, CaseIterable {
    /// Answer the upgrade request with HTTP 403, as FastAPI does when a handler closes before accepting.
    case http403
    /// Accept the upgrade, then send close frame 1008 (policy violation), as the spec's diagram describes.
    case close1008
}
