import ArgumentParser
import WSHealthConfig

/// `wshealth check-config FILE…`: validate configuration files for a deploy pipeline.
struct CheckConfigCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check-config",
        abstract: "Validate configuration files: exit 0 if all are valid, 1 listing every problem.",
        discussion: "Warnings (valid settings that hide a fault) are printed too, and do not fail the check."
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
                for warning in configuration.warnings { print("\(file): warning: \(warning)") }
            } catch {
                failed = true
                for problem in error.problems {
                    // A file that cannot be read is its own key path: name it once.
                    print(problem.path == file ? "\(file): \(problem.message)" : "\(file): \(problem)")
                }
            }
        }
        if failed { throw ExitCode(1) }
    }
}
