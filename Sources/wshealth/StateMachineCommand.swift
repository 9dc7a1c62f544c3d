import ArgumentParser
import WSConnectionStateMachine

/// `wshealth state-machine`: print the connection state machine, generated from the code.
struct StateMachineCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "state-machine",
        abstract: "Print the connection state machine as a Mermaid diagram or a transition table.",
        discussion: "docs/state-machine.md describes the machine; its diagram and table are this command's output."
    )

    enum Format: String, ExpressibleByArgument, CaseIterable {
        case mermaid, table
    }

    @Option(help: "Output format: mermaid (stateDiagram-v2) or table (Markdown).")
    var format: Format = .mermaid

    @Flag(help: "Draw the machine with on_stale: reconnect, which adds the stale-data edges.")
    var staleReconnects = false

    func run() {
        let diagram = StateDiagram(policy: ConnectionPolicy(onStale: self.staleReconnects ? .reconnect : .mark))
        print(self.format == .mermaid ? diagram.mermaid() : diagram.table(), terminator: "")
    }
}
