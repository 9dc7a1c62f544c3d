/// The six states of a dashboard connection, as the dashboard's design names them (docs/state-machine.md).
///
/// The raw values are the spec's `connectionState` strings; they are also the `state` label
/// values wshealth exports.
public enum ConnectionState: String, CaseIterable, Hashable, Sendable {
    /// No WebSocket connection. The initial state, and the end state of a stopped session.
    case disconnected
    /// The WebSocket handshake is in progress, bounded by the handshake timeout.
    case connecting
    /// The WebSocket is open and authenticated; no message has arrived yet.
    case connected
    /// Metrics messages are arriving (the spec's "Live" badge).
    case receivingData = "receiving_data"
    /// Waiting out a backoff delay before the next connection attempt.
    case reconnecting
    /// Permanent failure: authentication failed or the reconnect attempts ran out.
    case error

    /// The state's name in the spec's Mermaid diagram (`ReceivingData`, `Error`, …).
    public var diagramName: String {
        switch self {
        case .disconnected: "Disconnected"
        case .connecting: "Connecting"
        case .connected: "Connected"
        case .receivingData: "ReceivingData"
        case .reconnecting: "Reconnecting"
        case .error: "Error"
        }
    }
}
