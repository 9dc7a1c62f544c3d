/// The machine's transitions, found by driving a real ``ConnectionStateMachine`` through every
/// event in every state it can reach — so the diagram is generated from the code, not drawn
/// beside it, and can be diffed with the spec's.
public struct StateDiagram: Sendable {
    /// One edge of the diagram.
    public struct Edge: Hashable, Sendable {
        /// The transition.
        public var transition: Transition
        /// What the owner does on this edge, in words.
        public var action: String
    }

    /// Every edge the machine can take under the policy, in a stable order.
    public let edges: [Edge]

    /// Explores the machine under `policy`.
    public init(policy: ConnectionPolicy = .spec) {
        self.edges = Explorer(policy: policy).explore()
    }

    /// The diagram as Mermaid `stateDiagram-v2`, like the spec's.
    public func mermaid() -> String {
        var lines = ["stateDiagram-v2", "    [*] --> Disconnected: Session created"]
        for edge in self.edges {
            let transition = edge.transition
            lines.append(
                "    \(transition.from.diagramName) --> \(transition.to.diagramName): \(transition.trigger.label)"
            )
        }
        lines.append("    Disconnected --> [*]: \(Transition.Trigger.stopped.label)")
        return lines.joined(separator: "\n") + "\n"
    }

    /// The diagram as the spec's *State Transition Table* (Markdown).
    public func table() -> String {
        var lines = ["| From | Event | To | Action |", "|------|-------|-----|--------|"]
        for edge in self.edges {
            let transition = edge.transition
            lines.append(
                "| \(transition.from.diagramName) | \(transition.trigger.label) | \(transition.to.diagramName) | \(edge.action) |"
            )
        }
        return lines.joined(separator: "\n") + "\n"
    }
}

/// A breadth-first walk over the machine's reachable configurations on a synthetic clock.
private struct Explorer {
    typealias Machine = ConnectionStateMachine<ExplorerInstant>

    let policy: ConnectionPolicy

    /// The events tried in every configuration.
    enum Probe: CaseIterable {
        case connect, retry, handshakeSucceeded, authFailure, refused, timerFired
        case message, malformedMessage, controlFrame, serverClose, policyClose, networkLoss, protocolLoss, stop
    }

    func explore() -> [StateDiagram.Edge] {
        var machine = Machine(policy: self.policy)
        let start = ExplorerInstant(nanoseconds: 0)
        var seen: Set<String> = []
        var queue: [(Machine, ExplorerInstant)] = [(machine, start)]
        var edges: [Transition: String] = [:]
        seen.insert(Self.signature(of: machine))
        var index = 0
        // Bounded: the signatures are finite (state × attempt × flags), so is the walk.
        while index < queue.count && index < 10_000 {
            (machine, _) = queue[index]
            let now = queue[index].1
            index += 1
            for probe in Probe.allCases {
                var next = machine
                var at = now.advanced(by: .milliseconds(1))
                if probe == .timerFired, let deadline = next.nextDeadline { at = max(deadline, at) }
                let action = Self.apply(probe, to: &next, at: at)
                for transition in action.transitions where edges[transition] == nil {
                    edges[transition] = Self.describe(action, taking: transition)
                }
                if seen.insert(Self.signature(of: next)).inserted { queue.append((next, at)) }
            }
        }
        return edges.map { StateDiagram.Edge(transition: $0.key, action: $0.value) }.sorted(by: Self.order)
    }

    static func apply(_ probe: Probe, to machine: inout Machine, at now: ExplorerInstant) -> Machine.Action {
        switch probe {
        case .connect: machine.connect(at: now)
        case .retry: machine.retry(at: now)
        case .handshakeSucceeded: machine.handshakeSucceeded(at: now)
        case .authFailure: machine.handshakeFailed(.authFailed, at: now)
        case .refused: machine.handshakeFailed(.refused, at: now)
        case .timerFired: machine.timerFired(at: now)
        case .message: machine.messageReceived(at: now)
        case .malformedMessage: machine.malformedMessageReceived(at: now)
        case .controlFrame: machine.controlFrameReceived(at: now)
        case .serverClose: machine.connectionClosed(.serverClosed(code: 1011), at: now)
        case .policyClose: machine.connectionClosed(.serverClosed(code: ConnectionLoss.policyViolationCode), at: now)
        case .networkLoss: machine.connectionClosed(.networkError, at: now)
        case .protocolLoss: machine.connectionClosed(.protocolError, at: now)
        case .stop: machine.stop(at: now)
        }
    }

    static func signature(of machine: Machine) -> String {
        "\(machine.state)|\(machine.reconnectAttempt)|\(machine.isDataStale)|\(machine.isStopped)|"
            + "\(machine.nextDeadline == nil)|\(String(describing: machine.errorReason))|\(machine.pingOutstanding)"
            + "|\(machine.staleIsDueFirst)"
    }

    static func describe(_ action: Machine.Action, taking transition: Transition) -> String {
        switch (transition.to, transition.trigger) {
        case (.connecting, _): "open WebSocket, arm handshake timeout"
        case (.connected, _): "reset attempt counter, arm keepalive and stale timers"
        case (.receivingData, _): "update data, clear stale flag"
        case (.reconnecting, _): "wait the backoff delay"
        case (.error, _): "stop retrying, arm error_retry_after"
        case (.disconnected, .retryRequested), (.disconnected, .errorRetryElapsed): "reset attempt counter"
        case (.disconnected, .stopped):
            switch action.connection {
            case .close(let code): "close WebSocket (\(code)), end the session"
            case .abort: "abort connection, end the session"
            default: "end the session"
            }
        case (.disconnected, _):
            switch action.connection {
            case .close(let code): "close WebSocket (\(code)), count the disconnect cause"
            case .abort where action.failure != nil: "abort connection, count the failure reason"
            case .abort: "abort connection, count the disconnect cause"
            default: action.failure != nil ? "count the failure reason" : "count the disconnect cause"
            }
        }
    }

    static func order(_ lhs: StateDiagram.Edge, _ rhs: StateDiagram.Edge) -> Bool {
        func key(_ edge: StateDiagram.Edge) -> (Int, Int, Int) {
            let states = ConnectionState.allCases
            let triggers = Transition.Trigger.allCases
            return (
                states.firstIndex(of: edge.transition.from)!, triggers.firstIndex(of: edge.transition.trigger)!,
                states.firstIndex(of: edge.transition.to)!
            )
        }
        return key(lhs) < key(rhs)
    }
}

/// The synthetic clock of the explorer.
private struct ExplorerInstant: InstantProtocol {
    var nanoseconds: Int64

    func advanced(by duration: Duration) -> ExplorerInstant {
        let (seconds, attoseconds) = duration.components
        return ExplorerInstant(nanoseconds: self.nanoseconds + seconds * 1_000_000_000 + attoseconds / 1_000_000_000)
    }

    func duration(to other: ExplorerInstant) -> Duration { .nanoseconds(other.nanoseconds - self.nanoseconds) }

    static func < (lhs: ExplorerInstant, rhs: ExplorerInstant) -> Bool { lhs.nanoseconds < rhs.nanoseconds }
}
