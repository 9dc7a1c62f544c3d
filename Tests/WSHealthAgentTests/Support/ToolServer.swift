import Foundation
import Testing

/// A server from a Debian package (Prometheus, Alertmanager) that a test runs on loopback, in
/// a temporary directory of its own: its output goes to `log`, and `stop()` (which every test
/// calls, also on failure) ends it and removes the directory.
final class ToolServer {
    /// The temporary directory: configuration, data and log.
    let directory: URL
    /// Standard output and error of the server.
    let log: URL
    private let process: Process

    /// Starts `tool` (found on `PATH`) with `arguments(directory)`, after `prepare(directory)`
    /// has written its configuration there.
    init(
        tool: String,
        prepare: (URL) throws -> Void = { _ in },
        arguments: (URL) -> [String]
    ) throws {
        let binary = try installedTool(tool)
        self.directory = FileManager.default.temporaryDirectory.appendingPathComponent("wshealth-\(tool)-\(UUID())")
        try FileManager.default.createDirectory(at: self.directory, withIntermediateDirectories: true)
        self.log = self.directory.appendingPathComponent("\(tool).log")
        do {
            try prepare(self.directory)
            try Data().write(to: self.log)
            let process = Process()
            process.executableURL = binary
            process.currentDirectoryURL = self.directory
            process.arguments = arguments(self.directory)
            process.standardOutput = try FileHandle(forWritingTo: self.log)
            process.standardError = process.standardOutput
            try process.run()
            self.process = process
        } catch {
            try? FileManager.default.removeItem(at: self.directory)
            throw error
        }
    }

    /// What the server logged so far.
    var output: String { (try? String(contentsOf: self.log, encoding: .utf8)) ?? "" }

    /// SIGTERM, then SIGKILL after 5 seconds; waits for the exit and removes the directory.
    func stop() {
        terminate(self.process)
        try? FileManager.default.removeItem(at: self.directory)
    }

    /// A Prometheus on `127.0.0.1:port` reading `prometheus.yml`, which `prepare` writes into
    /// its directory (with any rule files it names).
    static func prometheus(port: Int, prepare: (URL) throws -> Void) throws -> ToolServer {
        try ToolServer(tool: "prometheus", prepare: prepare) { directory in
            [
                "--config.file=prometheus.yml", "--storage.tsdb.path=\(directory.appendingPathComponent("data").path)",
                "--web.listen-address=127.0.0.1:\(port)", "--log.level=warn",
            ]
        }
    }
}

/// SIGTERM, then SIGKILL after 5 seconds; returns once `process` has exited.
func terminate(_ process: Process) {
    if process.isRunning {
        process.terminate()
        let deadline = ContinuousClock.now + .seconds(5)
        while process.isRunning && ContinuousClock.now < deadline { usleep(20_000) }
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
    }
    process.waitUntilExit()
}
