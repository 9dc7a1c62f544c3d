import Hummingbird
import NIOCore

extension WebServer {
    /// `GET /-/healthy` and `GET /-/ready`, as Prometheus exporters answer them.
    func addLifecycleRoutes(to router: Router<BasicRequestContext>) {
        let agent = self.agent
        router.get("/-/healthy") { _, _ in "Healthy\n" }
        router.get("/-/ready") { _, _ -> Response in
            agent.isReady
                ? Response(status: .ok, body: ResponseBody(byteBuffer: ByteBuffer(string: "Ready\n")))
                : Response(
                    status: .serviceUnavailable,
                    body: ResponseBody(byteBuffer: ByteBuffer(string: "Starting\n"))
                )
        }
    }
}
