import Foundation
import NIOCore
import NIOHTTP1
import Testing
import WSHealthTestRawExchange

@testable import WSHealthBackend

/// The faults that break the HTTP handshake or the WebSocket framing, seen from the wire.
@Suite struct ProtocolFaultTests {
    /// `reject-upgrade?status=503` answers upgrades with 503 until `status=0` clears it; open
    /// connections are left alone.
    @Test func rejectUpgradeAnswersTheStatus() async throws {
        try await RunningBackend.with { running in
            let open = try await running.connectUpgraded()
            #expect(try await running.admin(.POST, "/faults/reject-upgrade?status=503").status == 200)
            #expect(await running.backend.status().switches.active == ["reject-upgrade"])
            let rejected = try await running.connect()
            #expect(try await rejected.nextEvent() == .httpResponse(status: 503))
            _ = try await open.firstEvent { if case .text = $0 { true } else { false } }

            #expect(try await running.admin(.POST, "/faults/reject-upgrade?status=0").status == 200)
            let accepted = try await running.connect()
            #expect(try await accepted.nextEvent() == .upgraded)
            await accepted.close()
            await open.close()
        }
    }

    /// `bad-handshake` answers with a wrong accept value, with bytes that are not HTTP, or with
    /// nothing, and `kind=off` restores normal handshakes.
    @Test func badHandshakeAnswers() async throws {
        try await RunningBackend.with { running in
            let request = RawExchange.upgradeRequest(token: try await running.token())
            try await running.backend.apply(.badHandshake(.wrongAccept))
            let wrongAccept = try await RawExchange.send(request, to: running.addresses.websocket)
            #expect(wrongAccept.hasPrefix("HTTP/1.1 101 Switching Protocols\r\n"))
            #expect(
                wrongAccept.lowercased().contains("sec-websocket-accept: \(BadHandshake.wrongAcceptValue)".lowercased())
            )

            try await running.backend.apply(.badHandshake(.notHTTP))
            #expect(
                try await RawExchange.send(request, to: running.addresses.websocket) == BadHandshake.notHTTPGreeting
            )

            try await running.backend.apply(.badHandshake(.hangUp))
            #expect(try await RawExchange.send(request, to: running.addresses.websocket) == "")

            #expect(try await running.admin(.POST, "/faults/bad-handshake?kind=off").status == 200)
            let accepted = try await running.connect()
            #expect(try await accepted.nextEvent() == .upgraded)
            await accepted.close()
            #expect(await running.backend.status().switches == BackendSwitches())
        }
    }

    /// `binary` and `oversize` send one message each, outside the metrics ticks (the test client
    /// takes frames up to 16 KiB); only the text one counts as a message sent.
    @Test func binaryAndOversizeMessages() async throws {
        try await RunningBackend.with(interval: .seconds(60)) { running in
            let client = try await running.connectUpgraded()
            #expect(try await running.admin(.POST, "/faults/binary").status == 200)
            #expect(try await client.nextEvent() == .binary(Array(ReferenceBackend.binaryPayload.readableBytesView)))
            #expect(try await running.admin(.POST, "/faults/oversize?bytes=10000").status == 200)
            guard case .text(let text) = try await client.nextEvent() else {
                Issue.record("expected a text message")
                return
            }
            #expect(text.utf8.count == 10_000)
            #expect(await running.backend.status().messagesSent == 1)
            await client.close()
        }
    }

    /// `bad-frame` sends the frame of its kind as it is; a client decoder that knows the rule
    /// fails the connection, here the fragmented ping.
    @Test(arguments: [
        (BadFrame.reservedOpcode, ClientEvent.frame(firstByte: 0x83, masked: false)),
        (.reservedBits, .frame(firstByte: 0xA1, masked: false)),
        (.rsv1WithoutExtension, .frame(firstByte: 0xC1, masked: false)),
        (.orphanContinuation, .frame(firstByte: 0x80, masked: false)),
        (.masked, .frame(firstByte: 0x81, masked: true)),
        (.fragmentedControl, .closed),
    ])
    func badFrameIsSentAsIs(kind: BadFrame, expected: ClientEvent) async throws {
        try await RunningBackend.with(interval: .seconds(60)) { running in
            let client = try await running.connectUpgraded()
            #expect(try await running.admin(.POST, "/faults/bad-frame?kind=\(kind.rawValue)").status == 200)
            #expect(try await client.nextEvent() == expected)
            await client.close()
        }
    }
}
