import Logging
import NIOConcurrencyHelpers
import ServiceLifecycle
import UnixSignals
import WSHealthConfig

/// What a configuration reload did.
public struct ReloadOutcome: Sendable, CustomStringConvertible {
    /// Whether the new configuration is now running.
    public var succeeded: Bool
    /// Why it failed: every problem of the file, with key paths.
    public var problems: [String]
    /// Targets started, stopped, restarted (changed) and left untouched.
    public var added = 0
    public var removed = 0
    public var changed = 0
    public var unchanged = 0
    /// Whether the `alerting` section changed and its service was restarted.
    public var alertingReloaded = false

    static func failure(_ problems: [String]) -> ReloadOutcome { ReloadOutcome(succeeded: false, problems: problems) }

    /// One line for logs and the HTTP answer.
    public var description: String {
        guard self.succeeded else { return "reload failed: " + self.problems.joined(separator: "; ") }
        return
            "reloaded: \(self.added) added, \(self.removed) removed, \(self.changed) changed, \(self.unchanged) unchanged"
            + (self.alertingReloaded ? ", alerting restarted" : "")
    }
}

/// A reload waiting for the agent's run loop, which applies reloads one at a time.
struct ReloadRequest: Sendable {
    let reply: CheckedContinuation<ReloadOutcome, Never>
}

extension Agent {
    /// Re-reads the configuration file and applies it: added targets start, removed ones stop
    /// (`user_action`), changed ones restart, unchanged sessions are not disturbed. A broken
    /// file changes nothing; the old configuration keeps running.
    public func reload() async -> ReloadOutcome {
        await withCheckedContinuation { continuation in
            let reloads = self.state.withLockedValue { $0.reloads }
            guard let reloads, case .enqueued = reloads.yield(ReloadRequest(reply: continuation)) else {
                continuation.resume(returning: .failure(["the agent is not running"]))
                return
            }
        }
    }

    /// Runs on the agent's run loop; returns the outcome, the targets it started, and a new
    /// alerting service to run when the `alerting` section changed.
    func applyReload() async -> (ReloadOutcome, [TargetMonitor], AlertingService?) {
        var (outcome, started, newAlerting) = await self.replaceTargets()
        var alerting: AlertingService?
        if let newAlerting {
            // The old service stops before the new one opens the same outboxes; its firing
            // alerts are on disk, and the new one carries on from them.
            let old = self.state.withLockedValue { $0.alerting }
            await old?.stopAndWait()
            let kept = Set(newAlerting.receivers.map(\.name))
            for receiver in old?.receivers ?? [] where !kept.contains(receiver.configuration.name) {
                self.metrics.unregisterReceiver(named: receiver.configuration.name)
            }
            do {
                alerting = try self.makeAlerting(newAlerting)
                outcome.alertingReloaded = true
            } catch {
                outcome.succeeded = false
                outcome.problems.append("alerting: \(error)")
            }
            self.state.withLockedValue { $0.alerting = alerting }
        }
        if outcome.succeeded {
            self.logger.info("\(outcome)")
        } else {
            self.logger.error("\(outcome)", metadata: ["file": "\(self.options.configurationFile ?? "")"])
        }
        self.metrics.agent.recordReload(success: outcome.succeeded)
        return (outcome, started, alerting)
    }

    private func replaceTargets() async -> (ReloadOutcome, [TargetMonitor], AlertingConfiguration?) {
        guard let file = self.options.configurationFile else {
            return (.failure(["no configuration file to reload (the configuration was given in code)"]), [], nil)
        }
        let configuration: AgentConfiguration
        do {
            let loaded = try AgentConfiguration.load(path: file)
            for warning in loaded.warnings {
                self.logger.warning("configuration: \(warning)", metadata: ["file": "\(file)"])
            }
            configuration = loaded.assigned(to: self.options.shard)
        } catch {
            return (.failure(error.messages), [], nil)
        }
        // A changed alerting section is checked before anything changes: a receiver that
        // cannot be set up (an unreadable url_file) fails the reload as a whole.
        var alerting: AlertingConfiguration?
        if configuration.alerting != self.state.withLockedValue({ $0.configuration.alerting }) {
            do {
                try self.notificationClient.check(configuration.alerting)
            } catch {
                return (.failure(["alerting: \(error)"]), [], nil)
            }
            alerting = configuration.alerting
        }
        let old = self.targets
        let oldByName = Dictionary(uniqueKeysWithValues: old.map { ($0.configuration.name, $0) })
        let newNames = Set(configuration.targets.map(\.name))
        let fresh = configuration.targets.filter { oldByName[$0.name]?.configuration != $0 }
        // Check what a new target needs (CA, JWT secret) before anything is stopped.
        var problems: [String] = []
        for target in fresh {
            do {
                _ = try TargetMonitor.sessionSettings(for: target)
            } catch {
                problems.append("targets \(target.name): \(error)")
            }
        }
        guard problems.isEmpty else { return (.failure(problems), [], nil) }

        var outcome = ReloadOutcome(succeeded: true, problems: [])
        // Stop removed and changed targets first: their series must be gone before the new
        // ones register under the same labels.
        for target in old
        where !newNames.contains(target.configuration.name)
            || fresh.contains(where: { $0.name == target.configuration.name })
        {
            await target.stop()
            target.statistics.unregister()
            if newNames.contains(target.configuration.name) { outcome.changed += 1 } else { outcome.removed += 1 }
        }
        var running: [TargetMonitor] = []
        var started: [TargetMonitor] = []
        for target in configuration.targets {
            if let kept = oldByName[target.name], kept.configuration == target {
                running.append(kept)
                outcome.unchanged += 1
                continue
            }
            if oldByName[target.name] == nil { outcome.added += 1 }
            do {
                let monitor = try self.makeTarget(target)
                try await monitor.start()
                running.append(monitor)
                started.append(monitor)
            } catch {
                outcome.succeeded = false
                outcome.problems.append("targets \(target.name): \(error)")
            }
        }
        self.state.withLockedValue {
            $0.targets = running
            $0.configuration = configuration
        }
        if outcome.added + outcome.changed > 0 { self.warnIfShortOfSockets(for: configuration) }
        return (outcome, started, alerting)
    }

    /// Reloads on every SIGHUP, the way Prometheus and its exporters do.
    func reloadOnHangups() async {
        for await _ in await UnixSignalsSequence(trapping: .sighup).cancelOnGracefulShutdown() {
            _ = await self.reload()
        }
    }
}
