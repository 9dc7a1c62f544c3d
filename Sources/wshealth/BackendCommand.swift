import ArgumentParser
import Foundation
import WSHealthAgent
import WSHealthBackend
import WSHealthConfig

/// `wshealth backend`: the reference backend, the spec's FastAPI handler with fault switches.
struct BackendCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "backend",
        abstract: "Serve the reference metrics backend: /api/ws/metrics?token=JWT, with fault switches."
    )

    @Option(name: .customLong("listen-address"), help: "Address of the WebSocket endpoint.")
    var listenAddress: ListenAddress = ListenAddress(host: "127.0.0.1", port: 8000)

    @Option(name: .customLong("admin-listen-address"), help: "Address of the fault switches (loopback only).")
    var adminListenAddress: ListenAddress = ListenAddress(host: "127.0.0.1", port: 8001)

    @Option(help: "How often every client gets a metrics message (500ms, 5s, 1m).")
    var interval: String = "5s"

    @Option(name: .customLong("jwt-secret-file"), help: "File holding the HS256 secret tokens are checked with.")
    var jwtSecretFile: String

    @Option(
        name: .customLong("tls-cert-file"),
        help: "PEM certificate chain (leaf first) to serve wss:// with; needs --tls-key-file."
    )
    var tlsCertFile: String?

    @Option(name: .customLong("tls-key-file"), help: "PEM private key of --tls-cert-file; needs --tls-cert-file.")
    var tlsKeyFile: String?

    @Option(
        help:
            "deflate: accept permessage-deflate when offered and compress every message, as uvicorn does; none: never."
    )
    var compression: BackendCompression = .deflate

    @Option(
        name: .customLong("protocol"),
        help:
            "spec: the metrics stream; graphql-transport-ws, socketio, phoenix: the metrics as that protocol's events.",
        transform: BackendProtocol.parse
    )
    var protocolKind: BackendProtocol = .spec

    @OptionGroup var logging: LoggingOptions

    func validate() throws {
        switch (self.tlsCertFile, self.tlsKeyFile) {
        case (.some, nil):
            throw ValidationError("--tls-cert-file needs --tls-key-file: give both for wss://, or neither for ws://")
        case (nil, .some):
            throw ValidationError("--tls-key-file needs --tls-cert-file: give both for wss://, or neither for ws://")
        default:
            break
        }
    }

    func run() async throws {
        let logger = self.logging.bootstrap(label: "wshealth.backend")
        // Each of the backend's clients is a socket too.
        guard Agent.prepareOpenFilesLimit(logger: logger) else { throw ExitCode(1) }
        guard let interval = PrometheusDuration.parse(self.interval), interval > .zero else {
            throw ValidationError("--interval: not a positive duration (like 500ms, 5s, 1m), got \"\(self.interval)\"")
        }
        guard let secret = FileManager.default.contents(atPath: self.jwtSecretFile) else {
            throw ValidationError("--jwt-secret-file: cannot read \(self.jwtSecretFile)")
        }
        let configuration = ReferenceBackendConfiguration(
            host: self.listenAddress.host,
            port: self.listenAddress.port,
            adminHost: self.adminListenAddress.host,
            adminPort: self.adminListenAddress.port,
            interval: interval,
            jwtSecret: Array(secret.reversed().drop { $0 == 0x0A || $0 == 0x0D }.reversed()),
            tls: try self.loadTLS(),
            compression: self.compression == .deflate,
            protocolKind: self.protocolKind
        )
        do {
            try configuration.validate()
        } catch {
            throw ValidationError("\(error)")
        }
        try await RunCommand.runUntilSignalled(
            [ReferenceBackend(configuration: configuration, logger: logger)],
            logger: logger
        )
    }

    /// The certificate chain and key of `--tls-cert-file` / `--tls-key-file`, or nil for plain `ws://`.
    private func loadTLS() throws -> BackendTLS? {
        guard let certificateFile = self.tlsCertFile, let keyFile = self.tlsKeyFile else { return nil }
        do {
            return try BackendTLS(certificateChainFile: certificateFile, privateKeyFile: keyFile)
        } catch {
            throw ValidationError("\(error)")
        }
    }
}

/// `--compression` of `wshealth backend`.
enum BackendCompression: String, ExpressibleByArgument, CaseIterable {
    case deflate
    case none
}

extension BackendProtocol {
    /// `--protocol`'s value: one of the raw values.
    static func parse(_ text: String) throws -> BackendProtocol {
        guard let kind = BackendProtocol(rawValue: text) else {
            let names = BackendProtocol.allCases.map(\.rawValue).joined(separator: ", ")
            throw ValidationError("--protocol: one of \(names), got \"\(text)\"")
        }
        return kind
    }
}
