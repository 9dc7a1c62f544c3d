public import Logging
import WSHealthConfig

extension Agent {
    /// The fewest descriptors a process of ours starts with: the event loops' epoll, wake-up
    /// and timer descriptors, the listeners, the standard streams, the files kept open. Below
    /// it NIO cannot even make its loops, and the process would stop on a fatal error.
    public static let minimumOpenFiles = 32

    /// Raises the process's soft open-files limit to its hard limit, and logs it: the agent's
    /// sessions are sockets, and the default soft limit of a shell or a unit (1024) would
    /// starve them while the operator allows far more. Call once, before making an agent.
    ///
    /// - Returns: false, after logging why, when even the hard limit is below
    ///   ``minimumOpenFiles``: the command should exit with 1.
    public static func prepareOpenFilesLimit(logger: Logger) -> Bool {
        let raised = ProcessMetrics.raiseDescriptorLimit()
        if let (from, to) = raised {
            logger.info(
                "raised the open-files limit to its hard limit",
                metadata: ["from": "\(from)", "to": "\(to == .max ? "unlimited" : String(to))"]
            )
        }
        guard let limit = raised?.to ?? ProcessMetrics.descriptorLimit(), limit < Self.minimumOpenFiles else {
            return true
        }
        logger.error(
            """
            the open-files limit is \(limit), below the \(Self.minimumOpenFiles) wshealth needs to start; \
            raise it (LimitNOFILE=, ulimit -n): each session needs one more
            """
        )
        return false
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
