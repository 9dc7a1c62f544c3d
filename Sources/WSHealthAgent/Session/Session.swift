import Foundation
import Logging
import NIOCore
import NIOPosix
import WSConnectionStateMachine
import WSHealthConfig
import WSHealthWebSocket

/// One live WebSocket session: the spec's state machine driven by real I/O.
///
/// A session lives on one event loop and all its state is touched only there; the pure
/// ``ConnectionStateMachine`` decides, and the session carries out the actions it returns
/// (open, ping, close, one timer). Handlers of its connections report back through the
/// `connection…` methods with the connection's id, so a late event of an old connection is
/// recognised and dropped.
final class Session: @unchecked Sendable {
    typealias Machine = ConnectionStateMachine<MonotonicInstant>
    /// Opens a connection for a session (see ``WebSocketConnector``): over the network, or into
    /// an in-memory channel where a benchmark drives the session without sockets.
    typealias Connect = @Sendable (_ session: Session, _ connectionID: UInt64) -> EventLoopFuture<any Channel>

    /// The loop this session lives on, with its timers and pacer.
    let loop: SessionLoop
    var eventLoop: any EventLoop { self.loop.eventLoop }
    /// The session's number within its target.
    let index: Int
    let settings: SessionSettings
    let statistics: TargetStatistics
    /// Told of every change of state or staleness, for the alert rules.
    let changes: ChangeSignal?
    /// The target's logger, shared by its sessions: a logger of its own, with the session's
    /// metadata, would hold a dictionary per session for logs that are rare.
    private let targetLogger: Logger
    private let connect: Connect

    private var machine: Machine
    private var channel: (any Channel)?
    private var connectionID: UInt64 = 0
    /// The machine's one timer, in the loop's timer wheel.
    var timerLink = TimerLink<Session>()
    private var lastMessageAt: Date?
    /// When the newest data received was produced, by the messages' timestamps.
    private var newestDataAt: Date?
    private var lastFailureDetail: String?
    /// What the server agreed to compress with on the latest connection.
    private var compression: PerMessageDeflate.Agreement?
    /// The subprotocol the server chose on the latest connection.
    private var subprotocol: String?
    /// The attempt waiting for the pacer's go-ahead, if one does.
    private var pendingAttempt: PendingAttempt?
    /// The session's last events, for `/api/v1/targets/{name}/sessions/{index}/events`.
    private var recorder = FlightRecorder()
    /// The open connection's place in the conversation; `nil` for a target without awaited
    /// replies or heartbeat, which pays this reference and nothing more.
    private var conversationProgress: ConversationProgress?

    /// What a session does once the pacer lets it start a connection attempt.
    private enum PendingAttempt {
        /// The first connect.
        case connect
        /// The operator's Retry, out of `error`.
        case retry
        /// The due timer of `reconnecting` (the backoff elapsed) or `error` (`error_retry_after`).
        case timer
    }

    init(
        index: Int,
        settings: SessionSettings,
        statistics: TargetStatistics,
        changes: ChangeSignal? = nil,
        loop: SessionLoop,
        logger: Logger,
        connect: Connect? = nil
    ) {
        self.index = index
        self.settings = settings
        self.statistics = statistics
        self.changes = changes
        self.loop = loop
        self.targetLogger = logger
        self.machine = Machine(policy: settings.policy, seed: UInt64.random(in: .min ... .max))
        self.connect =
            connect ?? { session, id in
                WebSocketConnector(
                    settings: session.settings,
                    session: session,
                    connectionID: id,
                    logger: session.logger
                )
                .connect(on: session.eventLoop)
            }
    }

    /// Now, on the session's event loop: NIO's monotonic clock on a real loop, the test's own
    /// on an embedded one, so timeouts and backoff can be tested without waiting.
    private var now: MonotonicInstant {
        MonotonicInstant(nanoseconds: Int64(truncatingIfNeeded: self.eventLoop.now.uptimeNanoseconds))
    }

    /// The target's logger with this session's index, made when something is logged.
    private var logger: Logger {
        var logger = self.targetLogger
        logger[metadataKey: "session"] = "\(self.index)"
        return logger
    }

    /// Starts connecting.
    func start() {
        self.eventLoop.execute { self.requestAttempt(.connect) }
    }

    /// The operator's Retry: leaves `error` at once. Ignored in every other state; the future
    /// tells whether the session was in `error`.
    @discardableResult
    func retry() -> EventLoopFuture<Bool> {
        self.eventLoop.submit {
            guard self.machine.errorReason != nil else { return false }
            self.requestAttempt(.retry)
            return true
        }
    }

    /// Stops the session for good (`user_action`): an open connection is closed with 1001.
    /// Succeeds once the connection, if any, has closed.
    func stop() -> EventLoopFuture<Void> {
        self.eventLoop.flatSubmit {
            let channel = self.channel
            self.pendingAttempt = nil  // a stopped session starts nothing, whenever the pacer says go
            self.handle { $0.stop(at: self.now) }
            return channel?.closeFuture ?? self.eventLoop.makeSucceededVoidFuture()
        }
    }

    /// A snapshot for pages and APIs, taken on the session's loop.
    func snapshot() -> EventLoopFuture<SessionSnapshot> {
        self.eventLoop.submit {
            SessionSnapshot(
                index: self.index,
                state: self.machine.state,
                reconnectAttempt: self.machine.reconnectAttempt,
                isDataStale: self.machine.isDataStale,
                errorReason: self.machine.errorReason,
                lastFailure: self.machine.lastFailure,
                lastFailureDetail: self.lastFailureDetail,
                lastDisconnect: self.machine.lastDisconnect,
                lastMessageAt: self.lastMessageAt,
                newestDataAt: self.newestDataAt,
                extensions: self.compression?.description,
                subprotocol: self.subprotocol
            )
        }
    }

    /// The flight recorder's events, newest first, taken on the session's loop.
    func events() -> EventLoopFuture<[SessionEvent]> {
        self.eventLoop.submit { self.recorder.newestFirst }
    }

    // MARK: Events from the connection's handlers (on the event loop)

    func connectionUpgraded(_ id: UInt64, compression: PerMessageDeflate.Agreement? = nil, subprotocol: String? = nil) {
        self.eventLoop.assertInEventLoop()
        guard id == self.connectionID else { return }
        self.compression = compression
        self.subprotocol = subprotocol
        guard let conversation = self.settings.conversation else {
            self.handle { $0.handshakeSucceeded(at: self.now) }
            return
        }
        if conversation.awaitsReplies || conversation.heartbeat != nil {
            self.conversationProgress = ConversationProgress()
        }
        if !conversation.awaitsReplies { self.handle { $0.handshakeSucceeded(at: self.now) } }
        self.runOnOpen(conversation)
    }

    /// Sends a text message on the open connection.
    private func send(_ text: String) {
        guard let channel = self.channel else { return }
        let frame = channel.allocator.clientFrame(opcode: FrameHeader.text, payload: ByteBuffer(string: text))
        channel.writeAndFlush(frame, promise: nil)
    }

    /// The attempt failed: `detail` is the sentence users read, `error` what NIO reported (for
    /// the logs' `error` field only), `httpStatus` the status of a refused upgrade.
    func connectionFailed(
        _ id: UInt64,
        _ reason: ConnectionFailureReason,
        detail: String,
        error: (any Error)? = nil,
        httpStatus: Int? = nil
    ) {
        self.eventLoop.assertInEventLoop()
        guard id == self.connectionID else { return }
        self.closeChannel()
        let failure = FailureReport(detail: detail, error: error, httpStatus: httpStatus)
        self.handle(failure: failure) { $0.handshakeFailed(reason, at: self.now) }
    }

    func connectionReceived(_ id: UInt64, text: ByteBuffer) {
        self.eventLoop.assertInEventLoop()
        guard id == self.connectionID else { return }
        var isJSON: Bool?
        if let conversation = self.settings.conversation {
            if let progress = self.conversationProgress {
                if progress.step != nil {
                    // The reply that ends the opening may be data too (a subscription's first
                    // event): then it counts as such, below.
                    guard self.onOpenReceived(text, conversation, progress, isJSON: &isJSON), progress.step == nil,
                        conversation.isData(text, isJSON: &isJSON)
                    else {
                        self.settings.trace?.received(.text(text), valid: false)
                        return
                    }
                }
                if progress.heartbeatDeadline != nil, let reply = conversation.heartbeat?.reply,
                    reply.match.matches(text, isJSON: &isJSON)
                {
                    progress.heartbeatDeadline?.cancel()
                    progress.heartbeatDeadline = nil
                    self.settings.trace?.received(.text(text), valid: false)
                    self.handle { $0.controlFrameReceived(at: self.now) }
                    return
                }
            }
            // The server's keepalives, acks and other protocol traffic: proof of life, not data.
            if let answer = conversation.reply(to: text, isJSON: &isJSON) {
                self.settings.trace?.received(.text(text), valid: false)
                self.send(conversation.render(answer, session: self.index, token: self.settings.token))
                self.handle { $0.controlFrameReceived(at: self.now) }
                return
            }
            guard conversation.isData(text, isJSON: &isJSON) else {
                self.settings.trace?.received(.text(text), valid: false)
                self.handle { $0.controlFrameReceived(at: self.now) }
                return
            }
        }
        guard !self.settings.expectJSON || (isJSON ?? JSONValidator.isValid(text.readableBytesView)) else {
            self.recordMalformed(.invalidJSON, text)
            return
        }
        if !self.settings.assertions.isEmpty,
            let failed = MessageAssertions.firstFailure(text, self.settings.assertions)
        {
            // The assertion says what was expected; the message's own content is never logged.
            self.recordMalformed(.assertionFailed, text, metadata: ["assertion": "\(failed)"])
            return
        }
        let arrival = Date()
        guard let timestamp = self.settings.timestamp else {
            self.settings.trace?.received(.text(text), valid: true)
            self.statistics.recordMessage(at: arrival.timeIntervalSince1970)
            self.lastMessageAt = arrival
            self.handle { $0.messageReceived(at: self.now) }
            return
        }
        guard let produced = MessageTimestamp.read(text, timestamp) else {
            self.recordMalformed(.invalidTimestamp, text)
            return
        }
        self.settings.trace?.received(.text(text), valid: true)
        self.statistics.recordMessage(at: arrival.timeIntervalSince1970, produced: produced)
        self.lastMessageAt = arrival
        // A timestamp ahead of the clock is skew, not data from the future: as old as now.
        let producedAt = min(Date(timeIntervalSince1970: produced), arrival)
        self.newestDataAt = max(self.newestDataAt ?? producedAt, producedAt)
        let now = self.now
        let age = Duration.nanoseconds(Int64(arrival.timeIntervalSince(producedAt) * 1e9))
        self.handle { $0.messageReceived(at: now, dataAt: now.advanced(by: .zero - age)) }
    }

    func connectionReceivedBinary(_ id: UInt64) {
        self.eventLoop.assertInEventLoop()
        guard id == self.connectionID else { return }
        self.recordMalformed(.unexpectedBinary)
    }

    func connectionReceivedControlFrame(_ id: UInt64) {
        self.eventLoop.assertInEventLoop()
        guard id == self.connectionID else { return }
        self.handle { $0.controlFrameReceived(at: self.now) }
    }

    /// The open connection ended; `violation` is the frame rule the server broke, if it did,
    /// `closeReason` the reason of the server's close frame.
    func connectionLost(
        _ id: UInt64,
        _ loss: ConnectionLoss,
        violation: WebSocketViolation? = nil,
        closeReason: String? = nil,
        closeCode ownCloseCode: UInt16? = nil,
        detail: String? = nil
    ) {
        self.eventLoop.assertInEventLoop()
        guard id == self.connectionID else { return }
        if let progress = self.conversationProgress, let step = progress.step {
            // Still in `connecting`: the conversation's opening is part of the attempt.
            let ending: String
            switch loss {
            case .serverClosed(let code?): ending = "the server closed the connection with \(code)"
            case .serverClosed(nil): ending = "the server closed the connection"
            default: ending = "the connection ended"
            }
            self.conversationFailed("\(ending) during on_open step \(step + 1)")
            return
        }
        if case .messageTooLarge = violation { self.statistics.recordMessageError(.tooLarge) }
        let detail = detail ?? violation.map { "closed with \($0.closeCode): \($0)" }
        if let detail { self.lastFailureDetail = detail }
        self.endConversation()
        self.channel = nil
        var closeCode = violation?.closeCode ?? ownCloseCode
        if case .serverClosed(let code) = loss { closeCode = code }
        let ending = LossReport(loss: loss, closeCode: closeCode, closeReason: closeReason, detail: detail)
        self.handle(loss: ending) { $0.connectionClosed(loss, at: self.now) }
    }

    // MARK: The conversation

    /// Runs the `on_open` steps from the current one until one waits for a reply; when none
    /// is left, the attempt succeeds (if it waited for any) and the heartbeat starts.
    private func runOnOpen(_ conversation: Conversation) {
        let progress = self.conversationProgress
        var step = progress?.step ?? 0
        while step < conversation.onOpen.count {
            let current = conversation.onOpen[step]
            if let text = current.send {
                self.send(conversation.render(text, session: self.index, token: self.settings.token))
            }
            if let reply = current.reply, let progress {
                progress.step = step
                let id = self.connectionID
                let overdue = "no reply to on_open step \(step + 1) within \(reply.written)"
                progress.replyDeadline = self.eventLoop.scheduleTask(in: reply.timeout) {
                    guard id == self.connectionID else { return }
                    self.conversationFailed(overdue)
                }
                return
            }
            step += 1
        }
        guard let progress else { return }
        progress.step = nil
        if conversation.awaitsReplies { self.handle { $0.handshakeSucceeded(at: self.now) } }
        if let heartbeat = conversation.heartbeat {
            let id = self.connectionID
            progress.heartbeat = self.eventLoop.scheduleRepeatedTask(
                initialDelay: heartbeat.interval,
                delay: heartbeat.interval
            ) { _ in self.heartbeatDue(id) }
        }
    }

    /// A message while an `on_open` step waits: the reply moves on to the next step (true), what
    /// `replies` answers is answered, and anything else ends the attempt.
    private func onOpenReceived(
        _ text: ByteBuffer,
        _ conversation: Conversation,
        _ progress: ConversationProgress,
        isJSON: inout Bool?
    ) -> Bool {
        guard let step = progress.step, let reply = conversation.onOpen[step].reply else { return false }
        if reply.match.matches(text, isJSON: &isJSON) {
            progress.replyDeadline?.cancel()
            progress.replyDeadline = nil
            progress.step = step + 1
            self.runOnOpen(conversation)
            return true
        } else if let answer = conversation.reply(to: text, isJSON: &isJSON) {
            self.send(conversation.render(answer, session: self.index, token: self.settings.token))
        } else {
            // The message's content is the server's, never shown: its size says enough.
            self.conversationFailed(
                "on_open step \(step + 1) waited for its reply and got another message (\(text.readableBytes) bytes)"
            )
        }
        return false
    }

    /// The opening of the conversation went wrong: the attempt fails as `conversation_failed`.
    private func conversationFailed(_ detail: String) {
        self.connectionFailed(self.connectionID, .conversationFailed, detail: detail)
    }

    /// Sends the heartbeat, and waits for its reply if one is expected and none is overdue.
    private func heartbeatDue(_ id: UInt64) {
        guard id == self.connectionID, let progress = self.conversationProgress,
            let conversation = self.settings.conversation, let heartbeat = conversation.heartbeat
        else { return }
        self.send(conversation.render(heartbeat.send, session: self.index, token: self.settings.token))
        guard let reply = heartbeat.reply, progress.heartbeatDeadline == nil else { return }
        let written = reply.written
        progress.heartbeatDeadline = self.eventLoop.scheduleTask(in: reply.timeout) {
            self.heartbeatMissed(id, after: written)
        }
    }

    /// No reply to a heartbeat: the connection is dead, as after an unanswered ping. Closed
    /// first, so that its own end, when it comes, is history.
    private func heartbeatMissed(_ id: UInt64, after timeout: String) {
        guard id == self.connectionID, self.channel != nil else { return }
        let detail = "no reply to the heartbeat within \(timeout)"
        self.lastFailureDetail = detail
        self.closeChannel()
        self.handle(loss: LossReport(loss: .networkError, detail: detail)) {
            $0.connectionClosed(.networkError, at: self.now)
        }
    }

    /// Stops the connection's conversation timers.
    private func endConversation() {
        self.conversationProgress?.cancel()
        self.conversationProgress = nil
    }

    // MARK: Carrying out actions

    /// A message that is not data: counted, logged (rate-limited) with `metadata`, shown to a
    /// probe when it is `text`.
    private func recordMalformed(
        _ reason: MessageErrorReason,
        _ text: ByteBuffer? = nil,
        metadata: Logger.Metadata = [:]
    ) {
        if let text { self.settings.trace?.received(.text(text), valid: false) }
        self.statistics.recordMessageError(reason)
        var metadata = metadata
        metadata["reason"] = "\(reason.rawValue)"
        self.statistics.logRateLimited(.messageRefused, metadata: metadata, logger: self.logger)
        self.handle { $0.malformedMessageReceived(at: self.now) }
    }

    /// What the client saw of a failed attempt.
    private struct FailureReport {
        /// The sentence users read.
        var detail: String
        /// NIO's error, for the logs.
        var error: (any Error)?
        /// The status of a refused upgrade.
        var httpStatus: Int?
    }

    /// What the client saw of an open connection's end.
    private struct LossReport {
        var loss: ConnectionLoss
        /// The server's close code, or the one the agent failed the connection with.
        var closeCode: UInt16?
        /// The reason of the server's close frame.
        var closeReason: String?
        /// The agent's own sentence, when it ended the connection (a violation, no room for a
        /// message, a missed heartbeat).
        var detail: String?
    }

    /// Feeds one event to the machine and carries out what it returns; `failure` is what the
    /// client saw of a failed attempt, if the event ends one.
    private func handle(
        failure: FailureReport? = nil,
        loss: LossReport? = nil,
        _ event: (inout Machine) -> Machine.Action
    ) {
        let now = self.now
        let action = event(&self.machine)
        if let reason = action.failure {
            self.lastFailureDetail = failure?.detail ?? self.describe(reason)
        }
        let context = FlightRecorder.Context(
            failureDetail: action.failure != nil ? self.lastFailureDetail : loss?.detail,
            httpStatus: failure?.httpStatus,
            closeCode: loss?.closeCode,
            closeReason: loss?.closeReason
        )
        self.recorder.record(action, at: now, attempt: self.machine.reconnectAttempt, context: context) { event in
            self.settings.trace?.recorded(event)
        }
        self.statistics.record(action)
        if action.dataStale != nil || action.transitions.contains(where: { $0.from != $0.to }) {
            self.changes?.signal()
        }
        self.log(action, error: failure?.error, loss: loss)
        self.apply(action)
    }

    /// The detail of a failure no handler reported: the machine's own handshake timeout.
    private func describe(_ reason: ConnectionFailureReason) -> String {
        let peer = ConnectionErrorClassifier.peer(host: self.settings.endpoint.host, port: self.settings.endpoint.port)
        if reason == .timeout {
            let timeout = PrometheusDuration.format(self.settings.policy.handshakeTimeout)
            return "no WebSocket upgrade from \(peer) within \(timeout)"
        }
        return "\(reason.rawValue) with \(peer)"
    }

    /// Logs the event's state changes at debug, an entry into `error` as a warning, and each
    /// failed attempt and lost connection at info, at most once every 10 s per target.
    private func log(_ action: Machine.Action, error: (any Error)?, loss: LossReport?) {
        if let reason = action.failure {
            var metadata: Logger.Metadata = [
                "reason": "\(reason.rawValue)", "detail": "\(self.lastFailureDetail ?? "")",
            ]
            if let error { metadata["error"] = "\(String(reflecting: error))" }
            self.statistics.logRateLimited(.connectionFailed, metadata: metadata, logger: self.logger)
        }
        if let cause = action.disconnect, cause != .userAction {
            let detail = loss?.detail ?? loss.map { self.describe($0.loss) } ?? self.describeTimerLoss(action)
            let metadata: Logger.Metadata = ["cause": "\(cause.rawValue)", "detail": "\(detail)"]
            self.statistics.logRateLimited(.connectionLost, metadata: metadata, logger: self.logger)
        }
        for transition in action.transitions where transition.from != transition.to {
            let metadata: Logger.Metadata = [
                "from": "\(transition.from.rawValue)", "to": "\(transition.to.rawValue)",
                "event": "\(transition.trigger.label)",
            ]
            if transition.to == .error {
                // Ten thousand sessions refused at once are one line every 10 s, not ten thousand.
                var metadata = metadata
                metadata["error"] = "\(self.machine.errorReason?.message ?? "error")"
                self.statistics.logRateLimited(.sessionFailed, metadata: metadata, logger: self.logger)
            } else {
                self.logger.debug("state changed", metadata: metadata)
            }
        }
    }

    /// How an open connection ended, in words.
    private func describe(_ loss: ConnectionLoss) -> String {
        switch loss {
        case .serverClosed(let code?): "the server closed with \(code)"
        case .serverClosed(nil): "the server closed without a status code"
        case .networkError: "the connection broke without a close frame"
        case .protocolError: "the server broke the WebSocket protocol"
        case .resourceExhausted: "the agent had no room to buffer a message"
        }
    }

    /// How the machine's own timer ended an open connection.
    private func describeTimerLoss(_ action: Machine.Action) -> String {
        let policy = self.settings.policy
        if action.transitions.contains(where: { $0.trigger == .dataStale }) {
            return "no valid message for \(PrometheusDuration.format(policy.staleAfter))"
        }
        return "no answer to a ping within \(PrometheusDuration.format(policy.ping?.timeout ?? .zero))"
    }

    private func apply(_ action: Machine.Action) {
        // The timer first: an attempt can fail before `open` returns (no descriptor left), and
        // the machine's answer to that failure arms its own timer, which this action's must not
        // overwrite.
        switch action.timer {
        case .keep:
            break
        case .cancel:
            self.loop.timers.cancel(self)
        case .arm(let deadline):
            self.loop.timers.arm(self, at: .uptimeNanoseconds(UInt64(clamping: deadline.nanoseconds)))
        }
        switch action.connection {
        case .none:
            break
        case .open(let attempt):
            self.open(attempt: attempt)
        case .sendPing:
            if let channel = self.channel {
                channel.writeAndFlush(channel.allocator.clientFrame(opcode: FrameHeader.ping), promise: nil)
                self.settings.trace?.pingSent()
            }
        case .close(let code):
            self.sendCloseAndClose(code: code)
        case .abort:
            self.closeChannel()
        }
    }

    private func open(attempt: Int) {
        self.connectionID &+= 1
        let id = self.connectionID
        self.statistics.recordAttempt()
        self.connect(self, id).whenComplete { result in
            switch result {
            case .success(let channel):
                guard id == self.connectionID, !self.machine.isStopped else {
                    channel.close(promise: nil)
                    return
                }
                self.channel = channel
            case .failure(let error):
                let endpoint = self.settings.endpoint
                self.connectionFailed(
                    id,
                    ConnectionErrorClassifier.classify(error),
                    detail: ConnectionErrorClassifier.describe(error, host: endpoint.host, port: endpoint.port),
                    error: error
                )
            }
        }
    }

    private func sendCloseAndClose(code: UInt16) {
        guard let channel = self.channel else { return }
        self.endConversation()
        self.channel = nil
        self.connectionID &+= 1  // what this connection reports from now on is history
        channel.writeAndFlush(channel.allocator.clientCloseFrame(code: code)).whenComplete { _ in
            channel.close(promise: nil)
        }
    }

    /// Ends the current connection, even one whose TCP connect is still in flight: from now on
    /// its reports are history, and a late connect is closed on arrival.
    private func closeChannel() {
        self.endConversation()
        self.connectionID &+= 1
        let channel = self.channel
        self.channel = nil
        channel?.close(promise: nil)
    }
}

extension Session: TimerWheelEntry, PacedAttempt {
    func timerWheelFired() {
        self.eventLoop.assertInEventLoop()
        if self.machine.timerStartsAttempt {
            self.requestAttempt(.timer)
        } else {
            self.handle { $0.timerFired(at: self.now) }
        }
    }

    /// Starts `attempt` now, or once the pacer lets it.
    private func requestAttempt(_ attempt: PendingAttempt) {
        guard self.pendingAttempt == nil else { return }
        self.pendingAttempt = attempt
        if self.loop.pacer?.admit(self) ?? true { self.attemptAdmitted() }
    }

    func attemptAdmitted() {
        guard let attempt = self.pendingAttempt else { return }
        self.pendingAttempt = nil
        switch attempt {
        case .connect: self.handle { $0.connect(at: self.now) }
        case .retry: self.handle { $0.retry(at: self.now) }
        case .timer: self.handle { $0.timerFired(at: self.now) }
        }
    }
}

extension Duration {
    /// The duration in whole nanoseconds, saturating.
    var nanoseconds: Int64 {
        let (seconds, attoseconds) = self.components
        let (product, overflow) = seconds.multipliedReportingOverflow(by: 1_000_000_000)
        return overflow ? (seconds < 0 ? .min : .max) : product &+ attoseconds / 1_000_000_000
    }
}
