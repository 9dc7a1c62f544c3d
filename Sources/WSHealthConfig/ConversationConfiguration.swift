/// What a session says to a server that wants more than a connection, and which of its
/// messages are data: the target keys `on_open`, `replies`, `data` and `heartbeat`.
public struct ConversationConfiguration: Sendable, Equatable {
    /// The steps run in order right after the upgrade: texts to send (a subscribe, a
    /// `connection_init`, with ``Substitution``s), each optionally followed by a reply to wait
    /// for. A step that waits keeps the attempt in `connecting` until the reply arrives.
    public var onOpen: [Step] = []
    /// Answers to the server's application-level messages: a message that matches is protocol
    /// traffic, answered with `send`, and not data.
    public var replies: [Reply] = []
    /// Which messages are data; nil: every message that passes `expect`. The others (acks,
    /// keepalives) are proof of life and nothing else.
    public var data: MessageMatch?
    /// An application-level ping, sent while connected; nil: none.
    public var heartbeat: Heartbeat?

    /// The default time a step of `on_open` waits for its reply.
    public static let defaultAwaitTimeout = Duration.seconds(5)

    /// A step of `on_open` (`{send: …, await: {…}}`): a text to send, a reply to wait for, or
    /// both (the text first).
    public struct Step: Sendable, Equatable {
        public var send: String?
        public var reply: Await?

        /// A step sending `send` (if any), then waiting for `reply` (if any).
        public init(send: String? = nil, reply: Await? = nil) {
            self.send = send
            self.reply = reply
        }
    }

    /// A reply waited for: a message that `match`es within `timeout`. Anything else the server
    /// sends meanwhile (except what `replies` answers) ends the attempt.
    public struct Await: Sendable, Equatable {
        public var match: MessageMatch
        public var timeout: Duration

        /// Waits `timeout` for a message that `match`es.
        public init(match: MessageMatch, timeout: Duration = ConversationConfiguration.defaultAwaitTimeout) {
            self.match = match
            self.timeout = timeout
        }
    }

    /// `send` every `interval` while connected; with `expectReply`, a message matching it must
    /// follow within its timeout, or the connection is taken for dead (`network_error`).
    public struct Heartbeat: Sendable, Equatable {
        public var interval: Duration
        public var send: String
        public var expectReply: Await?

        /// A heartbeat of `send` every `interval`, answered (when `expectReply`) as it says.
        public init(interval: Duration, send: String, expectReply: Await? = nil) {
            self.interval = interval
            self.send = send
            self.expectReply = expectReply
        }
    }

    /// A rule of `replies`.
    public struct Reply: Sendable, Equatable {
        public var match: MessageMatch
        public var send: String

        /// A rule answering messages that `match` with `send`.
        public init(match: MessageMatch, send: String) {
            self.match = match
            self.send = send
        }
    }

    /// Whether a target has none of it: its sessions then pay nothing for it.
    public var isEmpty: Bool {
        self.onOpen.isEmpty && self.replies.isEmpty && self.data == nil && self.heartbeat == nil
    }

    /// Creates a conversation.
    public init(onOpen: [Step] = [], replies: [Reply] = [], data: MessageMatch? = nil, heartbeat: Heartbeat? = nil) {
        self.onOpen = onOpen
        self.replies = replies
        self.data = data
        self.heartbeat = heartbeat
    }

    /// The placeholders a text to send may hold, replaced at each send.
    public enum Substitution: String, CaseIterable, Sendable {
        /// The session's index within its target.
        case session = "{{session}}"
        /// A fresh identifier, unique within the agent's run.
        case id = "{{id}}"
        /// The current time, Unix milliseconds.
        case nowMilliseconds = "{{now_ms}}"
        /// The target's token (a secret: texts are never logged).
        case token = "{{token}}"
    }
}

/// How a message is recognised: a value of its JSON (`{pointer: /type, equals: next}`), several
/// that must all hold (a list of them), the start of its text (`{prefix: "42"}`), or a regular
/// expression over its text (`{regex: …}`).
public enum MessageMatch: Sendable, Equatable {
    case json(AssertionConfiguration)
    case allOf([AssertionConfiguration])
    case prefix(String)
    case regex(String)

    /// Whether the match reads the message as JSON (a pointer).
    public var readsJSON: Bool {
        switch self {
        case .json, .allOf: true
        case .prefix, .regex: false
        }
    }

    /// Decodes a match; nil (reported) unless it has exactly one form.
    static func decode(_ node: ConfigNode) -> MessageMatch? {
        if node.isList, let list = node.list() {
            let conditions = list.compactMap(AssertionConfiguration.decode)
            guard !list.isEmpty else {
                node.report("must list at least one condition, such as {pointer: /type, equals: next}")
                return nil
            }
            return conditions.count == list.count ? .allOf(conditions) : nil
        }
        guard let mapping = node.mapping() else { return nil }
        let forms = ["pointer", "prefix", "regex"].filter { mapping[$0] != nil }
        guard forms.count == 1 else {
            mapping.report("must have one of pointer (with equals, type, …), prefix or regex, got \(forms.count)")
            return nil
        }
        switch forms[0] {
        case "prefix":
            guard let prefix = mapping["prefix"]?.nonEmptyString() else { return nil }
            mapping.reportUnknownKeys()
            return .prefix(prefix)
        case "regex":
            guard let node = mapping["regex"], let pattern = node.nonEmptyString() else { return nil }
            guard (try? Regex(pattern)) != nil else {
                node.report("not a regular expression, got \(pattern.quoted)")
                return nil
            }
            mapping.reportUnknownKeys()
            return .regex(pattern)
        default:
            return AssertionConfiguration.decode(node).map { .json($0) }
        }
    }
}

extension ConversationConfiguration {
    /// Decodes the conversation keys of a target mapping.
    static func decode(_ mapping: ConfigMapping) -> ConversationConfiguration {
        var conversation = ConversationConfiguration()
        if let list = mapping["on_open"]?.list() {
            conversation.onOpen = list.compactMap { item in
                guard let entry = item.mapping() else { return nil }
                guard entry["send"] != nil || entry["await"] != nil else {
                    item.report("needs send (a text to send), await (a reply to wait for), or both")
                    return nil
                }
                let send = entry["send"].map { $0.nonEmptyString() }
                let reply = entry["await"].map(Await.decode)
                entry.reportUnknownKeys()
                if case .some(nil) = send { return nil }
                if case .some(nil) = reply { return nil }
                return Step(send: send ?? nil, reply: reply ?? nil)
            }
        }
        if let list = mapping["replies"]?.list() {
            conversation.replies = list.compactMap { item in
                guard let entry = item.mapping() else { return nil }
                let match = entry["match"].flatMap(MessageMatch.decode)
                let send = entry["send"]?.nonEmptyString()
                if entry["match"] == nil { entry.report("match", "is required") }
                if entry["send"] == nil { entry.report("send", "is required, the answer") }
                entry.reportUnknownKeys()
                guard let match, let send else { return nil }
                return Reply(match: match, send: send)
            }
        }
        if let node = mapping["data"] { conversation.data = MessageMatch.decode(node) }
        if let node = mapping["heartbeat"] { conversation.heartbeat = Heartbeat.decode(node) }
        return conversation
    }
}

extension ConversationConfiguration.Await {
    /// Decodes `{match: …, timeout: 5s}`; nil (reported) when it is not one.
    static func decode(_ node: ConfigNode) -> Self? {
        guard let mapping = node.mapping() else { return nil }
        guard let matchNode = mapping["match"] else {
            mapping.report("match", "is required, the reply to wait for")
            return nil
        }
        let match = MessageMatch.decode(matchNode)
        let timeout = mapping["timeout"].map { $0.positiveDuration() }
        mapping.reportUnknownKeys()
        guard let match else { return nil }
        if case .some(nil) = timeout { return nil }
        return Self(match: match, timeout: (timeout ?? nil) ?? ConversationConfiguration.defaultAwaitTimeout)
    }
}

extension ConversationConfiguration.Heartbeat {
    /// Decodes `{interval: 30s, send: …, expect_reply: {match: …, timeout: 10s}}`.
    static func decode(_ node: ConfigNode) -> Self? {
        guard let mapping = node.mapping() else { return nil }
        if mapping["interval"] == nil { mapping.report("interval", "is required, e.g. 30s") }
        if mapping["send"] == nil { mapping.report("send", "is required, the text to send") }
        let interval = mapping["interval"]?.positiveDuration()
        let send = mapping["send"]?.nonEmptyString()
        let reply = mapping["expect_reply"].map(ConversationConfiguration.Await.decode)
        mapping.reportUnknownKeys()
        guard let interval, let send else { return nil }
        if case .some(nil) = reply { return nil }
        if let timeout = (reply ?? nil)?.timeout, timeout >= interval {
            let expected = PrometheusDuration.format(interval)
            mapping["expect_reply"]?.report(
                "timeout must be shorter than the interval (\(expected)), got \(PrometheusDuration.format(timeout))"
            )
            return nil
        }
        return Self(interval: interval, send: send, expectReply: reply ?? nil)
    }
}
