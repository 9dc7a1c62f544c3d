import Foundation
import Testing
import WSHealthTestReceiver

extension InProcessEndToEnd {
    /// libcurl (and OpenSSL with it) is loaded, and the delivery threads started, only by an
    /// agent that delivers alerts: the `wshealth` binary without receivers has none of it, and a
    /// reload that adds a receiver loads and starts them.
    @Suite(.timeLimit(.minutes(1)))
    struct LibcurlLoadingTests {
        @Test func libcurlIsLoadedWhenTheFirstReceiverIsSetUp() async throws {
            let directory = FileManager.default.temporaryDirectory.appendingPathComponent("wshealth-libcurl-\(UUID())")
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(at: directory) }
            let config = directory.appendingPathComponent("wshealth.yml")
            // Nothing listens on the target's port: its sessions fail and retry, which is all the
            // agent needs to be running.
            let target = """
                targets:
                  - name: t
                    url: ws://127.0.0.1:\(try refusingLoopbackPort())/api/ws/metrics

                """
            try target.write(to: config, atomically: true, encoding: .utf8)
            let webPort = try freePort()
            let process = try AgentProcess.start(
                config: config,
                webPort: webPort,
                storage: directory.appendingPathComponent("data")
            )
            defer { terminate(process) }
            #expect(await httpStatus("http://127.0.0.1:\(webPort)/-/ready", within: .seconds(15)) == 200)
            let before = try Self.mappedLibraries(of: process.processIdentifier)
            #expect(!before.contains { $0.contains("libcurl") }, "mapped without receivers: \(before)")
            #expect(!before.contains { $0.contains("libssl") }, "OpenSSL mapped without receivers: \(before)")
            // The delivery client's threads are NIO thread-pool threads, named `TP-#N`.
            let threadsBefore = try Self.threadNames(of: process.processIdentifier)
            #expect(
                !threadsBefore.contains { $0.hasPrefix("TP-#") },
                "delivery threads without receivers: \(threadsBefore)"
            )

            try
                (target + """
                    alerting:
                      receivers:
                        - {name: hook, type: webhook, url: 'http://127.0.0.1:\(try refusingLoopbackPort())/hook'}

                    """).write(to: config, atomically: true, encoding: .utf8)
            let (status, body) = try await httpPost("http://127.0.0.1:\(webPort)/-/reload")
            #expect(status == 200, "reload answered \(status): \(body)")
            let after = try Self.mappedLibraries(of: process.processIdentifier)
            #expect(after.contains { $0.contains("libcurl") }, "not mapped after a receiver was added: \(after)")
            let threadsAfter = try Self.threadNames(of: process.processIdentifier)
            #expect(threadsAfter.contains { $0.hasPrefix("TP-#") }, "no delivery threads after a receiver was added")
        }

        /// The shared objects mapped into process `pid`, from `/proc/PID/maps`.
        static func mappedLibraries(of pid: Int32) throws -> Set<String> {
            let maps = try Self.read("/proc/\(pid)/maps")
            return Set(
                maps.split(separator: "\n").compactMap { line in
                    line.split(separator: " ", omittingEmptySubsequences: true).last.map(String.init)
                }.filter { $0.contains(".so") }
            )
        }

        /// The names of process `pid`'s threads, from `/proc/PID/task/*/comm`.
        static func threadNames(of pid: Int32) throws -> [String] {
            let tasks = try FileManager.default.contentsOfDirectory(atPath: "/proc/\(pid)/task")
            return tasks.compactMap { try? Self.read("/proc/\(pid)/task/\($0)/comm").trimmingCharacters(in: .newlines) }
        }

        /// A `/proc` file, read to the end: they report a size of 0, and a read by size stops short.
        static func read(_ path: String) throws -> String {
            let file = try FileHandle(forReadingFrom: URL(fileURLWithPath: path))
            defer { try? file.close() }
            return String(decoding: try file.readToEnd() ?? Data(), as: UTF8.self)
        }
    }
}
