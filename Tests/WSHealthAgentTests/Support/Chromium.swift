import Foundation
import Testing

/// Headless Chromium for the status page's browser tests: Debian's `chromium` package.
///
/// Every run gets a fresh profile directory, is bounded in time, and is killed if it outlives
/// its bound; the profile is removed afterwards.
enum Chromium {
    /// The browser on `PATH`; a clear failure when it is missing (CI installs it).
    static func executable() throws -> URL {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        for directory in path.split(separator: ":") {
            let candidate = URL(fileURLWithPath: String(directory)).appendingPathComponent("chromium")
            if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
        }
        throw ChromiumError(
            "no `chromium` on PATH: the status page's browser tests need Debian's `chromium` package "
                + "(apt-get install -y chromium)"
        )
    }

    /// The flags of every run: headless, no GPU, no sandbox (containers run as root), `profile`.
    static func flags(profile: URL) -> [String] {
        [
            "--headless", "--disable-gpu", "--no-sandbox", "--disable-dev-shm-usage", "--no-first-run",
            "--user-data-dir=\(profile.path)",
        ]
    }

    /// A new, empty profile directory.
    static func makeProfile() throws -> URL {
        let profile = FileManager.default.temporaryDirectory.appendingPathComponent("wshealth-chromium-\(UUID())")
        try FileManager.default.createDirectory(at: profile, withIntermediateDirectories: true)
        return profile
    }

    /// The DOM of `url` once its scripts ran for `virtualMilliseconds` of virtual time
    /// (`--dump-dom`); the browser is killed if it has not finished within `timeout`.
    static func dumpDOM(
        _ url: String,
        virtualMilliseconds: Int = 3000,
        timeout: Duration = .seconds(60)
    ) async throws -> String {
        let profile = try self.makeProfile()
        defer { try? FileManager.default.removeItem(at: profile) }
        // A file, not a pipe: a large DOM cannot block the browser on a full pipe.
        let output = profile.appendingPathComponent("dom.html")
        _ = FileManager.default.createFile(atPath: output.path, contents: nil)
        let outputHandle = try FileHandle(forWritingTo: output)
        defer { try? outputHandle.close() }
        let process = Process()
        process.executableURL = try self.executable()
        process.arguments =
            self.flags(profile: profile) + ["--virtual-time-budget=\(virtualMilliseconds)", "--dump-dom", url]
        process.standardOutput = outputHandle
        process.standardError = FileHandle.nullDevice
        try process.run()
        try await self.waitForExit(process, within: timeout, what: "chromium --dump-dom \(url)")
        return String(decoding: try Data(contentsOf: output), as: UTF8.self)
    }

    /// Waits for `process` to exit; kills it and throws when it outlives `timeout`.
    static func waitForExit(_ process: Process, within timeout: Duration, what: String) async throws {
        let deadline = ContinuousClock.now + timeout
        while process.isRunning && ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(20)) }
        guard process.isRunning else { return }
        process.terminate()
        let grace = ContinuousClock.now + .seconds(5)
        while process.isRunning && ContinuousClock.now < grace { try await Task.sleep(for: .milliseconds(20)) }
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        process.waitUntilExit()
        throw ChromiumError("\(what) did not finish within \(timeout); killed")
    }
}

/// A failure of a browser test's browser.
struct ChromiumError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
