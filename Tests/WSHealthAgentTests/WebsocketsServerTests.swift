import Foundation
import NIOCore
import Testing

@testable import WSHealthAgent

#if canImport(Glibc)
import Glibc
#endif

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
            try await Self.withServer { port in
                try await AgentHarness.scoped(
                    AgentHarness(target: fastTarget(token: "{value: unused}") + setting, backendPort: port)
                ) { harness in
                    await harness.eventually("messages counted") {
                        (harness.metric("wshealth_messages_received_total") ?? 0) >= 5
                    }
                    #expect(harness.metric("wshealth_message_errors_total", ["reason": "invalid_json"]) == 0)
                    #expect(harness.sessions("t", "receiving_data") == 1)
                    let snapshot = try #require(await harness.agent.targets.first?.snapshots().first)
                    #expect(snapshot.extensions == agreed)
                    #expect(snapshot.subprotocol == nil)
                }
            }
        }

        /// The server's options of a GraphQL endpoint: it speaks `graphql-transport-ws`, accepts
        /// only the dashboard's Origin, and wants an API key header.
        static let pickyServer = [
            "--subprotocol", "graphql-transport-ws", "--origin", "https://dashboard.example",
            "--require-header", "X-Api-Key=k3y-from-a-file",
        ]

        /// Offered subprotocols, the Origin and a header read from a file, as that server wants
        /// them: the server's choice is the session's `subprotocol`; the key is never shown.
        @Test func handshakeOptionsAsTheServerWantsThem() async throws {
            let keyFile = FileManager.default.temporaryDirectory.appendingPathComponent("wshealth-\(UUID()).key")
            try "k3y-from-a-file\n".write(to: keyFile, atomically: true, encoding: .utf8)
            defer { try? FileManager.default.removeItem(at: keyFile) }
            try await Self.withServer(Self.pickyServer) { port in
                let target =
                    fastTarget(token: "{value: unused}")
                    + "    subprotocols: [graphql-ws, graphql-transport-ws]\n"
                    + "    origin: https://dashboard.example\n"
                    + "    headers: {X-Api-Key: {file: '\(keyFile.path)'}}\n"
                try await AgentHarness.scoped(AgentHarness(target: target, backendPort: port)) { harness in
                    await harness.eventually("receiving data") { harness.sessions("t", "receiving_data") == 1 }
                    let snapshot = try #require(await harness.agent.targets.first?.snapshots().first)
                    #expect(snapshot.subprotocol == "graphql-transport-ws")
                    let port = try await harness.agent.listeningPort()
                    let api = try await httpGet("http://127.0.0.1:\(port)/api/v1/targets").body
                    #expect(api.contains(#""subprotocol":"graphql-transport-ws""#))
                    #expect(!api.contains("k3y-from-a-file"))
                }
            }
        }

        /// What that server does with a client that does not ask as it wants: no subprotocol it
        /// speaks (it agrees to none: `protocol_error`, as in a browser), another Origin (403) or
        /// no key (401), both `auth_failed`.
        @Test(
            arguments: [
                (
                    "    subprotocols: [graphql-ws]\n    origin: https://dashboard.example\n    headers: {X-Api-Key: k3y-from-a-file}\n",
                    "protocol_error", "answered without a subprotocol (offered graphql-ws)"
                ),
                (
                    "    subprotocols: [graphql-transport-ws]\n    origin: https://elsewhere.example\n    headers: {X-Api-Key: k3y-from-a-file}\n",
                    "auth_failed", "HTTP 403 Forbidden"
                ),
                (
                    "    subprotocols: [graphql-transport-ws]\n    origin: https://dashboard.example\n",
                    "auth_failed", "HTTP 401 Unauthorized"
                ),
            ]
        )
        func handshakeOptionsTheServerRefuses(options: String, reason: String, detail: String) async throws {
            try await Self.withServer(Self.pickyServer) { port in
                let target = fastTarget(token: "{value: unused}") + options
                try await AgentHarness.scoped(AgentHarness(target: target, backendPort: port)) { harness in
                    await harness.eventually("\(reason) counted") {
                        (harness.metric("wshealth_connection_failures_total", ["reason": reason]) ?? 0) >= 1
                    }
                    let snapshot = try #require(await harness.agent.targets.first?.snapshots().first)
                    #expect(
                        snapshot.lastFailureDetail?.hasSuffix(detail) == true,
                        "\(snapshot.lastFailureDetail ?? "")"
                    )
                    #expect(harness.sessions("t", "receiving_data") == 0)
                }
            }
        }

        /// The conversation a subscribe feed wants: a subscribe after the upgrade, pongs to its
        /// pings, and only `metrics` messages as data.
        static let feedConversation = """
                on_open: [{send: '{"type":"subscribe","channel":"metrics","id":"{{id}}"}'}]
                replies: [{match: {pointer: /type, equals: ping}, send: '{"type":"pong"}'}]
                data: {pointer: /type, equals: metrics}

            """

        /// Against a server that wants a subscribe and answered pings: healthy, with only its
        /// metrics counted as data; without the replies it closes the session (4001).
        @Test func subscribeFeed() async throws {
            try await Self.withServer(["--subscribe"]) { port in
                let target = fastTarget(token: "{value: unused}") + Self.feedConversation
                try await AgentHarness.scoped(AgentHarness(target: target, backendPort: port)) { harness in
                    await harness.eventually("messages counted") {
                        (harness.metric("wshealth_messages_received_total") ?? 0) >= 8
                    }
                    #expect(harness.sessions("t", "receiving_data") == 1)
                    #expect(
                        harness.metric("wshealth_disconnects_total", ["cause": "server_closed"]) == 0,
                        "pings answered"
                    )
                    #expect(harness.metric("wshealth_message_errors_total", ["reason": "invalid_json"]) == 0)
                }
                let silent =
                    fastTarget(token: "{value: unused}")
                    + Self.feedConversation.replacingOccurrences(of: "replies:", with: "# replies:")
                try await AgentHarness.scoped(AgentHarness(target: silent, backendPort: port)) { harness in
                    await harness.eventually("closed for the unanswered ping") {
                        (harness.metric("wshealth_disconnects_total", ["cause": "server_closed"]) ?? 0) >= 1
                    }
                    let events = try await harness.agent.targets[0].sessions[0].events().get()
                    #expect(events.contains { $0.closeCode == 4001 && $0.detail == "no pong" })
                }
            }
        }

        /// The feed's conversation, waiting for the greeting and then the subscription's ack
        /// before the attempt succeeds, and with a heartbeat every 300 ms that must be answered
        /// within 200 ms.
        static let acknowledgedFeedConversation = """
                on_open:
                  - await: {match: {pointer: /type, equals: welcome}, timeout: 2s}
                  - send: '{"type":"subscribe","channel":"metrics","id":"{{id}}"}'
                    await: {match: {pointer: /type, equals: subscribed}, timeout: 2s}
                replies: [{match: {pointer: /type, equals: ping}, send: '{"type":"pong"}'}]
                data: {pointer: /type, equals: metrics}
                heartbeat:
                  interval: 300ms
                  send: '{"type":"hb"}'
                  expect_reply: {match: {pointer: /type, equals: hb_ack}, timeout: 200ms}

            """

        /// The subscription acknowledged and the heartbeats answered: healthy, with nothing
        /// counted against the server. A refused subscription fails the attempt as
        /// `conversation_failed`; unanswered heartbeats end the connection as `network_error`.
        @Test func acknowledgedFeedWithHeartbeats() async throws {
            let target = fastTarget(token: "{value: unused}") + Self.acknowledgedFeedConversation
            try await Self.withServer(["--subscribe"]) { port in
                try await AgentHarness.scoped(AgentHarness(target: target, backendPort: port)) { harness in
                    await harness.eventually("heartbeats answered for a while") {
                        (harness.metric("wshealth_messages_received_total") ?? 0) >= 15
                    }
                    #expect(harness.sessions("t", "receiving_data") == 1)
                    #expect(harness.moved(.failures) == [])
                    #expect(harness.moved(.disconnects) == [])
                    #expect(harness.moved(.messageErrors) == [])
                }
            }
            try await Self.withServer(["--subscribe", "--refuse-subscribe"]) { port in
                try await AgentHarness.scoped(AgentHarness(target: target, backendPort: port)) { harness in
                    await harness.eventually("conversation_failed") {
                        harness.metric("wshealth_connection_failures_total", ["reason": "conversation_failed"]) ?? 0
                            >= 1
                    }
                    #expect(harness.moved(.failures) == ["conversation_failed"])
                    let detail = await harness.agent.targets.first?.snapshots().first?.lastFailureDetail
                    #expect(detail == "on_open step 2 waited for its reply and got another message (46 bytes)")
                    #expect(
                        harness.metric("wshealth_state_transitions_total", ["from": "connecting", "to": "connected"])
                            == 0
                    )
                }
            }
            try await Self.withServer(["--subscribe", "--ignore-heartbeats"]) { port in
                try await AgentHarness.scoped(AgentHarness(target: target, backendPort: port)) { harness in
                    await harness.eventually("the heartbeat's reply missed") {
                        harness.metric("wshealth_disconnects_total", ["cause": "network_error"]) ?? 0 >= 1
                    }
                    let events = try await harness.agent.targets[0].sessions[0].events().get()
                    #expect(events.contains { $0.detail == "no reply to the heartbeat within 200ms" })
                }
            }
        }

        /// Runs `body` with the port of a server of `script` (scripts/lib/) started with
        /// `arguments`, and stops it.
        static func withServer(
            _ arguments: [String] = [],
            script: String = "websockets_server.py",
            _ body: (Int) async throws -> Void
        ) async throws {
            let port = try freePort()
            let python = Self.repository.appendingPathComponent(".build/tools-venv/bin/python")
            guard FileManager.default.isExecutableFile(atPath: python.path) else {
                throw CLIError("no \(python.path): run scripts/setup --tests")
            }
            let server = Process()
            server.executableURL = python
            server.arguments =
                [Self.repository.appendingPathComponent("scripts/lib/\(script)").path, "--port", "\(port)"]
                + arguments
            server.standardOutput = FileHandle.nullDevice
            server.standardError = FileHandle.nullDevice
            try server.run()
            defer { terminate(server) }
            try await Self.waitUntilListening(port: port, process: server)
            try await body(port)
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
