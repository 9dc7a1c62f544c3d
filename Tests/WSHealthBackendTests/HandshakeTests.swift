import Foundation
import JWTKit
import NIOHTTP1
import Testing
import WSHealthBackend

@Suite struct HandshakeTests {
    /// A valid token gets the upgrade and then a metrics JSON message every interval.
    @Test func validTokenReceivesMetricsAtTheInterval() async throws {
        try await RunningBackend.with(interval: .milliseconds(100)) { running in
            let client = try await running.connectUpgraded()
            var messages: [[String: Any]] = []
            var arrivals: [ContinuousClock.Instant] = []
            while messages.count < 4 {
                guard case .text(let text) = try await client.nextEvent(within: .seconds(5)) else {
                    Issue.record("expected only text messages")
                    return
                }
                arrivals.append(.now)
                messages.append(try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any]))
            }
            // Four ticks span three intervals; half of that leaves room for delivery jitter, not for a flood.
            #expect(arrivals[3] - arrivals[0] >= .milliseconds(150))
            for message in messages {
                #expect(message["active_connections"] as? Int == 1)
                #expect(message["cpu_percent"] is Double)
                #expect(message["memory_percent"] is Double)
                #expect(message["requests_per_second"] is Double)
                let timestamp = try #require(message["timestamp"] as? String)
                #expect(timestamp.wholeMatch(of: /\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ/) != nil)
            }
            await client.close()
        }
    }

    /// A token in `Authorization: Bearer` is accepted like one in the query.
    @Test func bearerHeaderIsAccepted() async throws {
        try await RunningBackend.with { running in
            let client = try await running.connect(placement: .bearer)
            #expect(try await client.nextEvent() == .upgraded)
            await client.close()
        }
    }

    /// Missing, badly signed, expired and subject-less tokens are refused with HTTP 403, and counted.
    @Test func invalidTokensAreRefusedWithHTTP403() async throws {
        try await RunningBackend.with { running in
            let wrongKey = try await BackendToken.make(
                subject: "tester",
                secret: Array("another-secret-that-is-long-enough-for-hs256".utf8)
            )
            let expired = try await running.token(expiresIn: .seconds(-60))
            let noSubject = try await Self.tokenWithoutSubject()
            let tokens: [String?] = [nil, "not-a-jwt", wrongKey, expired, noSubject]
            for token in tokens {
                let client = try await TestWebSocketClient.connect(to: running.addresses.websocket, token: token)
                #expect(try await client.nextEvent() == .httpResponse(status: 403))
                #expect(try await client.nextEvent() == .closed)
            }
            let status = await running.backend.status()
            #expect(status.handshakesRefused == tokens.count)
            #expect(status.handshakesAccepted == 0)
            #expect(status.connectedClients == 0)
        }
    }

    /// An upgrade request on another path is answered 404.
    @Test func wrongPathIsNotFound() async throws {
        try await RunningBackend.with { running in
            let client = try await running.connect(path: "/api/ws/other")
            #expect(try await client.nextEvent() == .httpResponse(status: 404))
        }
    }

    /// In close1008 mode a refused token gets the upgrade, then close frame 1008 and no metrics.
    @Test func closeModeRefusesWithClose1008() async throws {
        try await RunningBackend.with { running in
            #expect(try await running.admin(.POST, "/faults/auth-mode?mode=close1008").status == 200)
            let client = try await running.connect(token: "not-a-jwt")
            #expect(try await client.nextEvent() == .upgraded)
            #expect(try await client.nextEvent() == .close(code: 1008, reason: "authentication failed"))
            #expect(try await client.nextEvent() == .closed)
            #expect(await running.backend.status().handshakesRefused == 1)
        }
    }

    /// With refuse-tokens on, even a valid token is refused; turning it off lets it in again.
    @Test func refuseTokensRefusesValidTokens() async throws {
        try await RunningBackend.with { running in
            try await running.backend.apply(.refuseTokens(enabled: true))
            let refused = try await running.connect()
            #expect(try await refused.nextEvent() == .httpResponse(status: 403))
            try await running.backend.apply(.refuseTokens(enabled: false))
            let accepted = try await running.connect()
            #expect(try await accepted.nextEvent() == .upgraded)
            await accepted.close()
        }
    }

    /// Slow-handshake holds the upgrade answer for the delay; `0s` clears it.
    @Test func slowHandshakeDelaysTheUpgrade() async throws {
        try await RunningBackend.with { running in
            #expect(try await running.admin(.POST, "/faults/slow-handshake?delay=400ms").status == 200)
            let start = ContinuousClock.now
            let slow = try await running.connect()
            #expect(try await slow.nextEventIfAny(within: .milliseconds(200)) == nil)
            #expect(try await slow.nextEvent() == .upgraded)
            #expect(ContinuousClock.now - start >= .milliseconds(400))
            await slow.close()

            #expect(try await running.admin(.POST, "/faults/slow-handshake?delay=0s").status == 200)
            let fast = try await running.connect()
            #expect(try await fast.nextEvent(within: .seconds(5)) == .upgraded)
            await fast.close()
        }
    }

    private struct SubjectlessClaims: JWTPayload {
        var exp: ExpirationClaim

        func verify(using algorithm: some JWTAlgorithm) async throws {}
    }

    private static func tokenWithoutSubject() async throws -> String {
        let keys = JWTKeyCollection()
        await keys.add(hmac: HMACKey(from: RunningBackend.secret), digestAlgorithm: .sha256)
        return try await keys.sign(SubjectlessClaims(exp: ExpirationClaim(value: Date().addingTimeInterval(3_600))))
    }
}
