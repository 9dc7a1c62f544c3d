import ArgumentParser
import Foundation
import Logging
import ServiceLifecycle
import UnixSignals
import WSHealthAgent
import WSHealthConfig

/// `wshealth run`: monitor the configured targets and serve `/metrics`.
struct RunCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Monitor the configured targets and serve their metrics."
    )

    @Option(name: .customLong("config.file"), help: "The YAML configuration file.")
    var configFile: String = "wshealth.yml"

    @Option(name: .customLong("web.listen-address"), help: "Address to serve metrics and pages on.")
    var listenAddress: ListenAddress = ListenAddress(host: "0.0.0.0", port: 10052)

    @Option(
        name: .customLong("web.config.file"),
        help: "Exporter-toolkit web configuration: TLS (tls_server_config) and basic_auth_users."
    )
    var webConfigFile: String?

    @Option(name: .customLong("storage.path"), help: "Directory for the agent's durable state.")
    var storagePath: String = "data/"

    @Option(
        name: .customLong("shard"),
        help: "INDEX/COUNT: monitor only this replica's share of the targets (rendezvous hashing of their names)."
    )
    var shard: String = "0/1"

    @Option(
        name: .customLong("connect.max-rate"),
        help: "Connection attempts started per second, all targets together (0: no limit)."
    )
    var connectRate: Int = Agent.Options.defaultConnectRate

    @Option(
        name: .customLong("messages.max-buffered-bytes"),
        help: "Bytes all sessions together may hold for messages not fully arrived (0: no limit)."
    )
    var maxBufferedBytes: Int = Agent.Options.defaultMaxBufferedBytes

    @OptionGroup var logging: LoggingOptions

    func validate() throws {
        guard self.connectRate >= 0 else {
            throw ValidationError("--connect.max-rate: \(self.connectRate) is negative")
        }
        guard self.maxBufferedBytes >= 0 else {
            throw ValidationError("--messages.max-buffered-bytes: \(self.maxBufferedBytes) is negative")
        }
        do {
            _ = try Shard(parsing: self.shard)
        } catch {
            throw ValidationError("--shard: \(error)")
        }
    }

    func run() async throws {
        // Nothing the agent shows is in local time (logs, JSON, pages and alerts are UTC), but
        // Hummingbird's Date-header calendar starts from the default time zone, and the
        // system's one is read through ICU's time-zone data: 0.7 MiB resident for the agent's
        // life. GMT is built in.
        NSTimeZone.default = .gmt
        // A file-size limit (`ulimit -f`) would otherwise kill the agent at its first write
        // past it; ignored, the write fails with EFBIG and is handled like a full disk.
        signal(SIGXFSZ, SIG_IGN)
        let logger = self.logging.bootstrap()
        guard Agent.prepareOpenFilesLimit(logger: logger) else { throw ExitCode(1) }
        let configuration: AgentConfiguration
        do {
            configuration = try AgentConfiguration.load(path: self.configFile)
        } catch {
            for problem in error.messages {
                logger.error("invalid configuration: \(problem)", metadata: ["file": "\(self.configFile)"])
            }
            throw ExitCode(1)
        }
        for warning in configuration.warnings {
            logger.warning("configuration: \(warning)", metadata: ["file": "\(self.configFile)"])
        }
        let shard = try Shard(parsing: self.shard)
        if shard.count > 1 {
            let owned = configuration.assigned(to: shard).targets.count
            logger.info(
                "shard \(shard): monitoring \(owned) of \(configuration.targets.count) targets",
                metadata: ["file": "\(self.configFile)"]
            )
        }
        var web = WebConfiguration()
        if let webConfigFile = self.webConfigFile {
            do {
                web = try WebConfiguration.load(path: webConfigFile)
            } catch {
                for problem in error.messages {
                    logger.error("invalid web configuration: \(problem)", metadata: ["file": "\(webConfigFile)"])
                }
                throw ExitCode(1)
            }
        }
        let agent = Agent(
            configuration: configuration,
            options: Agent.Options(
                host: self.listenAddress.host,
                port: self.listenAddress.port,
                configurationFile: self.configFile,
                reloadOnHangup: true,
                webConfiguration: web,
                storagePath: self.storagePath,
                shard: shard,
                connectRate: self.connectRate,
                maxBufferedBytes: self.maxBufferedBytes
            ),
            logger: logger
        )
        try await Self.runUntilSignalled([agent], logger: logger)
    }

    /// Runs services until SIGTERM or SIGINT, then shuts them down gracefully (exit code 0).
    /// A service that fails (a port already in use) is logged as one line, and exits 1.
    static func runUntilSignalled(_ services: [any Service], logger: Logger) async throws {
        let group = ServiceGroup(
            configuration: ServiceGroupConfiguration(
                services: services.map {
                    // A service that finishes (the demo's timer) ends the others gracefully.
                    ServiceGroupConfiguration.ServiceConfiguration(
                        service: $0,
                        successTerminationBehavior: .gracefullyShutdownGroup
                    )
                },
                gracefulShutdownSignals: [.sigterm, .sigint],
                logger: logger
            )
        )
        do {
            try await group.run()
        } catch {
            logger.error("\(error)")
            throw ExitCode(1)
        }
    }
}
