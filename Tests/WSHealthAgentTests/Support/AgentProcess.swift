import Foundation
import Logging
import NIOCore
import WSHealthBackend

/// The pieces the suites that run the `wshealth` binary share: a reference backend in this
/// process, a directory with the backend's JWT secret, the agent started on it, and
/// util-linux's `prlimit` to change the agent's limits while it runs.
enum AgentProcess {
    /// A reference backend on 127.0.0.1 sending every `interval`, started; cancel `task` to stop it.
    static func startBackend(
        secret: [UInt8],
        interval: Duration = .milliseconds(100)
    ) async throws -> (backend: ReferenceBackend, task: Task<Void, any Error>, port: Int) {
        var logger = Logger(label: "test")
        logger.logLevel = .warning
        let backend = ReferenceBackend(
            configuration: .init(port: 0, adminPort: 0, interval: interval, jwtSecret: secret),
            logger: logger
        )
        let task = Task { try await backend.run() }
        return (backend, task, try await backend.boundAddresses().websocket.port!)
    }

    /// A new directory for one test's files (the caller removes it), with `secret` in its
    /// `secret` file.
    static func makeDirectory(secret: [UInt8] = []) throws -> (directory: URL, secretFile: URL) {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("wshealth-\(UUID())")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let secretFile = directory.appendingPathComponent("secret")
        try Data(secret).write(to: secretFile)
        return (directory, secretFile)
    }

    /// One target `t` on the backend at `backendPort`, stale 300 ms into a stall, and a webhook
    /// receiver `hook` at `receiverURL` with rules evaluated every 100 ms; written into
    /// `directory`, whose `secret` file the token is signed with.
    static func writeStaleAlertConfiguration(
        in directory: URL,
        backendPort: Int,
        receiverURL: String,
        instance: String
    ) throws -> URL {
        let config = directory.appendingPathComponent("wshealth.yml")
        try """
        targets:
          - name: t
            url: ws://127.0.0.1:\(backendPort)/api/ws/metrics
            token: {jwt: {secret_file: \(directory.appendingPathComponent("secret").path)}}
            expect: {interval: 100ms, stale_after: 300ms}
            handshake_timeout: 1s
        alerting:
          instance: \(instance)
          evaluation_interval: 100ms
          receivers:
            - {name: hook, type: webhook, url: '\(receiverURL)', timeout: 1s}

        """.write(to: config, atomically: true, encoding: .utf8)
        return config
    }

    /// `wshealth run` on `config`, serving on 127.0.0.1:`webPort`, its standard error discarded;
    /// `shell` runs first in `sh` when given (e.g. `ulimit -S -n 256`). Stop it with `terminate`.
    static func start(config: URL, webPort: Int, storage: URL, shell: String? = nil) throws -> Process {
        let arguments = [
            "run", "--config.file=\(config.path)", "--web.listen-address=127.0.0.1:\(webPort)",
            "--storage.path=\(storage.path)", "--log.level=error",
        ]
        let process = Process()
        if let shell {
            process.executableURL = URL(fileURLWithPath: "/bin/sh")
            process.arguments = ["-c", "\(shell) && exec \"$0\" \"$@\"", try wshealthBinary().path] + arguments
        } else {
            process.executableURL = try wshealthBinary()
            process.arguments = arguments
        }
        process.standardError = FileHandle.nullDevice
        try process.run()
        return process
    }

    /// Sets a soft limit of the running process `pid`, e.g. `--fsize=0:` or `--nofile=4096:`
    /// (Glibc's `prlimit` is not visible to Swift). Soft limits up to the hard one need no
    /// privilege, either way.
    static func setLimit(of pid: Int32, _ argument: String) throws {
        let prlimit = Process()
        prlimit.executableURL = URL(fileURLWithPath: "/usr/bin/prlimit")
        prlimit.arguments = ["--pid", "\(pid)", argument]
        try prlimit.run()
        prlimit.waitUntilExit()
        guard prlimit.terminationStatus == 0 else {
            throw CLIError("prlimit --pid \(pid) \(argument): exit \(prlimit.terminationStatus)")
        }
    }
}
