import Foundation
import Logging
import NIOCore
import Testing
import WSHealthBackend

#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

extension InProcessEndToEnd {
    /// Secrets never reach logs, metrics or pages; logs are structured as configured.
    @Suite(.timeLimit(.minutes(1)))
    struct SecretHygieneTests {
        /// The body of `GET url`, or nil.
        func body(_ url: String) async -> String? {
            guard let (data, _) = try? await URLSession.shared.data(from: URL(string: url)!) else { return nil }
            return String(decoding: data, as: UTF8.self)
        }

        /// A refused token, debug logs in JSON: the token shows up nowhere, and every log line is
        /// a JSON object with `ts`, `level` and `msg`.
        @Test func refusedTokenLeaksNowhere() async throws {
            var logger = Logger(label: "test")
            logger.logLevel = .critical
            let secret = Array(String(repeating: "hygiene-secret-", count: 3).utf8)
            let backend = ReferenceBackend(
                configuration: ReferenceBackendConfiguration(port: 0, adminPort: 0, jwtSecret: secret),
                logger: logger
            )
            let backendTask = Task { try await backend.run() }
            defer { backendTask.cancel() }
            let backendPort = try await backend.boundAddresses().websocket.port!
            let canary = "canary-\(UUID().uuidString)"
            let urlCanary = "urlcanary-\(UUID().uuidString)"
            let webPort = try freePort()
            let config = """
                targets:
                  - name: leaky
                    url: 'ws://127.0.0.1:\(backendPort)/api/ws/metrics?token=\(urlCanary)'
                    token: {value: '\(canary)', param: access}
                    reconnect: {initial_delay: 50ms, max_delay: 50ms, max_attempts: 1}
                """
            try await withTemporaryFile(config) { path in
                let stderr = Pipe()
                let process = Process()
                process.executableURL = try wshealthBinary()
                process.arguments = [
                    "run", "--config.file=\(path)", "--web.listen-address=127.0.0.1:\(webPort)", "--log.level=debug",
                    "--log.format=json",
                ]
                process.standardError = stderr
                try process.run()
                defer { if process.isRunning { process.terminate() } }
                #expect(await httpStatus("http://127.0.0.1:\(webPort)/-/ready", within: .seconds(30)) == 200)
                let deadline = ContinuousClock.now + .seconds(10)
                var metrics = ""
                while ContinuousClock.now < deadline {
                    metrics = await self.body("http://127.0.0.1:\(webPort)/metrics") ?? ""
                    if metrics.contains("wshealth_sessions{target=\"leaky\",state=\"error\"} 1") { break }
                    try await Task.sleep(for: .milliseconds(50))
                }
                #expect(metrics.contains("wshealth_sessions{target=\"leaky\",state=\"error\"} 1"))
                let page = await self.body("http://127.0.0.1:\(webPort)/") ?? ""
                #expect(page.contains("leaky"))
                kill(process.processIdentifier, SIGTERM)
                process.waitUntilExit()
                let logs = String(decoding: stderr.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
                #expect(logs.contains("session failed"))
                for (name, text) in [("logs", logs), ("metrics", metrics), ("page", page)] {
                    #expect(!text.contains(canary), "the token leaked into the \(name)")
                    #expect(!text.contains(urlCanary), "the URL's token leaked into the \(name)")
                }
                for line in logs.split(separator: "\n") {
                    let object = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any]
                    #expect(
                        object?["ts"] != nil && object?["level"] != nil && object?["msg"] != nil,
                        "not JSON: \(line)"
                    )
                }
            }
        }
    }
}
