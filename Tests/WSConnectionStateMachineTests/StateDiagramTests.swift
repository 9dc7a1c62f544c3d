import Testing
import WSConnectionStateMachine

/// The generated diagram has every edge of the spec's diagram.
@Test func diagramCoversTheSpec() {
    let mermaid = StateDiagram().mermaid()
    let specEdges = [
        "[*] --> Disconnected", "Disconnected --> Connecting", "Connecting --> Connected", "Connecting --> Error",
        "Connecting --> Disconnected", "Connected --> ReceivingData", "ReceivingData --> ReceivingData",
        "ReceivingData --> Disconnected", "Disconnected --> Reconnecting", "Reconnecting --> Connecting",
        "Reconnecting --> Error", "Error --> Disconnected", "Disconnected --> [*]",
    ]
    for edge in specEdges {
        #expect(mermaid.contains("    \(edge): "), "missing \(edge)")
    }
    #expect(mermaid.hasPrefix("stateDiagram-v2\n"))
}

/// The diagram is found by exploring the machine: policy changes show up in it.
@Test func diagramFollowsThePolicy() {
    let marking = StateDiagram(policy: ConnectionPolicy(onStale: .mark))
    let reconnecting = StateDiagram(policy: ConnectionPolicy(onStale: .reconnect))
    let stale = Transition.Trigger.dataStale
    #expect(!marking.edges.contains { $0.transition.trigger == stale })
    #expect(reconnecting.edges.contains { $0.transition.trigger == stale && $0.transition.to == .disconnected })
    #expect(
        StateDiagram(policy: ConnectionPolicy(ping: nil)).edges.allSatisfy { $0.transition.trigger != .pingTimedOut }
    )
}

/// The table lists the same edges as the Mermaid diagram.
@Test func tableMatchesMermaid() {
    let diagram = StateDiagram()
    let rows = diagram.table().split(separator: "\n").dropFirst(2)
    #expect(rows.count == diagram.edges.count)
    #expect(diagram.table().contains("| Reconnecting | Max retries exceeded | Error |"))
}

/// Each row's Action says what its edge does: a Retry resets the attempts, a stop ends the
/// session, a failure counts its reason and a lost connection its cause — never one for another.
@Test func tableActionsMatchTheirEdges() {
    let edges = StateDiagram().edges + StateDiagram(policy: ConnectionPolicy(onStale: .reconnect)).edges
    func action(_ from: ConnectionState, _ trigger: Transition.Trigger) -> String? {
        edges.first { $0.transition.from == from && $0.transition.trigger == trigger }?.action
    }
    #expect(action(.error, .retryRequested) == "reset attempt counter")
    #expect(action(.error, .errorRetryElapsed) == "reset attempt counter")
    #expect(action(.error, .stopped) == "end the session")
    #expect(action(.connecting, .stopped) == "abort connection, end the session")
    #expect(action(.receivingData, .stopped) == "close WebSocket (1001), end the session")
    #expect(action(.connecting, .connectionFailed) == "count the failure reason")
    #expect(action(.connecting, .handshakeTimedOut) == "abort connection, count the failure reason")
    #expect(action(.receivingData, .connectionClosed) == "count the disconnect cause")
    #expect(action(.receivingData, .pingTimedOut) == "abort connection, count the disconnect cause")
    #expect(action(.receivingData, .dataStale) == "close WebSocket (1000), count the disconnect cause")
}
