extension AgentConfiguration {
    /// What is valid but defeats its own purpose, one problem per target and key: settings that
    /// make a fault invisible. `check-config` prints them and still passes; `run` logs them.
    public var warnings: [ConfigurationError.Problem] {
        self.targets.enumerated().compactMap { index, target in
            target.staleDataWarning.map { ConfigurationError.Problem(path: "targets[\(index)].ping", message: $0) }
        }
    }
}

extension TargetConfiguration {
    /// A connection that goes silent is declared dead `ping.interval + ping.timeout` after its
    /// last frame. When that is no later than `expect.stale_after`, a stalled backend shows only
    /// as reconnects: the data never gets the chance to go stale, and a reconnect starts the
    /// stale clock again.
    var staleDataWarning: String? {
        guard let interval = self.ping.interval else { return nil }
        let dead = interval + self.ping.timeout
        guard dead <= self.expect.staleAfter else { return nil }
        let format = PrometheusDuration.format
        return "a silent connection is declared dead after \(format(dead)) (interval + timeout), "
            + "no later than its data goes stale (expect.stale_after \(format(self.expect.staleAfter))): "
            + "a stalled backend would show as reconnects, never as stale data; make interval + timeout "
            + "longer than expect.stale_after"
    }
}
