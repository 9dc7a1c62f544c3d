import ArgumentParser
import WSHealthAgent

/// `wshealth`: the WebSocket connection-health agent and Prometheus exporter.
@main
struct WSHealthCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "wshealth",
        abstract: "WebSocket connection-health agent and Prometheus exporter.",
        version: WSHealthVersion.version,
        subcommands: [
            RunCommand.self, CheckConfigCommand.self, BackendCommand.self, DemoCommand.self,
            StateMachineCommand.self, ProbeCommand.self, SLORulesCommand.self,
        ],
        defaultSubcommand: RunCommand.self
    )
}
