import NIOConcurrencyHelpers

/// The switches and counters every connection reads or bumps, behind one lock.
///
/// Reads happen per handshake, per ping and once per tick and loop, so an uncontended lock is cheap enough.
final class BackendState: Sendable {
    private struct Counters {
        var messagesSent = 0
        var handshakesAccepted = 0
        var handshakesRefused = 0
    }

    private struct State {
        var switches = BackendSwitches()
        var counters = Counters()
        var random = SplitMix64(seed: 0x5EED_CAFE)
    }

    private let state = NIOLockedValueBox(State())

    /// The switches in force.
    var switches: BackendSwitches {
        self.state.withLockedValue { $0.switches }
    }

    /// Whether the backend must send nothing.
    /// The timestamp of `freeze-timestamp`, while it is on.
    var frozenTimestamp: String? {
        self.state.withLockedValue { $0.switches.frozenTimestamp }
    }

    var isStalled: Bool {
        self.state.withLockedValue { $0.switches.stalled }
    }

    /// Changes the switches in place.
    func updateSwitches(_ body: (inout BackendSwitches) -> Void) {
        self.state.withLockedValue { body(&$0.switches) }
    }

    /// Records a handshake decision.
    func recordHandshake(accepted: Bool) {
        self.state.withLockedValue { state in
            if accepted {
                state.counters.handshakesAccepted += 1
            } else {
                state.counters.handshakesRefused += 1
            }
        }
    }

    /// Records `count` text messages handed to clients.
    func recordMessagesSent(_ count: Int) {
        guard count > 0 else {
            return
        }
        self.state.withLockedValue { $0.counters.messagesSent += count }
    }

    /// The next pseudo-random metrics sample.
    func nextSample(activeConnections: Int, timestamp: String) -> MetricsSample {
        self.state.withLockedValue { state in
            MetricsSample.random(using: &state.random, activeConnections: activeConnections, timestamp: timestamp)
        }
    }

    /// A status snapshot, with the connection count the registry knows.
    func status(connectedClients: Int) -> BackendStatus {
        self.state.withLockedValue { state in
            BackendStatus(
                connectedClients: connectedClients,
                messagesSent: state.counters.messagesSent,
                handshakesAccepted: state.counters.handshakesAccepted,
                handshakesRefused: state.counters.handshakesRefused,
                switches: state.switches
            )
        }
    }
}
