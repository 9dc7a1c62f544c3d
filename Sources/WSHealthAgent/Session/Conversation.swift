import Foundation
import NIOCore
import Synchronization
import WSHealthConfig

/// A target's conversation, made ready once for all its sessions: the texts to send after the
/// upgrade, the replies to the server's application-level messages, and which messages are data.
/// Targets without one have none, and their sessions pay one `nil` check per message.
///
/// Unchecked: immutable after `init`; a compiled `Regex` is only read.
final class Conversation: @unchecked Sendable {
    let onOpen: [Step]
    let replies: [(match: Match, send: String)]
    let data: Match?
    let heartbeat: Heartbeat?
    /// Whether a step of `on_open` waits for a reply: the attempt then ends only when the last
    /// one has arrived.
    let awaitsReplies: Bool

    /// A step of `on_open`, ready to run.
    struct Step {
        let send: String?
        let reply: Awaited?
    }

    /// A reply waited for.
    struct Awaited {
        let match: Match
        let timeout: TimeAmount
        /// The timeout as the configuration wrote it, for the sentences users read.
        let written: String

        init(_ configuration: ConversationConfiguration.Await) {
            self.match = Match(configuration.match)
            self.timeout = .nanoseconds(configuration.timeout.nanoseconds)
            self.written = PrometheusDuration.format(configuration.timeout)
        }
    }

    /// An application-level ping, ready to run.
    struct Heartbeat {
        let interval: TimeAmount
        let send: String
        let reply: Awaited?
    }

    /// Identifiers for `{{id}}`, unique within the agent's run.
    private static let nextID = Atomic<UInt64>(0)

    /// The conversation of `configuration`; nil when it says nothing.
    init?(_ configuration: ConversationConfiguration) {
        guard !configuration.isEmpty else { return nil }
        self.onOpen = configuration.onOpen.map { Step(send: $0.send, reply: $0.reply.map(Awaited.init)) }
        self.replies = configuration.replies.map { (Match($0.match), $0.send) }
        self.data = configuration.data.map(Match.init)
        self.heartbeat = configuration.heartbeat.map {
            Heartbeat(
                interval: .nanoseconds($0.interval.nanoseconds),
                send: $0.send,
                reply: $0.expectReply.map(Awaited.init)
            )
        }
        self.awaitsReplies = self.onOpen.contains { $0.reply != nil }
    }

    /// `text` with its placeholders replaced for `session`.
    func render(_ text: String, session: Int, token: TokenProvider?) -> String {
        guard text.contains("{{") else { return text }
        var rendered = text
        for substitution in ConversationConfiguration.Substitution.allCases
        where rendered.contains(substitution.rawValue) {
            let value: String
            switch substitution {
            case .session: value = String(session)
            case .id: value = String(Self.nextID.wrappingAdd(1, ordering: .relaxed).newValue)
            case .nowMilliseconds: value = String(Int64(Date().timeIntervalSince1970 * 1000))
            case .token: value = (try? token?.currentToken()) ?? ""
            }
            rendered = rendered.replacingOccurrences(of: substitution.rawValue, with: value)
        }
        return rendered
    }

    /// The answer to `message`, if a reply rule matches it. `isJSON` is whether the message
    /// is JSON, once some match needed to know: the message is validated at most once.
    func reply(to message: ByteBuffer, isJSON: inout Bool?) -> String? {
        for reply in self.replies where reply.match.matches(message, isJSON: &isJSON) { return reply.send }
        return nil
    }

    /// Whether `message` is data; `isJSON` as for ``reply(to:isJSON:)``.
    func isData(_ message: ByteBuffer, isJSON: inout Bool?) -> Bool {
        self.data?.matches(message, isJSON: &isJSON) ?? true
    }

    /// A ``MessageMatch`` ready to use: a regular expression compiled once.
    struct Match {
        private enum Form {
            case json([AssertionConfiguration])
            case prefix([UInt8])
            case regex(Regex<AnyRegexOutput>)
        }

        private let form: Form

        init(_ match: MessageMatch) {
            switch match {
            case .json(let assertion): self.form = .json([assertion])
            case .allOf(let assertions): self.form = .json(assertions)
            case .prefix(let prefix): self.form = .prefix(Array(prefix.utf8))
            // Validated when the configuration was decoded.
            case .regex(let pattern): self.form = .regex(try! Regex(pattern))
            }
        }

        func matches(_ message: ByteBuffer, isJSON: inout Bool?) -> Bool {
            switch self.form {
            case .prefix(let prefix):
                return message.readableBytesView.starts(with: prefix)
            case .json(let assertions):
                let valid = isJSON ?? JSONValidator.isValid(message.readableBytesView)
                isJSON = valid
                guard valid else { return false }
                return message.withUnsafeReadableBytes { bytes in
                    assertions.allSatisfy { MessageAssertions.holds($0, in: bytes) }
                }
            case .regex(let regex):
                return (try? regex.firstMatch(in: String(buffer: message))) != nil
            }
        }
    }
}
