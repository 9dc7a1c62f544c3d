import Foundation
import Testing

@testable import WSHealthAgent

extension ExternalProcesses {
    /// Against a server that is not ours: Python's `websockets`, set up as uvicorn sets it up
    /// (permessage-deflate with context takeover and a 32 KiB window), sending JSON every 100 ms.
    @Suite(.timeLimit(.minutes(1)))
    struct WebsocketsServerTests {
        /// The repository: scripts/lib/websockets_server.py and the tools venv of scripts/setup.
        static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()

        /// The agent's default offer is agreed, every message inflates to valid JSON, and with
        /// `compression: none` the same server sends them uncompressed.
        @Test(arguments: [("", "permessage-deflate"), ("    compression: none\n", nil)] as [(String, String?)])
        func agentReadsAWebsocketsServer(setting: String, agreed: String?) async throws {
            let port = try freePort()
            let python = Self.repository.appendingPathComponent(".build/tools-venv/bin/python")
            guard FileManager.default.isExecutableFile(atPath: python.path) else {
                throw CLIError("no \(python.path): run scripts/setup --tests")
            }
            let server = Process()
            server.executableURL = python
            server.arguments = [
                Self.repository.appendingPathComponent("scripts/lib/websockets_server.py").path, "--port", "\(port)",
            ]
            server.standardOutput = FileHandle.nullDevice
            server.standardError = FileHandle.nullDevice
            try server.run()
            defer { Self.stop(server) }
            try await Self.waitUntilListening(port: port, process: server)
            try await AgentHarness.scoped(
                AgentHarness(
                    target: fastTarget(token: "{value: unused}") + setting,
                    backendPort: port
                )
            ) { harness in
                await harness.eventually("messages counted") {
                    (harness.metric("wshealth_messages_received_total") ?? 0) >= 5
                }
                #expect(harness.metric("wshealth_message_errors_total", ["reason": "invalid_json"]) == 0)
                #expect(harness.sessions("t", "receiving_data") == 1)
                let snapshot = try #require(await harness.agent.targets.first?.snapshots().first)
                #expect(snapshot.extensions == agreed)
            }
        }

        /// SIGTERM, then SIGKILL after 5 s; returns once the process has exited.
        static func stop(_ process: Process) {
            process.terminate()
            let deadline = ContinuousClock.now + .seconds(5)
            while process.isRunning && ContinuousClock.now < deadline { usleep(20_000) }
            if process.isRunning { kill(process.processIdentifier, SIGKILL) }
            process.waitUntilExit()
        }

        /// Waits (at most 15 s) until something accepts TCP connections on 127.0.0.1:`port`.
        static func waitUntilListening(port: Int, process: Process) async throws {
            let deadline = ContinuousClock.now + .seconds(15)
            while ContinuousClock.now < deadline, process.isRunning {
                let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
                var address = sockaddr_in()
                address.sin_family = sa_family_t(AF_INET)
                address.sin_port = in_port_t(UInt16(port).bigEndian)
                address.sin_addr.s_addr = inet_addr("127.0.0.1")
                let connected = withUnsafePointer(to: &address) { pointer in
                    pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                        connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0
                    }
                }
                close(fd)
                if connected { return }
                try await Task.sleep(for: .milliseconds(50))
            }
            throw CLIError("nothing listens on 127.0.0.1:\(port)")
        }
    }
}
