import ArgumentParser
import Foundation
import Logging
import WSHealthAgent
import WSHealthConfig

/// `wshealth probe`: one connection to one target, each step printed as it happens, then the
/// verdict in the agent's terms and an exit code per verdict.
struct ProbeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "probe",
        abstract: "Connect once to one target as a session would, print each step, and give a verdict.",
        discussion: """
            Probe a target of a configuration file (--config.file and --target: the same URL, token, \
            headers, TLS and compression as its sessions), or a URL with the flags below. The probe \
            waits up to --duration for --messages valid messages, then closes with 1001.

            Exit codes: \(ProbeVerdict.allCases.map { "\($0.exitCode) \($0.rawValue)" }.joined(separator: ", ")); \
            64 a usage or configuration error.
            """
    )

    enum Format: String, ExpressibleByArgument, CaseIterable {
        case text, json
    }

    @Argument(help: "A ws:// or wss:// URL to probe, instead of a configured target.")
    var url: String?

    @Option(name: .customLong("config.file"), help: "The configuration file holding --target.")
    var configFile: String?

    @Option(help: "The name of the target to probe, in --config.file.")
    var target: String?

    @Option(name: .customLong("token-file"), help: "With a URL: a file holding the token, sent as ?token=….")
    var tokenFile: String?

    @Option(name: .customLong("token-header"), help: "With a URL and --token-file: send the token in this header.")
    var tokenHeader: String?

    @Option(help: "With a URL: a subprotocol to offer (repeatable, in order).")
    var subprotocol: [String] = []

    @Option(help: "With a URL: a request header, 'Name: value' (repeatable; values are redacted).")
    var header: [String] = []

    @Option(help: "With a URL: the Origin to send.")
    var origin: String?

    @Option(help: "Output: text (each step as it happens) or json (one document at the end).")
    var format: Format = .text

    @Option(help: "How long to wait for the messages, e.g. 10s.")
    var duration: String = "10s"

    @Option(help: "The valid messages to wait for.")
    var messages: Int = 3

    @Option(
        name: .customLong("messages.max-buffered-bytes"),
        help: "The most bytes a message still arriving may hold, as the agent's flag (0: no limit)."
    )
    var maxBufferedBytes: Int = Agent.Options.defaultMaxBufferedBytes

    func validate() throws {
        if self.url == nil && (self.configFile == nil || self.target == nil) {
            throw ValidationError("give a URL, or --config.file and --target")
        }
        if self.url != nil && (self.configFile != nil || self.target != nil) {
            throw ValidationError("give a URL or --config.file and --target, not both")
        }
        if self.url == nil
            && (self.tokenFile != nil || self.tokenHeader != nil || !self.subprotocol.isEmpty || !self.header.isEmpty
                || self.origin != nil)
        {
            throw ValidationError("--token-file, --token-header, --subprotocol, --header and --origin go with a URL")
        }
        guard let duration = PrometheusDuration.parse(self.duration), duration > .zero else {
            throw ValidationError("--duration must be a duration greater than 0, like 10s; got \(self.duration)")
        }
        guard self.messages >= 1 else { throw ValidationError("--messages must be at least 1, got \(self.messages)") }
        guard self.maxBufferedBytes >= 0 else {
            throw ValidationError("--messages.max-buffered-bytes: \(self.maxBufferedBytes) is negative")
        }
        if self.tokenHeader != nil && self.tokenFile == nil {
            throw ValidationError("--token-header needs --token-file")
        }
        for header in self.header where !header.contains(":") {
            throw ValidationError("--header must be 'Name: value', got \(header.debugDescription)")
        }
    }

    func run() async throws {
        // Errors only, in the agent's log format: the probe's output is its steps.
        var logger = Logger(label: "wshealth.probe") { StructuredLogHandler(label: $0, format: .logfmt) }
        logger.logLevel = .error
        guard Agent.prepareOpenFilesLimit(logger: logger) else {
            throw ExitCode(ProbeVerdict.resourceExhausted.exitCode)
        }
        let target: TargetConfiguration
        do {
            target = try self.targetConfiguration()
        } catch {
            for problem in error.problems { printError("\(problem)") }
            throw ExitCode(64)
        }
        let options = Probe.Options(
            duration: PrometheusDuration.parse(self.duration) ?? .seconds(10),
            messages: self.messages,
            maxBufferedBytes: self.maxBufferedBytes
        )
        let text = self.format == .text
        if text {
            printLine("probing \(self.url == nil ? "target \(target.name) at " : "")\(Probe.displayURL(target))")
        }
        let report: ProbeReport
        do {
            if text {
                report = try await Probe.run(target, options: options) { step in printLine(step.text) }
            } else {
                report = try await Probe.run(target, options: options)
            }
        } catch {
            printError("\(error)")
            throw ExitCode(64)
        }
        if text {
            printLine("verdict: \(report.verdict.rawValue) (exit \(report.verdict.exitCode)): \(report.detail)")
        } else {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
            printLine(String(decoding: try encoder.encode(report), as: UTF8.self))
        }
        if report.verdict != .ok { throw ExitCode(report.verdict.exitCode) }
    }

    /// The target to probe: the configured one, or one made of the URL and flags, decoded and
    /// checked like any configured target.
    private func targetConfiguration() throws(ConfigurationError) -> TargetConfiguration {
        if let configFile, let name = self.target {
            let configuration = try AgentConfiguration.load(path: configFile)
            guard let target = configuration.targets.first(where: { $0.name == name }) else {
                let names = configuration.targets.map(\.name).joined(separator: ", ")
                throw ConfigurationError(problems: [
                    ConfigurationError.Problem(
                        path: "--target",
                        message: "no target named \(name) in \(configFile) (it has \(names))"
                    )
                ])
            }
            return target
        }
        return try AgentConfiguration.parse(yaml: self.synthesizedConfiguration()).targets[0]
    }

    /// A one-target configuration of the URL and flags, in YAML's flow style (JSON strings).
    private func synthesizedConfiguration() -> String {
        var fields = ["name: probe", "url: \((self.url ?? "").jsonQuoted)"]
        if let tokenFile {
            let placement = self.tokenHeader.map { "header: \($0.jsonQuoted)" } ?? "param: token"
            fields.append("token: {file: \(tokenFile.jsonQuoted), \(placement)}")
        }
        if !self.subprotocol.isEmpty {
            fields.append("subprotocols: [\(self.subprotocol.map(\.jsonQuoted).joined(separator: ", "))]")
        }
        if let origin { fields.append("origin: \(origin.jsonQuoted)") }
        if !self.header.isEmpty {
            let pairs = self.header.map { line -> String in
                let name = line.prefix { $0 != ":" }.trimmingCharacters(in: .whitespaces)
                let value = line.drop { $0 != ":" }.dropFirst().trimmingCharacters(in: .whitespaces)
                return "\(name.jsonQuoted): {value: \(value.jsonQuoted)}"
            }
            fields.append("headers: {\(pairs.joined(separator: ", "))}")
        }
        return "targets: [{\(fields.joined(separator: ", "))}]\n"
    }
}

/// Writes a line to standard output at once: a probe's steps are read as they happen.
private func printLine(_ line: String) {
    FileHandle.standardOutput.write(Data((line + "\n").utf8))
}

private func printError(_ line: String) {
    FileHandle.standardError.write(Data(("wshealth probe: " + line + "\n").utf8))
}
