import Hummingbird
import NIOCore
import Prometheus

extension WebServer {
    /// `GET /metrics`: the Prometheus text format.
    func addMetricsRoutes(to router: Router<BasicRequestContext>) {
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
    }
}
