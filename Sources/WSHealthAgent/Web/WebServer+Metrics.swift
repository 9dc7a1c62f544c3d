import Hummingbird
import NIOCore

extension WebServer {
    /// `GET /metrics`: the Prometheus text format 0.0.4, or OpenMetrics 1.0.0 when the `Accept`
    /// header prefers it (Prometheus does). The exposition's buffers are written as they are.
    func addMetricsRoutes(to router: Router<BasicRequestContext>) {
        let agent = self.agent
        router.get("/metrics") { request, _ in
            let format = ExpositionFormat.negotiate(acceptFields: request.headers[values: .accept])
            let parts = agent.metrics.render(as: format)
            return Response(
                status: .ok,
                headers: [.contentType: format.contentType, .vary: "Accept"],
                body: ResponseBody(contentsOf: parts)
            )
        }
    }
}
