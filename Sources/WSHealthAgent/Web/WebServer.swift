import Hummingbird
import HummingbirdCore
import HummingbirdTLS
import Logging
import NIOCore
import NIOPosix
import NIOSSL
import WSHealthConfig

/// The agent's HTTP server. Each concern registers its own routes (`WebServer+….swift`);
/// `--web.config.file` adds TLS and basic authentication in front of all of them.
struct WebServer {
    let agent: Agent

    /// Hostile or broken clients get bounded headers and are dropped when idle, so nothing
    /// they send grows the agent's memory; no endpoint reads a request body.
    static let http1 = HTTP1Channel.Configuration(
        idleTimeout: .seconds(30),
        httpDecoderConfiguration: .init(
            maxHeaderFieldSize: 8 * 1024,
            maxHeaderListSize: 32 * 1024,
            maxHeaderFieldCount: 100
        )
    )

    /// The web server's sockets get a loop of their own: a scrape is never queued behind the
    /// messages of thousands of sessions (a backend ticks them all at once), nor they behind it.
    /// Process-wide and never shut down, like NIO's singletons: a request still in flight when
    /// the server stops must not find its loop gone.
    static let eventLoopGroup = MultiThreadedEventLoopGroup(numberOfThreads: 1)

    /// Serves until cancelled or shut down gracefully.
    func run() async throws {
        let web = self.agent.options.webConfiguration
        let authenticator = web.basicAuthUsers.isEmpty ? nil : BasicAuthenticator(users: web.basicAuthUsers)
        let router = self.makeRouter(authenticator: authenticator)
        var logger = self.agent.logger
        logger[metadataKey: "component"] = "web"
        let agent = self.agent
        var server = HTTPServerBuilder.http1(configuration: Self.http1)
        if let tls = web.tlsServer {
            server = try .tls(server, tlsConfiguration: Self.tlsConfiguration(tls))
        }
        let app = Application(
            router: router,
            server: server,
            configuration: .init(address: .hostname(agent.options.host, port: agent.options.port)),
            onServerRunning: { channel in agent.serverStarted(port: channel.localAddress?.port ?? agent.options.port) },
            eventLoopGroupProvider: .shared(Self.eventLoopGroup),
            logger: logger
        )
        try await app.run()
    }

    /// Every endpoint, behind basic authentication when there is an `authenticator`: what the
    /// server serves, and what the HTTP fuzzer drives.
    func makeRouter(authenticator: BasicAuthenticator?) -> Router<BasicRequestContext> {
        let router = Router()
        if let authenticator {
            router.add(middleware: BasicAuthMiddleware(authenticator: authenticator))
        }
        self.addMetricsRoutes(to: router)
        self.addLifecycleRoutes(to: router)
        self.addStatusRoutes(to: router)
        return router
    }

    /// The server's TLS settings from the web configuration's certificate and key files.
    static func tlsConfiguration(_ tls: WebConfiguration.TLSServer) throws -> NIOSSL.TLSConfiguration {
        do {
            let chain = try NIOSSLCertificate.fromPEMFile(tls.certFile).map { NIOSSLCertificateSource.certificate($0) }
            let key = try NIOSSLPrivateKey(file: tls.keyFile, format: .pem)
            return .makeServerConfiguration(certificateChain: chain, privateKey: .privateKey(key))
        } catch {
            throw AgentError("tls_server_config: cannot load \(tls.certFile) / \(tls.keyFile): \(error)")
        }
    }
}
