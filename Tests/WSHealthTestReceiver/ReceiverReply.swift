/// What ``RecordingReceiver`` does with one request: answer with a status, never answer, or
/// drop the connection, possibly after a delay.
public struct ReceiverReply: Sendable, Hashable {
    /// What to do.
    public enum Action: Sendable, Hashable {
        /// Answer with this status, these extra headers and this body (`Content-Length` is added).
        case respond(status: Int, headers: [HeaderField], body: [UInt8])
        /// Read the request and never answer (until the receiver stops listening).
        case noAnswer
        /// Close the connection without answering.
        case closeConnection
    }

    /// What to do.
    public var action: Action
    /// How long to wait before doing it.
    public var delay: Duration

    /// Creates a reply.
    public init(_ action: Action, delay: Duration = .zero) {
        self.action = action
        self.delay = delay
    }

    /// Answers `code` with `headers` and `body`.
    public static func status(_ code: Int, headers: [String: String] = [:], body: String = "") -> ReceiverReply {
        let fields = headers.sorted { $0.key < $1.key }.map { HeaderField(name: $0.key, value: $0.value) }
        return ReceiverReply(.respond(status: code, headers: fields, body: Array(body.utf8)))
    }

    /// 200 with an empty body.
    public static let ok = status(200)

    /// 429 with `Retry-After: value` (delay-seconds or an HTTP-date).
    public static func tooManyRequests(retryAfter value: String) -> ReceiverReply {
        status(429, headers: ["Retry-After": value])
    }

    /// Never answers.
    public static let noAnswer = ReceiverReply(.noAnswer)

    /// Closes the connection without answering.
    public static let closeConnection = ReceiverReply(.closeConnection)

    /// This reply, after `delay`.
    public func delayed(by delay: Duration) -> ReceiverReply {
        ReceiverReply(self.action, delay: delay)
    }
}
