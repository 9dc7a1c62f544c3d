import NIOHTTP1
import Testing

@testable import WSHealthBackend

@Suite struct AdminRouteTests {
    /// Every endpoint maps to its fault with its parameters.
    @Test(arguments: [
        ("/faults/drop", BackendFault.drop),
        ("/faults/close?code=1011&reason=server+error", .close(code: 1011, reason: "server error")),
        ("/faults/close?code=4000&reason=%C3%A9t%C3%A9", .close(code: 4000, reason: "été")),
        ("/faults/close?code=1000", .close(code: 1000, reason: "")),
        ("/faults/stall?enabled=true", .stall(enabled: true)),
        ("/faults/stall?enabled=false", .stall(enabled: false)),
        ("/faults/garbage", .garbage),
        ("/faults/freeze-timestamp?enabled=true", .freezeTimestamp(enabled: true)),
        ("/faults/refuse-tokens?enabled=true", .refuseTokens(enabled: true)),
        ("/faults/auth-mode?mode=close1008", .authMode(.close1008)),
        ("/faults/auth-mode?mode=http403", .authMode(.http403)),
        ("/faults/slow-handshake?delay=5s", .slowHandshake(delay: .seconds(5))),
        ("/faults/slow-handshake?delay=0s", .slowHandshake(delay: .zero)),
        ("/faults/down?seconds=2", .down(duration: .seconds(2))),
        ("/faults/down?seconds=0.5", .down(duration: .milliseconds(500))),
        ("/faults/down?seconds=1m", .down(duration: .seconds(60))),
        ("/faults/reject-upgrade?status=503", .rejectUpgrade(status: 503)),
        ("/faults/reject-upgrade?status=0", .rejectUpgrade(status: 0)),
        ("/faults/bad-handshake?kind=wrong-accept", .badHandshake(.wrongAccept)),
        ("/faults/bad-handshake?kind=not-http", .badHandshake(.notHTTP)),
        ("/faults/bad-handshake?kind=hang-up", .badHandshake(.hangUp)),
        ("/faults/bad-handshake?kind=off", .badHandshake(.off)),
        ("/faults/binary", .binary),
        ("/faults/oversize?bytes=2097152", .oversize(bytes: 2_097_152)),
        ("/faults/oversize?bytes=14", .oversize(bytes: 14)),
        ("/faults/bad-frame", .badFrame(.reservedOpcode)),
        ("/faults/bad-frame?kind=reserved-bits", .badFrame(.reservedBits)),
        ("/faults/bad-frame?kind=fragmented-control", .badFrame(.fragmentedControl)),
        ("/faults/bad-frame?kind=orphan-continuation", .badFrame(.orphanContinuation)),
        ("/faults/bad-frame?kind=masked", .badFrame(.masked)),
        ("/faults/reset", .reset),
    ])
    func parsesFaults(uri: String, expected: BackendFault) throws {
        #expect(try AdminRoute.parse(method: .POST, uri: uri) == .fault(expected))
    }

    /// `GET /status` is the status route.
    @Test func parsesStatus() throws {
        #expect(try AdminRoute.parse(method: .GET, uri: "/status") == .status)
    }

    /// Bad parameters are 400s whose message names the parameter and the value.
    @Test(arguments: [
        ("/faults/close", "code: missing query parameter"),
        ("/faults/close?code=abc", "code: must be a close code such as 1011, got \"abc\""),
        ("/faults/close?code=99", "code: must be 1000-1003, 1007-1014 or 3000-4999, got 99"),
        ("/faults/close?code=1005", "got 1005"),
        ("/faults/close?code=1000&reason=" + String(repeating: "x", count: 124), "reason: must be at most 123 bytes"),
        ("/faults/stall", "enabled: missing query parameter"),
        ("/faults/stall?enabled=yes", "enabled: must be true or false, got \"yes\""),
        ("/faults/refuse-tokens?enabled=1", "enabled: must be true or false, got \"1\""),
        ("/faults/auth-mode?mode=close", "mode: must be http403 or close1008, got \"close\""),
        ("/faults/slow-handshake?delay=5", "delay: must be a duration"),
        ("/faults/slow-handshake?delay=fast", "got \"fast\""),
        ("/faults/down?seconds=-1", "seconds: must be a non-negative number or a duration"),
        ("/faults/down", "seconds: missing query parameter"),
        ("/faults/reject-upgrade", "status: missing query parameter"),
        ("/faults/reject-upgrade?status=busy", "status: must be an HTTP status such as 503 (0 clears), got \"busy\""),
        ("/faults/reject-upgrade?status=101", "status: must be 0 (off) or an HTTP status 200-599, got 101"),
        ("/faults/reject-upgrade?status=600", "status: must be 0 (off) or an HTTP status 200-599, got 600"),
        ("/faults/reject-upgrade?status=-1", "got -1"),
        ("/faults/bad-handshake", "kind: missing query parameter"),
        (
            "/faults/bad-handshake?kind=rude",
            "kind: must be off, wrong-accept, not-http or hang-up, got \"rude\""
        ),
        ("/faults/oversize", "bytes: missing query parameter"),
        ("/faults/oversize?bytes=1MiB", "bytes: must be a number of bytes such as 2097152, got \"1MiB\""),
        ("/faults/oversize?bytes=13", "bytes: must be between 14 and 67108864, got 13"),
        ("/faults/oversize?bytes=67108865", "bytes: must be between 14 and 67108864, got 67108865"),
        (
            "/faults/bad-frame?kind=opcode",
            "kind: must be reserved-opcode, reserved-bits, fragmented-control, orphan-continuation, masked, "
                + "invalid-utf8, invalid-close-code, invalid-close-reason, rsv1-without-extension or "
                + "corrupt-compressed, got \"opcode\""
        ),
    ])
    func badParametersAreBadRequests(uri: String, message: String) {
        #expect {
            try AdminRoute.parse(method: .POST, uri: uri)
        } throws: { error in
            guard let rejection = error as? AdminRoute.Rejection else { return false }
            return rejection.status == .badRequest && rejection.message.contains(message)
        }
    }

    /// Unknown endpoints are 404s and wrong methods are 405s.
    @Test func unknownEndpointsAndWrongMethods() {
        let cases: [(HTTPMethod, String, HTTPResponseStatus)] = [
            (.POST, "/faults/explode", .notFound),
            (.GET, "/nothing", .notFound),
            (.GET, "/faults/drop", .methodNotAllowed),
            (.POST, "/status", .methodNotAllowed),
        ]
        for (method, uri, status) in cases {
            #expect {
                try AdminRoute.parse(method: method, uri: uri)
            } throws: { error in
                (error as? AdminRoute.Rejection)?.status == status
            }
        }
    }

    /// Request targets are split and percent-decoded; `+` is a space only in the query.
    @Test func requestTargetDecoding() {
        let target = RequestTarget("/a%20b+c?x=1+2&y=%41%zz&flag")
        #expect(target.path == "/a b+c")
        #expect(target["x"] == "1 2")
        #expect(target["y"] == "A%zz")
        #expect(target["flag"] == "")
        #expect(target["missing"] == nil)
    }
}
