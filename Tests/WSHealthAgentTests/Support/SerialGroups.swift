import Testing

/// The end-to-end suites that run the agent and the reference backend in this process, over
/// real sockets on 127.0.0.1. What they wait for (a reconnect, stale data, an alert) happens in
/// real time, so they run one at a time; the unit tests run beside them, in parallel.
@Suite(.serialized) enum InProcessEndToEnd {}

/// The suites that start other processes: the agent's own binary, Prometheus, Alertmanager,
/// Chromium, Python's websockets. One at a time, beside the in-process ones and the unit tests.
@Suite(.serialized) enum ExternalProcesses {}
