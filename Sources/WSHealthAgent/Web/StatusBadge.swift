import WSConnectionStateMachine

/// The status badge of the spec's *UI Indicators* for one state: its text and its colour.
///
/// | state | badge |
/// |---|---|
/// | `disconnected` | "Disconnected" (orange) |
/// | `connecting` | "Connecting…" (blue, spinner) |
/// | `connected` | "Connected" (green) |
/// | `receiving_data` | "Live" (green, pulsing) |
/// | `reconnecting` | "Reconnecting… (attempt 3/10)" (orange) |
/// | `error` | "Connection Failed" (red), with the error message and a Retry button |
///
/// The status page's script draws the same badges from `/api/v1/targets` (`badge()` there).
struct StatusBadge: Equatable, Sendable {
    /// The text, e.g. "Reconnecting… (attempt 3/10)".
    var label: String
    /// The colour and the indicator.
    var kind: Kind
    /// How far the reconnect attempts have gone, 0…100, for `reconnecting`'s progress bar.
    var progress: Int?

    /// The look of a badge; the raw value is the CSS class suffix (`b-live`, …).
    enum Kind: String, Sendable {
        /// Orange, a warning sign.
        case disconnected
        /// Blue, a spinner.
        case connecting
        /// Green, a check mark.
        case connected
        /// Green, a pulsing dot.
        case live
        /// Orange, a progress bar of the attempts.
        case reconnecting
        /// Red, a cross.
        case error
    }

    /// The badge of a session in `state` at reconnect `attempt` out of `maxAttempts`.
    init(state: ConnectionState, attempt: Int, maxAttempts: Int) {
        self.progress = nil
        switch state {
        case .disconnected:
            self.label = "Disconnected"
            self.kind = .disconnected
        case .connecting:
            self.label = attempt > 0 ? "Connecting… (attempt \(attempt)/\(maxAttempts))" : "Connecting…"
            self.kind = .connecting
        case .connected:
            self.label = "Connected"
            self.kind = .connected
        case .receivingData:
            self.label = "Live"
            self.kind = .live
        case .reconnecting:
            self.label = "Reconnecting… (attempt \(attempt)/\(maxAttempts))"
            self.kind = .reconnecting
            self.progress = min(100, attempt * 100 / max(1, maxAttempts))
        case .error:
            self.label = "Connection Failed"
            self.kind = .error
        }
    }

    /// States from the most to the least alarming: a target's row shows its worst session.
    static let severity: [ConnectionState] = [
        .error, .reconnecting, .disconnected, .connecting, .connected, .receivingData,
    ]

    /// The text under a "Connection Failed" badge (the spec's "Unable to connect. [Retry]").
    static func errorText(_ reason: ConnectionErrorReason) -> String {
        "Unable to connect: \(reason.message)."
    }
}
