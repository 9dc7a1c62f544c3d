import Hummingbird
import Logging
import NIOCore

/// The agent's HTTP server. Each concern registers its own routes (`WebServer+….swift`).
struct WebServer {
    let agent: Agent

    /// Serves until cancelled or shut down gracefully.
    func run() async throws {
        let router = Router()
        self.addMetricsRoutes(to: router)
        self.addLifecycleRoutes(to: router)
        self.addStatusRoutes(to: router)
        var logger = self.agent.logger
        logger[metadataKey: "component"] = "web"
        let agent = self.agent
        let app = Application(
            router: router,
            configuration: .init(address: .hostname(agent.options.host, port: agent.options.port)),
            onServerRunning: { channel in agent.serverStarted(port: channel.localAddress?.port ?? agent.options.port) },
            logger: logger
        )
        try await app.run()
    }
}
