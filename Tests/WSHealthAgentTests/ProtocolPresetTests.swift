import Foundation
import Testing
import WSHealthTestReceiver

@testable import WSHealthAgent

extension ExternalProcesses {
    /// The presets against servers we did not write (scripts/lib/protocol_servers.py): Strawberry's
    /// `graphql-transport-ws` and python-socketio's Engine.IO v4, both on uvicorn.
    @Suite(.timeLimit(.minutes(1)))
    struct ProtocolPresetTests {
        static func target(url: String, _ keys: String) -> String {
            """
              - name: t
                url: '\(url)'
                expect: {interval: 100ms}
                reconnect: {initial_delay: 50ms, max_delay: 100ms, max_attempts: 1000}
                handshake_timeout: 2s
            \(keys)

            """
        }

        static let graphQL =
            "    protocol: {name: graphql-transport-ws, query: 'subscription { metrics { cpu timestamp } }'}"

        /// Subscribed: healthy, every `next` data, and nothing counted against the server; a
        /// subscription that errors fails the attempt; a subprotocol Strawberry does not speak
        /// is refused before any data.
        @Test func graphQLSubscription() async throws {
            try await WebsocketsServerTests.withServer(["graphql"], script: "protocol_servers.py") { port in
                let url = "ws://127.0.0.1:\(port)/graphql"
                try await AgentHarness.scoped(AgentHarness(target: Self.target(url: url, Self.graphQL))) { harness in
                    await harness.eventually("next messages counted", timeout: .seconds(20)) {
                        (harness.metric("wshealth_messages_received_total") ?? 0) >= 10
                    }
                    #expect(harness.sessions("t", "receiving_data") == 1)
                    #expect(harness.moved(.failures) == [])
                    #expect(harness.moved(.messageErrors) == [])
                    let snapshot = await harness.agent.targets.first?.snapshots().first
                    #expect(snapshot?.subprotocol == "graphql-transport-ws")
                }
                let legacy = Self.graphQL + "\n    subprotocols: [graphql-ws]"
                try await AgentHarness.scoped(AgentHarness(target: Self.target(url: url, legacy))) { harness in
                    await harness.eventually("refused", timeout: .seconds(20)) { !harness.moved(.failures).isEmpty }
                    #expect(harness.moved(.failures).isSubset(of: ["protocol_error", "conversation_failed"]))
                    #expect(harness.metric("wshealth_messages_received_total") == 0)
                }
            }
            try await WebsocketsServerTests.withServer(
                ["graphql", "--fail-subscription"],
                script: "protocol_servers.py"
            ) {
                port in
                let url = "ws://127.0.0.1:\(port)/graphql"
                try await AgentHarness.scoped(AgentHarness(target: Self.target(url: url, Self.graphQL))) { harness in
                    await harness.eventually("conversation_failed", timeout: .seconds(20)) {
                        harness.metric("wshealth_connection_failures_total", ["reason": "conversation_failed"]) ?? 0
                            >= 1
                    }
                    #expect(harness.moved(.failures) == ["conversation_failed"])
                    let detail = await harness.agent.targets.first?.snapshots().first?.lastFailureDetail
                    #expect(detail?.hasPrefix("on_open step 2 waited for its reply and got another message") == true)
                }
            }
        }

        /// A collector frozen behind a GraphQL subscription: events keep coming, their data ages,
        /// and the data is stale and alerted on.
        @Test func graphQLFrozenTimestampIsStaleDataAndAlerts() async throws {
            let arguments = ["graphql", "--frozen-timestamp"]
            try await WebsocketsServerTests.withServer(arguments, script: "protocol_servers.py") { port in
                let receiver = try await RecordingReceiver.start()
                let keys =
                    Self.graphQL + """

                            expect:
                              interval: 100ms
                              stale_after: 1s
                              timestamp: {pointer: /payload/data/metrics/timestamp, format: unix_seconds}
                        """
                let target = Self.target(url: "ws://127.0.0.1:\(port)/graphql", keys)
                    .replacingOccurrences(of: "    expect: {interval: 100ms}\n", with: "")
                try await AgentHarness.scoped(
                    AgentHarness(
                        target: target,
                        alerting: InProcessEndToEnd.StaleDataScenarioTests.webhookAlerting(receiver)
                    )
                ) { harness in
                    let fired = try await receiver.waitForRequests(count: 1, within: .seconds(20))
                    #expect(
                        String(decoding: fired[0].body, as: UTF8.self).contains(#""alertname":"WebSocketDataStale""#)
                    )
                    #expect(harness.metric("wshealth_data_stale_sessions") == 1)
                    #expect((harness.metric("wshealth_messages_received_total") ?? 0) > 5, "events kept coming")
                    #expect((harness.metric("wshealth_data_age_seconds") ?? 0) >= 1)
                    #expect(harness.moved(.messageErrors) == [])
                }
                await receiver.shutdown()
            }
        }

        /// Engine.IO's open packet, the namespace connect, pings every 300 ms answered: healthy
        /// and never dropped; without the answers the server drops the session.
        @Test func socketIOEvents() async throws {
            let arguments = ["socketio", "--ping-interval", "0.3"]
            try await WebsocketsServerTests.withServer(arguments, script: "protocol_servers.py") { port in
                let url = "ws://127.0.0.1:\(port)/socket.io/?EIO=4&transport=websocket"
                try await AgentHarness.scoped(AgentHarness(target: Self.target(url: url, "    protocol: socketio"))) {
                    harness in
                    await harness.eventually("events counted past several pings", timeout: .seconds(20)) {
                        (harness.metric("wshealth_messages_received_total") ?? 0) >= 20
                    }
                    #expect(harness.sessions("t", "receiving_data") == 1)
                    #expect(harness.moved(.failures) == [])
                    #expect(harness.moved(.disconnects) == [])
                    #expect(harness.moved(.messageErrors) == [])
                }
                let silent = "    protocol: socketio\n    replies: []"
                try await AgentHarness.scoped(AgentHarness(target: Self.target(url: url, silent))) { harness in
                    await harness.eventually("dropped for the unanswered pings", timeout: .seconds(20)) {
                        !harness.moved(.disconnects).isEmpty
                    }
                    #expect(harness.moved(.disconnects).isSubset(of: ["network_error", "server_closed"]))
                }
            }
        }
    }
}
