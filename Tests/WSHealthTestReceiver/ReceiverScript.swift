/// How ``RecordingReceiver`` answers: a function of the request's number (0 for the first
/// request since the script was set) and the request itself.
public struct ReceiverScript: Sendable {
    /// Picks the reply to request number `index`.
    public let reply: @Sendable (_ index: Int, _ request: RecordedRequest) -> ReceiverReply

    /// A script that answers each request with `reply(index, request)`.
    public init(_ reply: @escaping @Sendable (_ index: Int, _ request: RecordedRequest) -> ReceiverReply) {
        self.reply = reply
    }

    /// Answers the first requests with `replies`, in order, and every later one with `then`.
    public init(_ replies: [ReceiverReply], then: ReceiverReply = .ok) {
        self.reply = { index, _ in index < replies.count ? replies[index] : then }
    }

    /// 200 to everything.
    public static let alwaysOK = ReceiverScript([])

    /// `reply` to everything.
    public static func always(_ reply: ReceiverReply) -> ReceiverScript {
        ReceiverScript([], then: reply)
    }

    /// `reply` to the first `count` requests, then `then`: `.failing(3, with: .status(500))`.
    public static func failing(_ count: Int, with reply: ReceiverReply, then: ReceiverReply = .ok) -> ReceiverScript {
        ReceiverScript(Array(repeating: reply, count: count), then: then)
    }
}
