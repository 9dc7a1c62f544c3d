/// What a session says to a server that wants more than a connection, and which of its
/// messages are data: the target keys `on_open`, `replies` and `data`.
public struct ConversationConfiguration: Sendable, Equatable {
    /// Texts sent in order right after the upgrade (a subscribe, a `connection_init`), with
    /// ``Substitution``s.
    public var onOpen: [String] = []
    /// Answers to the server's application-level messages: a message that matches is protocol
    /// traffic, answered with `send`, and not data.
    public var replies: [Reply] = []
    /// Which messages are data; nil: every message that passes `expect`. The others (acks,
    /// keepalives) are proof of life and nothing else.
    public var data: MessageMatch?

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
    public var isEmpty: Bool { self.onOpen.isEmpty && self.replies.isEmpty && self.data == nil }

    /// Creates a conversation.
    public init(onOpen: [String] = [], replies: [Reply] = [], data: MessageMatch? = nil) {
        self.onOpen = onOpen
        self.replies = replies
        self.data = data
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

/// How a message is recognised: a value of its JSON (`{pointer: /type, equals: next}`), the
/// start of its text (`{prefix: "42"}`), or a regular expression over its text (`{regex: …}`).
public enum MessageMatch: Sendable, Equatable {
    case json(AssertionConfiguration)
    case prefix(String)
    case regex(String)

    /// Whether the match reads the message as JSON (a pointer).
    public var readsJSON: Bool {
        if case .json = self { return true }
        return false
    }

    /// Decodes a match; nil (reported) unless it has exactly one form.
    static func decode(_ node: ConfigNode) -> MessageMatch? {
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
                guard let entry = item.mapping(), let text = entry["send"]?.nonEmptyString() else {
                    if item.mapping() != nil { item.report("send: is required, the text to send") }
                    return nil
                }
                entry.reportUnknownKeys()
                return text
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
        return conversation
    }
}
