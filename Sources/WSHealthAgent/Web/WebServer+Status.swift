import Hummingbird
import NIOCore

extension WebServer {
    /// `GET /`: the landing page.
    func addStatusRoutes(to router: Router<BasicRequestContext>) {
        let agent = self.agent
        router.get("/") { _, _ -> Response in
            let page = await LandingPage.render(targets: agent.targets)
            return Response(
                status: .ok,
                headers: [.contentType: "text/html; charset=utf-8"],
                body: ResponseBody(byteBuffer: ByteBuffer(string: page))
            )
        }
    }
}
