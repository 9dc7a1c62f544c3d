import Foundation
import NIOCore
import NIOHTTP1
import NIOPosix
import NIOWebSocket
import Testing
import WSHealthBackend

@Suite struct FaultTests {
    /// `close?code=1011` sends every client a close frame 1011 with the reason, then the socket closes.
    @Test func closeFaultSendsTheCloseCode() async throws {
        try await RunningBackend.with { running in
            let clients = [try await running.connectUpgraded(), try await running.connectUpgraded()]
            let answer = try await running.admin(.POST, "/faults/close?code=1011&reason=internal+error")
            #expect(answer.status == 200)
            #expect(answer.body.contains("\"fault\":\"close\""))
            for client in clients {
                let close = try await client.firstEvent { if case .close = $0 { true } else { false } }
                #expect(close == .close(code: 1011, reason: "internal error"))
                #expect(try await client.firstEvent { $0 == .closed } == .closed)
            }
        }
    }

    /// `garbage` sends a text message that is not JSON.
    @Test func garbageFaultSendsNonJSON() async throws {
        try await RunningBackend.with(interval: .seconds(60)) { running in
            let client = try await running.connectUpgraded()
            #expect(try await running.admin(.POST, "/faults/garbage").status == 200)
            guard case .text(let text) = try await client.nextEvent() else {
                Issue.record("expected a text message")
                return
            }
            #expect((try? JSONSerialization.jsonObject(with: Data(text.utf8))) == nil)
            #expect(await running.backend.status().messagesSent == 1)
            await client.close()
        }
    }

    /// `drop` closes the connection without any close frame.
    @Test func dropFaultClosesWithoutCloseFrame() async throws {
        try await RunningBackend.with { running in
            let client = try await running.connectUpgraded()
            #expect(try await running.admin(.POST, "/faults/drop").status == 200)
            let events = try await client.events(during: .seconds(10))
            #expect(events.last == .closed)
            #expect(!events.contains { if case .close = $0 { true } else { false } })
            #expect(await running.backend.status().connectedClients == 0)
        }
    }

    /// `stall` silences metrics and pongs while the socket stays open; turning it off resumes both.
    @Test func stallFaultSilencesMessagesAndPongs() async throws {
        try await RunningBackend.with(interval: .milliseconds(50)) { running in
            let client = try await running.connectUpgraded()
            try await client.send(.ping, "before")
            _ = try await client.firstEvent { $0 == .pong("before") }

            #expect(try await running.admin(.POST, "/faults/stall?enabled=true").status == 200)
            // Once apply returns nothing more is sent: whatever the client gets from now on was sent before.
            let sentBeforeStall = await running.backend.status().messagesSent
            try await client.send(.ping, "during")
            let window = try await client.events(during: .milliseconds(500))
            #expect(!window.contains(.pong("during")))
            #expect(!window.contains(.closed))
            #expect(await running.backend.status().messagesSent == sentBeforeStall)
            #expect(await running.backend.status().switches.stalled)

            try await running.backend.apply(.stall(enabled: false))
            try await client.send(.ping, "after")
            _ = try await client.firstEvent { $0 == .pong("after") }
            _ = try await client.firstEvent { if case .text = $0 { true } else { false } }
            await client.close()
        }
    }

    /// `down` drops clients and refuses connections, then the listener reopens on the same port.
    @Test func downFaultRefusesThenAcceptsAgain() async throws {
        try await RunningBackend.with { running in
            let client = try await running.connectUpgraded()
            #expect(try await running.admin(.POST, "/faults/down?seconds=5").status == 200)
            #expect(try await client.firstEvent { $0 == .closed } == .closed)
            #expect(await running.backend.status().switches.down)
            await #expect(throws: (any Error).self) {
                _ = try await TestWebSocketClient.connect(to: running.addresses.websocket, token: nil)
            }

            let reconnected = try await Self.connectWhenListening(running, within: .seconds(20))
            #expect(try await reconnected.nextEvent() == .upgraded)
            #expect(await !running.backend.status().switches.down)
            await reconnected.close()
        }
    }

    /// `reset` clears every switch and reopens a listener that is down.
    @Test func resetClearsEverySwitch() async throws {
        try await RunningBackend.with { running in
            for fault: BackendFault in [
                .stall(enabled: true), .refuseTokens(enabled: true), .authMode(.close1008),
                .slowHandshake(delay: .seconds(1)), .down(duration: .seconds(3_600)), .rejectUpgrade(status: 503),
                .badHandshake(.hangUp),
            ] {
                try await running.backend.apply(fault)
            }
            #expect(
                await running.backend.status().switches.active
                    == [
                        "stall", "refuse-tokens", "auth-mode", "slow-handshake", "down", "reject-upgrade",
                        "bad-handshake",
                    ]
            )
            #expect(try await running.admin(.POST, "/faults/reset").status == 200)
            #expect(await running.backend.status().switches == BackendSwitches())
            let client = try await running.connect()
            #expect(try await client.nextEvent(within: .seconds(5)) == .upgraded)
            await client.close()
        }
    }

    /// Bad fault parameters are rejected by `apply` as well as by the admin endpoint.
    @Test func applyRejectsBadParameters() async throws {
        try await RunningBackend.with { running in
            await #expect(throws: ReferenceBackendError.self) {
                try await running.backend.apply(.close(code: 1006, reason: ""))
            }
            await #expect(throws: ReferenceBackendError.self) {
                try await running.backend.apply(.slowHandshake(delay: .seconds(-1)))
            }
        }
    }

    private static func connectWhenListening(
        _ running: RunningBackend,
        within timeout: Duration
    ) async throws
        -> TestWebSocketClient
    {
        let deadline = ContinuousClock.now + timeout
        while true {
            do {
                return try await running.connect()
            } catch  where ContinuousClock.now < deadline {
                try await Task.sleep(for: .milliseconds(50))
            }
        }
    }
}
