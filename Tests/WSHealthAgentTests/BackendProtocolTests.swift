import Foundation
import Testing
import WSHealthBackend

@testable import WSHealthAgent

extension InProcessEndToEnd {
    /// Each preset against the reference backend speaking that protocol: the opening done, every
    /// event data, nothing counted against the server. And the preset's client offering the
    /// wrong thing is refused as the protocol says.
    @Suite(.timeLimit(.minutes(1)))
    struct BackendProtocolTests {
        static func target(path: String, _ preset: String, extra: String = "") -> String {
            """
              - name: t
                url: 'URL\(path)'
                token: {jwt: {secret_file: SECRET_FILE}}
                expect: {interval: 100ms}
                reconnect: {initial_delay: 50ms, max_delay: 100ms, max_attempts: 1000}
                protocol: \(preset)
            \(extra)

            """
        }

        @Test(arguments: [
            (BackendProtocol.graphQLTransportWS, "", "{name: graphql-transport-ws, query: 'subscription { metrics }'}"),
            (.socketIO, "?EIO=4&transport=websocket", "socketio"),
            (.socketIO, "?EIO=4&transport=websocket", "{name: socketio, namespace: /live}"),
            (.phoenix, "?vsn=2.0.0", "{name: phoenix, topic: 'metrics:lobby'}"),
        ])
        func presetAgainstTheBackend(kind: BackendProtocol, query: String, preset: String) async throws {
            try await AgentHarness.scoped(
                AgentHarness(target: Self.target(path: query, preset), backendProtocol: kind)
            ) { harness in
                await harness.eventually("events counted") {
                    (harness.metric("wshealth_messages_received_total") ?? 0) >= 5
                }
                #expect(harness.sessions("t", "receiving_data") == 1)
                #expect(harness.moved(.failures) == [])
                #expect(harness.moved(.disconnects) == [])
                #expect(harness.moved(.messageErrors) == [])
            }
        }

        /// Without the subprotocol, the GraphQL backend closes with 4406 at once: the agent's
        /// opening fails, and no event is data.
        @Test func graphQLWithoutItsSubprotocolIsRefused() async throws {
            let target = Self.target(
                path: "",
                "{name: graphql-transport-ws, query: 'subscription { metrics }'}",
                extra: "    subprotocols: []"
            )
            try await AgentHarness.scoped(AgentHarness(target: target, backendProtocol: .graphQLTransportWS)) {
                harness in
                await harness.eventually("refused") {
                    (harness.metric("wshealth_connection_failures_total", ["reason": "conversation_failed"]) ?? 0) >= 1
                }
                let detail = await harness.agent.targets.first?.snapshots().first?.lastFailureDetail
                #expect(detail == "the server closed the connection with 4406 during on_open step 1")
                #expect(harness.metric("wshealth_messages_received_total") == 0)
            }
        }
    }
}
