import Foundation

/// One thing a probe saw, at its time since the probe started.
public struct ProbeStep: Sendable, Encodable {
    /// Milliseconds since the probe started.
    public var milliseconds: Double
    /// What kind of step: `dns`, `tcp`, `tls`, `request`, `response`, `state`, `message`, `ping`,
    /// `pong`, `close`, `stale`.
    public var step: String
    /// The step in words; headers and messages on lines of their own.
    public var lines: [String]

    private enum CodingKeys: String, CodingKey {
        case milliseconds = "at_ms"
        case step, lines
    }

    /// The step as the text format prints it: time, kind, then the lines, aligned.
    public var text: String {
        let time = String(format: "%9.1f ms", self.milliseconds)
        let head = time + "  " + self.step.padding(toLength: 9, withPad: " ", startingAt: 0) + " "
        let indent = String(repeating: " ", count: head.count)
        return self.lines.enumerated().map { ($0.offset == 0 ? head : indent) + $0.element }.joined(separator: "\n")
    }
}

/// What a probe found: every step, and the verdict.
public struct ProbeReport: Sendable, Encodable {
    /// The target's name.
    public var target: String
    /// Its URL, token redacted.
    public var url: String
    public var verdict: ProbeVerdict
    /// The verdict in words.
    public var detail: String
    public var steps: [ProbeStep]

    private enum CodingKeys: String, CodingKey {
        case target, url, verdict, detail, steps
        case exitCode = "exit_code"
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(self.target, forKey: .target)
        try container.encode(self.url, forKey: .url)
        try container.encode(self.verdict.rawValue, forKey: .verdict)
        try container.encode(self.verdict.exitCode, forKey: .exitCode)
        try container.encode(self.detail, forKey: .detail)
        try container.encode(self.steps, forKey: .steps)
    }
}
