import Testing

/// A configuration that must be rejected, and the exact messages it must be rejected with.
///
/// The rows live in `BadConfiguration+*.swift` by concern; every literal secret in them contains `s3cret`.
struct BadConfiguration: Sendable, CustomTestStringConvertible {
    /// What the row checks.
    let label: String
    /// The YAML document.
    let yaml: String
    /// The expected messages, in order.
    let messages: [String]

    /// Creates a row.
    init(_ label: String, _ yaml: String, _ messages: [String]) {
        self.label = label
        self.yaml = yaml
        self.messages = messages
    }

    /// The label, shown by the test runner for each row.
    var testDescription: String { label }

    /// The environment the rows decode against: one variable set (to a secret), one empty.
    static let environment = ["SET": "env-s3cret", "EMPTY": ""]

    /// Every row.
    static let all = documents + values + tokens + handshake + alertingRows

    /// `targets: [{name: a, url: ws://h/x, <extra>}]`: one valid target plus the keys under test.
    static func target(_ extra: String) -> String {
        "targets: [{name: a, url: ws://h/x, \(extra)}]"
    }
}
