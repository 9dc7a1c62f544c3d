import Foundation
import NIOConcurrencyHelpers
import WSHealthAlerting
import WSHealthConfig

extension Agent {
    /// The alerting service of `configuration`, its outboxes under `--storage.path`.
    func makeAlerting(_ configuration: AlertingConfiguration) throws -> AlertingService {
        try AlertingService(
            configuration: configuration,
            storagePath: self.options.storagePath.map { URL(fileURLWithPath: $0, isDirectory: true) },
            startupGrace: self.state.withLockedValue { $0.configuration.targets }.map {
                $0.handshakeTimeout + $0.expect.staleAfter
            }
            .max() ?? .zero,
            changes: self.stateChanges,
            externalURL: configuration.externalURL ?? self.defaultExternalURL,
            client: self.notificationClient,
            metrics: self.metrics,
            logger: self.logger
        )
    }

    /// Runs `alerting`, fed with what the running targets look like at each evaluation.
    func runAlerting(_ alerting: AlertingService) async {
        let settledSince = NIOLockedValueBox<[String: ContinuousClock.Instant]>([:])
        await alerting.run { [weak self] in
            guard let self else { return [] }
            let now = Date()
            var observations: [TargetObservation] = []
            for target in self.targets { observations.append(await target.observation(now: now)) }
            return observations
        } isSettled: { [weak self] in
            // A target has settled once its sessions have had their first connection outcomes,
            // then a stale window has passed (stale data needs that long to show), and no
            // connected session still waits for its first message or stale timer.
            guard let self else { return true }
            let now = ContinuousClock.now
            return settledSince.withLockedValue { since in
                self.targets.allSatisfy { target in
                    let name = target.configuration.name
                    if since[name] == nil, target.hasFinishedFirstAttempts { since[name] = now }
                    let waited = since[name].map { now - $0 >= target.configuration.expect.staleAfter } ?? false
                    return waited && target.hasShownDataState
                }
            }
        }
    }

    /// What fires now.
    var firingAlerts: [Alert] { self.state.withLockedValue { $0.alerting }?.firing ?? [] }

    /// `http://HOST:PORT/`: the status page, as receivers link to it.
    private var defaultExternalURL: String {
        let port = self.state.withLockedValue { state in
            if case .listening(let port) = state.serving { return port }
            return self.options.port
        }
        return "http://\(ProcessInfo.processInfo.hostName):\(port)/"
    }
}
