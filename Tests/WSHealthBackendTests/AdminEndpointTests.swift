import Foundation
import NIOHTTP1
import Testing
import WSHealthBackend

@Suite struct AdminEndpointTests {
    /// `GET /status` reports clients, counters and switches as snake_case JSON.
    @Test func statusReportsCountersAndSwitches() async throws {
        try await RunningBackend.with { running in
            let client = try await running.connectUpgraded()
            _ = try await client.firstEvent { if case .text = $0 { true } else { false } }
            try await running.backend.apply(.slowHandshake(delay: .milliseconds(1_500)))

            let answer = try await running.admin(.GET, "/status")
            #expect(answer.status == 200)
            let decoder = JSONDecoder()
            let status = try decoder.decode(BackendStatus.self, from: Data(answer.body.utf8))
            #expect(status.connectedClients == 1)
            #expect(status.handshakesAccepted == 1)
            #expect(status.messagesSent >= 1)
            #expect(status.switches.handshakeDelay == .milliseconds(1_500))
            // The faults the demo's banner points at are listed, with their parameters.
            #expect(status.faults.contains("POST /faults/close?code=N&reason=TEXT"))
            #expect(status.faults.contains { $0.hasPrefix("POST /faults/bad-frame?kind=reserved-opcode|") })
            #expect(status.faults.count == 15)
            #expect(answer.body.contains("\"handshake_delay\":\"1s500ms\""))
            #expect(answer.body.contains("\"active\":[\"slow-handshake\"]"))
            await client.close()
        }
    }

    /// Bad parameters on the admin endpoints are answered 400 with a message naming the parameter.
    @Test func badAdminParametersAnswer400() async throws {
        try await RunningBackend.with { running in
            let cases = [
                ("/faults/close?code=99", "code: must be 1000-1003, 1007-1014 or 3000-4999, got 99"),
                ("/faults/close", "code: missing query parameter"),
                ("/faults/stall?enabled=maybe", "enabled: must be true or false, got \\\"maybe\\\""),
                ("/faults/auth-mode?mode=teapot", "mode: must be http403 or close1008"),
                ("/faults/slow-handshake?delay=5x", "delay: must be a duration"),
                ("/faults/down?seconds=-3", "seconds: must be a non-negative number"),
            ]
            for (uri, message) in cases {
                let answer = try await running.admin(.POST, uri)
                #expect(answer.status == 400, "\(uri)")
                #expect(answer.body.contains("\"ok\":false"), "\(uri)")
                #expect(answer.body.contains(message), "\(uri): \(answer.body)")
            }
            #expect(await running.backend.status().switches == BackendSwitches())
        }
    }

    /// Unknown admin endpoints are 404 and wrong methods 405.
    @Test func unknownEndpointsAndWrongMethods() async throws {
        try await RunningBackend.with { running in
            let cases: [(HTTPMethod, String, Int)] = [
                (.POST, "/faults/explode", 404), (.GET, "/", 404), (.GET, "/faults/drop", 405), (.POST, "/status", 405),
            ]
            for (method, uri, status) in cases {
                let answer = try await running.admin(method, uri)
                #expect(answer.status == status, "\(method) \(uri)")
            }
        }
    }
}
