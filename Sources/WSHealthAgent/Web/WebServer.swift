import Hummingbird
import Logging
import NIOCore
import Prometheus

/// The agent's HTTP endpoints: `/metrics`, `/-/healthy`, `/-/ready` and the landing page.
struct WebServer {
    let agent: Agent

    /// Serves until cancelled or shut down gracefully.
    func run() async throws {
        let router = Router()
        let agent = self.agent
        router.get("/metrics") { _, _ in
            var buffer: [UInt8] = []
            buffer.reserveCapacity(16 * 1024)
            agent.registry.emit(into: &buffer)
            return Response(
                status: .ok,
                headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
                body: ResponseBody(byteBuffer: ByteBuffer(bytes: buffer))
            )
        }
        router.get("/-/healthy") { _, _ in "Healthy\n" }
        router.get("/-/ready") { _, _ -> Response in
            agent.isReady
                ? Response(status: .ok, body: ResponseBody(byteBuffer: ByteBuffer(string: "Ready\n")))
                : Response(
                    status: .serviceUnavailable,
                    body: ResponseBody(byteBuffer: ByteBuffer(string: "Starting\n"))
                )
        }
        router.get("/") { _, _ -> Response in
            let page = await LandingPage.render(targets: agent.targets)
            return Response(
                status: .ok,
                headers: [.contentType: "text/html; charset=utf-8"],
                body: ResponseBody(byteBuffer: ByteBuffer(string: page))
            )
        }
        var logger = agent.logger
        logger[metadataKey: "component"] = "web"
        let app = Application(
            router: router,
            configuration: .init(address: .hostname(agent.options.host, port: agent.options.port)),
            onServerRunning: { channel in agent.serverStarted(port: channel.localAddress?.port ?? agent.options.port) },
            logger: logger
        )
        try await app.run()
    }
}
