import Foundation
import Logging
import NIOConcurrencyHelpers
import ServiceLifecycle
import WSHealthAlerting
import WSHealthConfig

/// Evaluates the built-in rules every `evaluation_interval`, keeps the firing alerts on disk,
/// and queues each change with every receiver (Alertmanager receivers also get the firing
/// alerts again every `resend_interval`).
///
/// Runs until graceful shutdown, cancellation or ``stop()``; undelivered notifications stay in
/// the outboxes and firing alerts in the store, so the next run carries on where this one
/// stopped, without notifying again what was already notified.
final class AlertingService: Sendable {
    let configuration: AlertingConfiguration
    /// The longest the rules wait at start for the targets to settle.
    let startupGrace: Duration
    private let changes: ChangeSignal
    private let evaluator: NIOLockedValueBox<AlertEvaluator>
    let receivers: [Receiver]
    private let store: ActiveAlertStore?
    /// Counts what the disk refused.
    private let storage: AgentStatistics
    private let firingGauges: FiringGauges
    private let logger: Logger
    private let stopped = AsyncStream<Never>.makeStream()
    private let finished = AsyncStream<Never>.makeStream()

    /// One configured receiver: a delivery per URL (Alertmanager HA wants every member).
    struct Receiver: Sendable {
        let configuration: ReceiverConfiguration
        let deliveries: [ReceiverDelivery]
        /// The receiver's series, shared by its deliveries.
        let metrics: ReceiverStatistics
    }

    /// Opens the outboxes under `storagePath` and restores the firing alerts of the last run.
    init(
        configuration: AlertingConfiguration,
        storagePath: URL?,
        startupGrace: Duration,
        changes: ChangeSignal,
        externalURL: String,
        client: NotificationClient,
        metrics: MetricsRegistry,
        logger: Logger
    ) throws {
        self.configuration = configuration
        self.startupGrace = startupGrace
        self.changes = changes
        self.logger = logger
        self.storage = metrics.agent
        guard let storagePath else {
            // Nothing to deliver and nothing to keep: the rules run for the API and metrics.
            guard configuration.receivers.isEmpty else {
                throw AgentError("alerting.receivers need a storage path (--storage.path) for their outboxes")
            }
            self.store = nil
            self.evaluator = NIOLockedValueBox(
                AlertEvaluator(
                    instance: configuration.instance ?? ProcessInfo.processInfo.hostName,
                    settings: configuration.rules
                )
            )
            self.firingGauges = FiringGauges(registry: metrics)
            self.receivers = []
            return
        }
        let store = ActiveAlertStore(storagePath: storagePath)
        let restored = store.load()
        if let damaged = restored.damaged {
            logger.warning("active alerts file damaged, starting empty", metadata: ["file": "\(damaged)"])
            metrics.agent.recordStorageError(.activeAlertsDamaged)
        }
        self.store = store
        self.evaluator = NIOLockedValueBox(
            AlertEvaluator(
                instance: configuration.instance ?? ProcessInfo.processInfo.hostName,
                settings: configuration.rules,
                restoring: restored.alerts
            )
        )
        self.firingGauges = FiringGauges(registry: metrics)
        self.receivers = try configuration.receivers.map { receiver in
            let urls = try client.urls(of: receiver)
            let receiverMetrics = metrics.receiver(named: receiver.name)
            let deliveries = try urls.enumerated().map { index, url in
                // One outbox per URL; a single URL keeps the receiver's own name.
                let name = urls.count == 1 ? receiver.name : "\(receiver.name)#\(index)"
                return ReceiverDelivery(
                    name: name,
                    outbox: try Outbox(storagePath: storagePath, receiver: name, capacity: receiver.queueCapacity),
                    send: try client.sender(for: receiver, url: url, externalURL: externalURL),
                    metrics: receiverMetrics,
                    storage: metrics.agent,
                    logger: logger
                )
            }
            return Receiver(configuration: receiver, deliveries: deliveries, metrics: receiverMetrics)
        }
    }

    /// What fires now.
    var firing: [Alert] { self.evaluator.withLockedValue { $0.firing } }

    /// Ends ``run(observe:)`` and waits until it has returned: its deliveries have finished
    /// their requests in flight and its outboxes are free for a successor.
    func stopAndWait() async {
        self.stopped.continuation.finish()
        for await _ in self.finished.stream {}
    }

    /// Evaluates until stopped; `observe` says what the targets look like now.
    /// `isSettled` says whether every target has shown its state (see ``evaluate``).
    func run(
        observe: @escaping @Sendable () async -> [TargetObservation],
        isSettled: @escaping @Sendable () -> Bool
    ) async {
        for receiver in self.receivers {
            for delivery in receiver.deliveries { await delivery.start() }
        }
        let stopped = self.stopped.stream
        await withTaskGroup(of: Void.self) { group in
            group.addTask {
                for await _ in stopped {}
            }
            group.addTask {
                await cancelWhenGracefulShutdown {
                    await self.evaluate(
                        every: self.configuration.evaluationInterval,
                        observe: observe,
                        isSettled: isSettled
                    )
                }
            }
            // Whichever ends first (stop, shutdown) ends the other.
            await group.next()
            group.cancelAll()
        }
        for receiver in self.receivers {
            for delivery in receiver.deliveries { await delivery.shutdown() }
        }
        self.finished.continuation.finish()
    }

    private func evaluate(
        every interval: Duration,
        observe: @Sendable () async -> [TargetObservation],
        isSettled: @Sendable () -> Bool
    ) async {
        var lastResend: [String: Date] = [:]
        // Whether the disk holds the firing alerts as they are; written again until it does.
        var firingStored = true
        // Sessions start disconnected: evaluated at once, a restarted agent would resolve the
        // alerts it restored (data cannot be stale before a connection) and fire others. The
        // first evaluation waits until the targets have settled (every session's first attempt
        // over, then a stale window), at most `startupGrace`.
        self.firingGauges.update(firing: self.firing)
        let deadline = ContinuousClock.now + self.startupGrace
        while !Task.isCancelled && !isSettled() && ContinuousClock.now < deadline {
            await self.changes.wait(atMost: .milliseconds(50))
        }
        while !Task.isCancelled {
            let observations = await observe()
            let now = Date()
            let evaluation = self.evaluator.withLockedValue { $0.evaluate(observations, now: now) }
            self.firingGauges.update(firing: evaluation.firing)
            if !evaluation.changes.isEmpty || !firingStored {
                firingStored = self.persist(evaluation.firing, counted: !evaluation.changes.isEmpty)
            }
            if !evaluation.changes.isEmpty {
                for alert in evaluation.changes {
                    self.logger.notice(
                        "alert \(alert.status.rawValue)",
                        metadata: [
                            "alertname": "\(alert.labels["alertname"] ?? "")",
                            "target": "\(alert.labels["target"] ?? "")",
                            "description": "\(alert.annotations["description"] ?? "")",
                        ]
                    )
                }
            }
            for receiver in self.receivers {
                var alerts = evaluation.changes.filter { receiver.wants($0) }
                if receiver.configuration.kind == .alertmanager {
                    let last = lastResend[receiver.configuration.name]
                    if last.map({ now.timeIntervalSince($0) >= receiver.resendSeconds }) ?? true {
                        // A change already carries the firing alert; the rest are re-sent.
                        let changed = Set(alerts.map(\.fingerprint))
                        alerts += evaluation.firing.filter { !changed.contains($0.fingerprint) }
                        lastResend[receiver.configuration.name] = now
                    }
                }
                for delivery in receiver.deliveries {
                    for alert in alerts { await delivery.enqueue(alert) }
                    await delivery.storeUnwritten()
                }
            }
            // Again at the next change of a session, or after the interval (`for` durations
            // and windows move on with time alone); never more often than every 50 ms, so a
            // reconnect storm of many sessions costs a bounded number of evaluations.
            try? await Task.sleep(for: .milliseconds(50))
            await self.changes.wait(atMost: max(interval - .milliseconds(50), .zero))
        }
    }

    /// Stores the firing alerts; a refusal is logged and, for a change (not a retry), counted.
    /// Returns whether the disk took them.
    private func persist(_ firing: [Alert], counted: Bool) -> Bool {
        do {
            try self.store?.save(firing)
            return true
        } catch {
            if counted {
                self.logger.error("cannot store the firing alerts", metadata: ["error": "\(error)"])
                self.storage.recordStorageError(.activeAlertsWrite)
            }
            return false
        }
    }
}

extension AlertingService.Receiver {
    /// Whether the receiver takes `alert`: resolved notifications only with `send_resolved`,
    /// except for Alertmanager, which must hear that an alert ended.
    func wants(_ alert: Alert) -> Bool {
        alert.status == .firing || self.configuration.sendResolved || self.configuration.kind == .alertmanager
    }

    var resendSeconds: Double { Double(self.configuration.resendInterval.components.seconds) }
}
