import Testing

@testable import WSHealthAgent

/// The JSON validator's nesting limit (found by `Fuzz/`'s FuzzJSONValidator against
/// Foundation): `maximumDepth` arrays or objects may nest whatever the innermost one holds, one
/// more is refused. A value inside the last level was refused while an empty one was accepted.
struct JSONValidatorTests {
    static func nested(_ depth: Int, holding innermost: String, object: Bool) -> [UInt8] {
        let (open, close) = object ? (#"{"k":"#, "}") : ("[", "]")
        // An object's last level holds a member: an empty one is `{}`.
        let inner = object && innermost.isEmpty ? "{}" : innermost
        let levels = object && innermost.isEmpty ? depth - 1 : depth
        return Array((String(repeating: open, count: levels) + inner + String(repeating: close, count: levels)).utf8)
    }

    @Test(arguments: ["", "0", "-1.5e3", #""s""#, "null", "true"], [false, true])
    func nestingUpToTheLimitIsAccepted(innermost: String, object: Bool) {
        let limit = JSONValidator.maximumDepth
        #expect(JSONValidator.isValid(Self.nested(limit, holding: innermost, object: object)))
        #expect(!JSONValidator.isValid(Self.nested(limit + 1, holding: innermost, object: object)))
    }
}
