import NIOWebSocket
import Testing
import WSHealthBackend

@Suite struct LifecycleTests {
    /// Stopping the backend closes every client with close code 1001 (going away).
    @Test func shutdownClosesClientsWithGoingAway() async throws {
        try await RunningBackend.with { running in
            let client = try await running.connectUpgraded()
            try await running.stop()
            let close = try await client.firstEvent { if case .close = $0 { true } else { false } }
            #expect(close == .close(code: 1001, reason: "server shutting down"))
            #expect(try await client.firstEvent { $0 == .closed } == .closed)
            await #expect(throws: (any Error).self) {
                _ = try await TestWebSocketClient.connect(to: running.addresses.websocket, token: nil)
            }
        }
    }

    /// A client close frame is answered with a close frame carrying the same code.
    @Test func clientCloseIsAnswered() async throws {
        try await RunningBackend.with(interval: .seconds(60)) { running in
            let client = try await running.connectUpgraded()
            try await client.sendClose(code: 1000)
            #expect(try await client.nextEvent() == .close(code: 1000, reason: ""))
            #expect(try await client.firstEvent { $0 == .closed } == .closed)
        }
    }

    /// Client text is ignored: the connection stays open and keeps receiving metrics.
    @Test func clientTextIsIgnored() async throws {
        try await RunningBackend.with { running in
            let client = try await running.connectUpgraded()
            try await client.send(.text, "ping")
            let event = try await client.nextEvent()
            guard case .text = event else {
                Issue.record("expected a metrics message, got \(event)")
                return
            }
            await client.close()
        }
    }

    /// `run()` may be called only once.
    @Test func runTwiceIsRejected() async throws {
        try await RunningBackend.with { running in
            await #expect(throws: ReferenceBackendError.alreadyStarted) { try await running.backend.run() }
        }
    }
}
