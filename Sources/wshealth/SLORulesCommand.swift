import ArgumentParser
import WSHealthAgent
import WSHealthConfig

/// `wshealth slo-rules`: print Prometheus rules for the targets' service-level objectives.
struct SLORulesCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "slo-rules",
        abstract: "Print Prometheus recording and alerting rules for the targets' SLOs (multi-window burn rates).",
        discussion: """
            Two SLIs per target: connection success (failed attempts over attempts) and data freshness \
            (session time with stale data over session time). deploy/prometheus/wshealth.slo.yml is \
            this command's output for --objective 99.9 --window 30d.
            """
    )

    @Option(help: "The objective, a percentage: 99.9.")
    var objective: Double = 99.9

    @Option(help: "The SLO's window, at least 3d: 30d.")
    var window: String = "30d"

    @Option(
        name: .customLong("target-regex"),
        help: "Only the targets whose name matches this PromQL regular expression."
    )
    var targetRegex: String?

    func run() throws {
        guard let window = PrometheusDuration.parse(self.window) else {
            throw ValidationError("--window must be a duration like 30d; got \(self.window)")
        }
        do {
            print(
                try SLORules(objective: self.objective, window: window, targetRegex: self.targetRegex).render(),
                terminator: ""
            )
        } catch {
            throw ValidationError(error.description)
        }
    }
}
