import Hummingbird
import NIOCore

extension WebServer {
    /// `GET /metrics`: the Prometheus text format 0.0.4, or OpenMetrics 1.0.0 when the `Accept`
    /// header prefers it (Prometheus does). The exposition's buffers are written as they are,
    /// with its length. ``ScrapeHandler`` answers most scrapes on the event loop before they
    /// reach the router; this route answers the others (behind a pipelined request, or with
    /// credentials not verified yet), with the same ``ExpositionFormat/responseFields``.
    func addMetricsRoutes(to router: Router<BasicRequestContext>) {
        let agent = self.agent
        router.get("/metrics") { request, _ in
            let format = ExpositionFormat.negotiate(acceptFields: request.headers[values: .accept])
            let parts = agent.metrics.render(as: format)
            return Response(
                status: .ok,
                headers: format.responseFields,
                body: ResponseBody(contentsOf: parts)
            )
        }
    }
}

extension ExpositionFormat {
    /// The header fields of a `/metrics` answer in this format, whoever answers it.
    var responseFields: HTTPFields {
        [.contentType: self.contentType, .vary: "Accept"]
    }
}
