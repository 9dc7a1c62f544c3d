import Foundation
import Testing

#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// The built `wshealth` binary beside the test bundle (`swift build` puts it there).
func wshealthBinary() throws -> URL {
    let directory = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
    let binary = directory.appendingPathComponent("wshealth")
    guard FileManager.default.isExecutableFile(atPath: binary.path) else {
        throw CLIError("no wshealth binary at \(binary.path): run `swift build` before `swift test`")
    }
    return binary
}

struct CLIError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

/// Runs the binary; returns its exit status and standard output. Bounded by `timeout`.
func runWSHealth(
    _ arguments: [String],
    timeout: Duration = .seconds(30),
    includingStandardError: Bool = false,
    limits: [String] = []
) async throws -> (Int32, String) {
    let process = Process()
    if limits.isEmpty {
        process.executableURL = try wshealthBinary()
        process.arguments = arguments
    } else {
        // Lowering a limit takes no privilege: prlimit runs the binary under `limits`.
        process.executableURL = URL(fileURLWithPath: "/usr/bin/prlimit")
        process.arguments = limits + [try wshealthBinary().path] + arguments
    }
    let output = Pipe()
    process.standardOutput = output
    process.standardError = includingStandardError ? output : FileHandle.nullDevice
    try process.run()
    let deadline = ContinuousClock.now + timeout
    while process.isRunning && ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(20)) }
    if process.isRunning {
        process.terminate()
        process.waitUntilExit()
        throw CLIError("wshealth \(arguments) did not finish within \(timeout)")
    }
    let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    return (process.terminationStatus, text)
}

/// The status of `GET url` once it is `expected`, polled until then or until `within` passes
/// (the server may still be starting, and `/-/ready` answers 503 until the sessions start); the
/// last status seen, or nil when nothing answered.
func httpStatus(_ url: String, within timeout: Duration, expecting expected: Int = 200) async -> Int? {
    let deadline = ContinuousClock.now + timeout
    var last: Int?
    while ContinuousClock.now < deadline {
        if let (_, response) = try? await URLSession.shared.data(from: URL(string: url)!),
            let http = response as? HTTPURLResponse
        {
            last = http.statusCode
            if http.statusCode == expected { return last }
        }
        try? await Task.sleep(for: .milliseconds(50))
    }
    return last
}

/// Writes `contents` to a new temporary file, runs `body` with its path, and removes it.
func withTemporaryFile<T>(_ contents: String, _ body: (String) async throws -> T) async throws -> T {
    let file = FileManager.default.temporaryDirectory.appendingPathComponent("wshealth-\(UUID()).yml")
    try contents.write(to: file, atomically: true, encoding: .utf8)
    defer { try? FileManager.default.removeItem(at: file) }
    return try await body(file.path)
}

extension ExternalProcesses {
    /// The command line, run as an operator runs it.
    @Suite(.timeLimit(.minutes(1)))
    struct CommandLineTests {
        /// `check-config` lists every problem of a broken file with key paths and exits 1.
        @Test func checkConfigReportsEveryProblem() async throws {
            let broken = """
                targets:
                  - name: a
                    url: http://x
                    reconnect: {max_attempts: -3}
                    reconect: {}
                """
            try await withTemporaryFile(broken) { path in
                let (status, output) = try await runWSHealth(["check-config", path])
                #expect(status == 1)
                #expect(
                    output.split(separator: "\n").map(String.init) == [
                        "\(path): targets[0].url: must be a ws:// or wss:// URL, got \"http://x\"",
                        "\(path): targets[0].reconnect.max_attempts: must be at least 1, got -3",
                        "\(path): targets[0].reconect: unknown key",
                    ]
                )
            }
        }

        /// A valid file: exit 0 and a one-line summary.
        @Test func checkConfigAcceptsAValidFile() async throws {
            try await withTemporaryFile("targets: [{name: a, url: ws://127.0.0.1:1/x, sessions: 2}]") { path in
                let (status, output) = try await runWSHealth(["check-config", path])
                #expect(status == 0)
                #expect(output == "\(path): OK, 1 target, 2 sessions\n")
            }
        }

        /// A configuration that hides stale data passes with a warning line naming the key; a
        /// missing file is named once.
        @Test func checkConfigPrintsWarningsAndNamesAMissingFileOnce() async throws {
            let hiding = "targets: [{name: a, url: ws://127.0.0.1:1/x, ping: {interval: 10s, timeout: 5s}}]"
            try await withTemporaryFile(hiding) { path in
                let (status, output) = try await runWSHealth(["check-config", path])
                #expect(status == 0)
                let lines = output.split(separator: "\n").map(String.init)
                #expect(lines.count == 2)
                #expect(lines.first == "\(path): OK, 1 target, 1 session")
                #expect(
                    lines.last?.hasPrefix("\(path): warning: targets[0].ping: a silent connection is declared dead")
                        == true
                )
            }
            let missing = "/nonexistent/wshealth-\(UUID()).yml"
            let (status, output) = try await runWSHealth(["check-config", missing])
            #expect(status == 1)
            #expect(output.components(separatedBy: missing).count == 2, "the path once: \(output)")
        }

        /// SIGTERM: once ready, the agent closes its sessions and exits 0.
        @Test func sigtermExitsCleanly() async throws {
            let webPort = try freePort()
            try await withTemporaryFile("targets: [{name: a, url: 'ws://127.0.0.1:\(try freePort())/x'}]") { path in
                let process = Process()
                process.executableURL = try wshealthBinary()
                process.arguments = ["run", "--config.file=\(path)", "--web.listen-address=127.0.0.1:\(webPort)"]
                process.standardError = FileHandle.nullDevice
                try process.run()
                defer { if process.isRunning { process.terminate() } }
                #expect(await httpStatus("http://127.0.0.1:\(webPort)/-/ready", within: .seconds(30)) == 200)
                kill(process.processIdentifier, SIGTERM)  // systemd's and Kubernetes' stop
                let deadline = ContinuousClock.now + .seconds(10)
                while process.isRunning && ContinuousClock.now < deadline {
                    try await Task.sleep(for: .milliseconds(20))
                }
                #expect(!process.isRunning, "still running 10 s after SIGTERM")
                if process.isRunning { process.terminate() }
                process.waitUntilExit()
                #expect(process.terminationReason == .exit)
                #expect(process.terminationStatus == 0)
            }
        }

        /// `state-machine` prints the Mermaid diagram generated from the code.
        @Test func stateMachineCommand() async throws {
            let (status, output) = try await runWSHealth(["state-machine"])
            #expect(status == 0)
            #expect(output.hasPrefix("stateDiagram-v2\n"))
            #expect(output.contains("Reconnecting --> Error: Max retries exceeded"))
        }

        /// `backend` takes `--tls-cert-file` and `--tls-key-file` together or not at all: one alone
        /// is a usage error (exit 64) before anything is read or bound.
        @Test(arguments: ["--tls-cert-file", "--tls-key-file"])
        func backendTLSFilesComeInPairs(option: String) async throws {
            let (status, _) = try await runWSHealth([
                "backend", "--jwt-secret-file=/nonexistent", "\(option)=/nonexistent",
            ])
            #expect(status == 64)
        }

        /// A negative `--connect.max-rate` is a usage error that names the flag and the value.
        @Test func negativeConnectRateIsAUsageError() async throws {
            let (status, output) = try await runWSHealth(
                ["run", "--config.file=/nonexistent", "--connect.max-rate=-1"],
                includingStandardError: true
            )
            #expect(status == 64)
            #expect(output.contains("--connect.max-rate: -1 is negative"))
        }
    }
}
