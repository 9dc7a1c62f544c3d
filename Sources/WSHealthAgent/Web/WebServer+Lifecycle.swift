import Hummingbird
import NIOCore

extension WebServer {
    /// `GET /-/healthy`, `GET /-/ready` and `POST /-/reload`, as Prometheus exporters answer them.
    func addLifecycleRoutes(to router: Router<BasicRequestContext>) {
        let agent = self.agent
        router.get("/-/healthy") { _, _ in "Healthy\n" }
        router.post("/-/reload") { _, _ -> Response in
            let outcome = await agent.reload()
            return Response(
                status: outcome.succeeded ? .ok : .internalServerError,
                headers: [.contentType: "text/plain; charset=utf-8"],
                body: ResponseBody(byteBuffer: ByteBuffer(string: "\(outcome)\n"))
            )
        }
        router.get("/-/ready") { _, _ -> Response in
            Response(
                status: agent.isReady ? .ok : .serviceUnavailable,
                headers: [.contentType: "text/plain; charset=utf-8"],
                body: ResponseBody(byteBuffer: ByteBuffer(string: agent.isReady ? "Ready\n" : "Starting\n"))
            )
        }
    }
}
