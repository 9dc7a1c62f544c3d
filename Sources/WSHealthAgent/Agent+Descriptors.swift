public import Logging
import WSHealthConfig

extension Agent {
    /// Raises the process's soft open-files limit to its hard limit, and logs it: the agent's
    /// sessions are sockets, and the default soft limit of a shell or a unit (1024) would
    /// starve them while the operator allows far more. Call once, before making an agent.
    public static func raiseOpenFilesLimit(logger: Logger) {
        guard let (from, to) = ProcessMetrics.raiseDescriptorLimit() else { return }
        logger.info(
            "raised the open-files limit to its hard limit",
            metadata: ["from": "\(from)", "to": "\(to == .max ? "unlimited" : String(to))"]
        )
    }

    /// Says at start and at each reload, once, when the open-files limit leaves sockets for
    /// fewer sessions than `configuration` runs: the others would fail as `resource_exhausted`
    /// with nothing in the log to say why before the first page.
    func warnIfShortOfSockets(for configuration: AgentConfiguration) {
        let sessions = configuration.targets.reduce(0) { $0 + $1.sessions }
        let capacity = self.sockets.sessionCapacity()
        guard sessions > capacity else { return }
        self.logger.warning(
            """
            the open-files limit leaves sockets for fewer sessions than configured: the others fail as \
            resource_exhausted until it is raised (LimitNOFILE=, ulimit -n, prlimit --nofile)
            """,
            metadata: [
                "sessions": "\(sessions)", "sockets_for_sessions": "\(capacity)",
                "open_files_limit": "\(ProcessMetrics.descriptorLimit().map(String.init) ?? "unknown")",
            ]
        )
    }
}
