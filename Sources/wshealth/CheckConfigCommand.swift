import ArgumentParser
import WSHealthConfig

/// `wshealth check-config FILE…`: validate configuration files for a deploy pipeline.
struct CheckConfigCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check-config",
        abstract: "Validate configuration files: exit 0 if all are valid, 1 listing every problem."
    )

    @Argument(help: "Configuration files to check.")
    var files: [String]

    func run() throws {
        var failed = false
        for file in self.files {
            do {
                let configuration = try AgentConfiguration.load(path: file)
                let sessions = configuration.targets.reduce(0) { $0 + $1.sessions }
                let targets = configuration.targets.count
                print(
                    "\(file): OK, \(targets) target\(targets == 1 ? "" : "s"), \(sessions) session\(sessions == 1 ? "" : "s")"
                )
            } catch {
                failed = true
                for message in error.messages { print("\(file): \(message)") }
            }
        }
        if failed { throw ExitCode(1) }
    }
}
