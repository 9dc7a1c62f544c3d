import ArgumentParser
import Foundation
import Logging
import NIOCore
import ServiceLifecycle
import WSHealthAgent
import WSHealthBackend
import WSHealthConfig

/// `wshealth demo`: the reference backend and an agent watching it, in one process.
struct DemoCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo",
        abstract: "Run the reference backend and an agent monitoring it, with nothing to configure."
    )

    @Option(name: .customLong("web.listen-address"), help: "Address of the agent's metrics and pages.")
    var listenAddress: ListenAddress = ListenAddress(host: "127.0.0.1", port: 10052)

    @Option(help: "Sessions the agent keeps open.")
    var sessions: Int = 3

    @Option(help: "How often the backend sends metrics (the spec: 5s).")
    var interval: String = "5s"

    @Option(
        name: .customLong("protocol"),
        help: "What the backend speaks and the target's preset: spec, graphql-transport-ws, socketio, phoenix.",
        transform: BackendProtocol.parse
    )
    var protocolKind: BackendProtocol = .spec

    @Flag(help: "Inject a fault now and then, so every state shows up.")
    var chaos = false

    @Option(help: "Stop after this long (like 30s); runs until Ctrl-C when not given.")
    var duration: String?

    @OptionGroup var logging: LoggingOptions

    func validate() throws {
        guard let interval = PrometheusDuration.parse(self.interval), interval > .zero else {
            throw ValidationError("--interval: not a positive duration, got \"\(self.interval)\"")
        }
        if let text = self.duration {
            guard let value = PrometheusDuration.parse(text), value > .zero else {
                throw ValidationError("--duration: not a positive duration, got \"\(text)\"")
            }
        }
        guard (1...1000).contains(self.sessions) else {
            throw ValidationError("--sessions: must be 1…1000, got \(self.sessions)")
        }
    }

    func run() async throws {
        let logger = self.logging.bootstrap(label: "wshealth.demo")
        guard Agent.prepareOpenFilesLimit(logger: logger) else { throw ExitCode(1) }
        // Both were checked by `validate()`.
        let interval = PrometheusDuration.parse(self.interval)!
        let stopAfter = self.duration.flatMap(PrometheusDuration.parse)

        // A fresh secret for this run, shared by the backend and the agent's minted JWTs.
        let secret = Array((0..<32).map { _ in String(format: "%02x", UInt8.random(in: .min ... .max)) }.joined().utf8)
        let secretFile = FileManager.default.temporaryDirectory
            .appendingPathComponent("wshealth-demo-\(ProcessInfo.processInfo.processIdentifier).secret")
        try Data(secret).write(to: secretFile, options: [.atomic])
        try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: secretFile.path)
        defer { try? FileManager.default.removeItem(at: secretFile) }

        let backend = ReferenceBackend(
            configuration: ReferenceBackendConfiguration(
                port: 0,
                adminPort: 0,
                interval: interval,
                jwtSecret: secret,
                protocolKind: self.protocolKind
            ),
            logger: logger
        )
        let backendTask = Task { try await backend.run() }
        defer { backendTask.cancel() }
        let addresses = try await backend.boundAddresses()
        let wsPort = addresses.websocket.port ?? 0
        let adminPort = addresses.admin.port ?? 0
        let yaml = """
            targets:
              - name: demo
                url: 'ws://127.0.0.1:\(wsPort)/api/ws/metrics\(self.protocolKind.demoQuery)'
                sessions: \(self.sessions)\(self.protocolKind.demoPreset.map { "\n    protocol: \($0)" } ?? "")
                token:
                  jwt: {secret_file: \(secretFile.path), subject: demo, ttl: 1h}
                expect: {interval: \(self.interval)}
                reconnect: {max_attempts: 10}
                error_retry_after: 30s
            """
        let configuration: AgentConfiguration
        do {
            configuration = try AgentConfiguration.parse(yaml: yaml)
        } catch {
            throw ValidationError("demo configuration: \(error)")
        }
        let agent = Agent(
            configuration: configuration,
            options: Agent.Options(host: self.listenAddress.host, port: self.listenAddress.port),
            logger: logger
        )
        let host = self.listenAddress.host == "0.0.0.0" ? "127.0.0.1" : self.listenAddress.host
        let banner = Banner(agent: agent) { port in
            """
            wshealth demo
              reference backend: ws://127.0.0.1:\(wsPort)/api/ws/metrics (fault switches: http://127.0.0.1:\(adminPort)/status)
              status page:       http://\(host):\(port)/
              metrics:           http://\(host):\(port)/metrics
            Press Ctrl-C to stop.
            """
        }
        var services: [any Service] = [agent, banner]
        if self.chaos { services.append(ChaosMonkey(backend: backend, logger: logger)) }
        if let stopAfter { services.append(Timeout(after: stopAfter)) }
        try await RunCommand.runUntilSignalled(services, logger: logger)
    }
}

/// Prints where to look once the agent serves (not before: a port already in use ends the demo
/// with that error instead).
private struct Banner: Service {
    let agent: Agent
    let text: @Sendable (Int) -> String

    func run() async throws {
        let port = try await self.agent.listeningPort()
        // Straight to the descriptor: `print` would sit in stdio's buffer when stdout is not a terminal.
        FileHandle.standardOutput.write(Data((self.text(port) + "\n").utf8))
        try? await gracefulShutdown()
    }
}

/// Ends the demo after a while by returning, which shuts the service group down gracefully.
private struct Timeout: Service {
    let after: Duration

    func run() async throws {
        try? await cancelWhenGracefulShutdown { try await Task.sleep(for: self.after) }
    }
}

/// Applies a random fault to the backend every 20 seconds and clears it 10 seconds later.
private struct ChaosMonkey: Service {
    let backend: ReferenceBackend
    let logger: Logger

    func run() async throws {
        // `reject-upgrade` and `bad-handshake` change only new handshakes: a drop makes the sessions meet them now.
        let faults: [[BackendFault]] = [
            [.drop], [.close(code: 1011, reason: "chaos")], [.stall(enabled: true)], [.garbage], [.binary],
            [.oversize(bytes: 2 * 1_048_576)], [.badFrame(.reservedOpcode)], [.down(duration: .seconds(8))],
            [.slowHandshake(delay: .seconds(12))], [.refuseTokens(enabled: true)],
            [.rejectUpgrade(status: 503), .drop], [.badHandshake(.wrongAccept), .drop],
        ]
        // Shutdown cancels the sleeps at once: Ctrl-C neither waits for the round nor injects another fault.
        try? await cancelWhenGracefulShutdown {
            while true {
                try await Task.sleep(for: .seconds(20))
                let sequence = faults.randomElement()!
                for fault in sequence {
                    self.logger.info("chaos: injecting fault", metadata: ["fault": "\(fault.name)"])
                    try await self.backend.apply(fault)
                }
                try await Task.sleep(for: .seconds(10))
                try await self.backend.apply(.reset)
            }
        }
    }
}

extension BackendProtocol {
    /// The query the demo's URL carries for the protocol (Engine.IO's version, Phoenix's serializer).
    var demoQuery: String {
        switch self {
        case .spec, .graphQLTransportWS: ""
        case .socketIO: "?EIO=4&transport=websocket"
        case .phoenix: "?vsn=2.0.0"
        }
    }

    /// The demo target's `protocol:` value; nil for the spec's stream.
    var demoPreset: String? {
        switch self {
        case .spec: nil
        case .graphQLTransportWS: "{name: graphql-transport-ws, query: 'subscription { metrics }'}"
        case .socketIO: "socketio"
        case .phoenix: "{name: phoenix, topic: 'metrics:demo'}"
        }
    }
}
