import Foundation
import Synchronization
import Testing
import WSHealthTestReceiver

extension ExternalProcesses {
    /// How `run` and `demo` start and stop, as a service manager and a terminal see them.
    @Suite(.timeLimit(.minutes(1)))
    struct CommandLineLifecycleTests {
        /// A web address already in use ends `run` at once with exit 1 and one line naming the
        /// address, before any session starts: a monitor nobody can scrape must not look alive.
        @Test func runExitsWhenItsPortIsTaken() async throws {
            let (fd, port) = try boundLoopbackSocket(listening: true)
            defer { close(fd) }
            let storage = FileManager.default.temporaryDirectory.appendingPathComponent("wshealth-\(UUID())")
            defer { try? FileManager.default.removeItem(at: storage) }
            try await withTemporaryFile("targets: [{name: a, url: 'ws://127.0.0.1:\(try refusingLoopbackPort())/x'}]") {
                path in
                let (status, output) = try await runWSHealth(
                    [
                        "run", "--config.file=\(path)", "--web.listen-address=127.0.0.1:\(port)",
                        "--storage.path=\(storage.path)",
                    ],
                    timeout: .seconds(20),
                    includingStandardError: true
                )
                #expect(status == 1)
                let errors = output.split(separator: "\n").filter { $0.contains("level=error") }
                #expect(errors.count == 1)
                #expect(errors.first?.contains("cannot listen on 127.0.0.1:\(port): address already in use") == true)
                #expect(!output.contains("monitoring target"))
            }
        }

        /// A storage path that cannot hold the receivers' outboxes (a file where a directory
        /// must be) ends `run` with exit 1 and a line that says why and where.
        @Test func runExitsWhenItsStorageIsUnusable() async throws {
            try await withTemporaryFile("not a directory") { file in
                let config = """
                    targets: [{name: a, url: 'ws://127.0.0.1:\(try refusingLoopbackPort())/x'}]
                    alerting: {receivers: [{name: hook, type: webhook, url: 'http://127.0.0.1:\(try refusingLoopbackPort())/'}]}
                    """
                try await withTemporaryFile(config) { path in
                    let (status, output) = try await runWSHealth(
                        [
                            "run", "--config.file=\(path)", "--web.listen-address=127.0.0.1:\(try freePort())",
                            "--storage.path=\(file)/data",
                        ],
                        timeout: .seconds(20),
                        includingStandardError: true
                    )
                    #expect(status == 1)
                    #expect(
                        output.contains("mkdir \(file)/data/alerting/outbox/hook: Not a directory (errno 20)"),
                        "\(output)"
                    )
                }
            }
        }

        /// An open-files limit too low to start on ends `run` with exit 1 and a line that names it,
        /// not a fatal error inside NIO.
        @Test func runExitsWhenItsOpenFilesLimitIsTooLow() async throws {
            try await withTemporaryFile("targets: [{name: a, url: 'ws://127.0.0.1:\(try refusingLoopbackPort())/x'}]") {
                path in
                let (status, output) = try await runWSHealth(
                    ["run", "--config.file=\(path)", "--web.listen-address=127.0.0.1:\(try freePort())"],
                    timeout: .seconds(20),
                    includingStandardError: true,
                    limits: ["--nofile=16:16"]
                )
                #expect(status == 1)
                #expect(
                    output.contains("the open-files limit is 16, below the 32 wshealth needs to start"),
                    "\(output)"
                )
            }
        }

        /// `demo` with a port in use fails the same way, and prints no banner pointing at it.
        @Test func demoExitsWhenItsPortIsTaken() async throws {
            let (fd, port) = try boundLoopbackSocket(listening: true)
            defer { close(fd) }
            let (status, output) = try await runWSHealth(
                ["demo", "--web.listen-address=127.0.0.1:\(port)"],
                timeout: .seconds(20),
                includingStandardError: true
            )
            #expect(status == 1)
            #expect(output.contains("cannot listen on 127.0.0.1:\(port): address already in use"))
            #expect(!output.contains("status page:"))
        }

        /// `demo --sessions 0` is a usage error of `demo`: its own usage, not the top level's.
        @Test func demoRejectsZeroSessionsWithItsOwnUsage() async throws {
            let (status, output) = try await runWSHealth(["demo", "--sessions", "0"], includingStandardError: true)
            #expect(status == 64)
            #expect(output.contains("--sessions: must be 1…1000, got 0"))
            #expect(output.contains("Usage: wshealth demo"))
        }

        /// With standard output a pipe, the demo's banner arrives while it runs (not at exit), and
        /// SIGINT during `--chaos` ends it with exit 0 at once: the chaos loop's sleeps do not hold
        /// the shutdown (they are 20 s long, so a 5 s bound tells the two apart on a busy machine).
        @Test func demoBannerIsFlushedAndChaosStopsAtOnce() async throws {
            let process = Process()
            process.executableURL = try wshealthBinary()
            process.arguments = ["demo", "--chaos", "--web.listen-address=127.0.0.1:0", "--log.level=warn"]
            let output = Pipe()
            let received = Mutex("")
            output.fileHandleForReading.readabilityHandler = { handle in
                let text = String(decoding: handle.availableData, as: UTF8.self)
                received.withLock { $0 += text }
            }
            process.standardOutput = output
            process.standardError = FileHandle.nullDevice
            try process.run()
            defer {
                if process.isRunning { process.terminate() }
                output.fileHandleForReading.readabilityHandler = nil
            }
            let bannerDeadline = ContinuousClock.now + .seconds(30)
            while !received.withLock({ $0.contains("Press Ctrl-C to stop.") }) && ContinuousClock.now < bannerDeadline {
                try await Task.sleep(for: .milliseconds(20))
            }
            #expect(process.isRunning)
            let banner = received.withLock { $0 }
            #expect(banner.contains("status page:"), "no banner while the demo runs: \(banner.debugDescription)")
            let statusPage = try #require(banner.split(separator: "\n").first { $0.contains("status page:") })
            let url = String(statusPage.split(separator: " ").last!) + "-/ready"
            #expect(await httpStatus(url, within: .seconds(30)) == 200)

            kill(process.processIdentifier, SIGINT)
            let stopped = ContinuousClock.now
            while process.isRunning && ContinuousClock.now - stopped < .seconds(5) {
                try await Task.sleep(for: .milliseconds(10))
            }
            #expect(!process.isRunning, "still running 5 s after SIGINT")
            if process.isRunning { process.terminate() }
            process.waitUntilExit()
            #expect(process.terminationReason == .exit)
            #expect(process.terminationStatus == 0)
        }
    }
}
