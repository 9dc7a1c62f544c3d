import Foundation
import Logging
import NIOCore
import Testing
import WSHealthBackend
import WSHealthConfig

#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

extension InProcessEndToEnd {
    /// `--shard=INDEX/COUNT` with real agents: replicas split the targets of one configuration.
    @Suite(.timeLimit(.minutes(2)))
    struct ShardingTests {
        static let targetNames = (0..<30).map { "target-\($0)" }

        /// 3 agents, 30 targets: each target is monitored by exactly one agent and the backend
        /// sees 30 sessions. Then 2 agents (`INDEX/2`): replicas 0 and 1 keep every target they
        /// had, and take over only the third replica's.
        @Test func replicasCoverEveryTargetOnce() async throws {
            var logger = Logger(label: "test")
            logger.logLevel = .critical
            let secret = Array(String(repeating: "sharding-secret-", count: 3).utf8)
            let backend = ReferenceBackend(
                configuration: ReferenceBackendConfiguration(
                    port: 0,
                    adminPort: 0,
                    interval: .seconds(1),
                    jwtSecret: secret
                ),
                logger: logger
            )
            let backendTask = Task { try await backend.run() }
            defer { backendTask.cancel() }
            let port = try await backend.boundAddresses().websocket.port!
            let secretFile = FileManager.default.temporaryDirectory.appendingPathComponent("wshealth-\(UUID()).secret")
            try Data(secret).write(to: secretFile)
            defer { try? FileManager.default.removeItem(at: secretFile) }
            let targets = Self.targetNames.map { name in
                """
                  - name: \(name)
                    url: ws://127.0.0.1:\(port)/api/ws/metrics
                    token: {jwt: {secret_file: \(secretFile.path), subject: shard}}

                """
            }
            try await withTemporaryFile("targets:\n" + targets.joined()) { path in
                let three = try await self.monitoredTargets(path: path, count: 3, backend: backend)
                #expect(three.flatMap { $0 }.sorted() == Self.targetNames.sorted(), "every target once")
                #expect(three.allSatisfy { !$0.isEmpty })

                let two = try await self.monitoredTargets(path: path, count: 2, backend: backend)
                #expect(two.flatMap { $0 }.sorted() == Self.targetNames.sorted(), "every target once")
                for replica in 0..<2 {
                    #expect(Set(three[replica]).isSubset(of: Set(two[replica])), "replica \(replica) lost targets")
                }
                let moved = Set(two.flatMap { $0 }).subtracting(three[0] + three[1])
                #expect(moved == Set(three[2]), "only the removed replica's targets move")
            }
        }

        /// Starts `count` agents on the configuration at `path`, waits until the backend has one
        /// client per target, returns each agent's targets (from `/api/v1/targets`) and stops them.
        private func monitoredTargets(path: String, count: Int, backend: ReferenceBackend) async throws -> [[String]] {
            let storage = FileManager.default.temporaryDirectory.appendingPathComponent("wshealth-shards-\(UUID())")
            defer { try? FileManager.default.removeItem(at: storage) }
            var processes: [Process] = []
            defer {
                for process in processes where process.isRunning {
                    process.terminate()
                    process.waitUntilExit()
                }
            }
            var ports: [Int] = []
            for index in 0..<count {
                let port = try freePort()
                let process = Process()
                process.executableURL = try wshealthBinary()
                process.arguments = [
                    "run", "--config.file=\(path)", "--web.listen-address=127.0.0.1:\(port)",
                    "--shard=\(index)/\(count)",
                    "--storage.path=\(storage.path)/\(index)",
                ]
                process.standardError = FileHandle.nullDevice
                try process.run()
                processes.append(process)
                ports.append(port)
            }
            for port in ports {
                #expect(await httpStatus("http://127.0.0.1:\(port)/-/ready", within: .seconds(30)) == 200)
            }
            let deadline = ContinuousClock.now + .seconds(30)
            while await backend.status().connectedClients != Self.targetNames.count, ContinuousClock.now < deadline {
                try await Task.sleep(for: .milliseconds(50))
            }
            #expect(await backend.status().connectedClients == Self.targetNames.count)
            var assigned: [[String]] = []
            for port in ports {
                let (data, _) = try await URLSession.shared.data(
                    from: URL(string: "http://127.0.0.1:\(port)/api/v1/targets")!
                )
                let report = try JSONSerialization.jsonObject(with: data) as? [String: Any]
                let targets = report?["targets"] as? [[String: Any]] ?? []
                assigned.append(targets.compactMap { $0["name"] as? String })
            }
            for process in processes { kill(process.processIdentifier, SIGTERM) }
            for process in processes { process.waitUntilExit() }
            // The next set of replicas starts from a backend with no clients.
            let drained = ContinuousClock.now + .seconds(10)
            while await backend.status().connectedClients != 0, ContinuousClock.now < drained {
                try await Task.sleep(for: .milliseconds(50))
            }
            return assigned
        }
    }
}
