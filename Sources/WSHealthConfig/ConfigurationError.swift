/// Everything that is wrong with a configuration: one ``Problem`` per bad key, all of them, not just the first.
///
/// Its `description` is one `<key path>: <message>` line per problem, for example
/// `targets[0].reconnect.max_attempts: must be at least 1, got -3`. Messages never contain a secret:
/// token values are shown as `<redacted>`.
public struct ConfigurationError: Error, Sendable, Equatable, CustomStringConvertible {
    /// One thing wrong with the configuration, at one key path.
    public struct Problem: Sendable, Hashable, CustomStringConvertible {
        /// Where the problem is: a key path like `targets[0].expect.interval`, `yaml` for a YAML syntax
        /// error, `(root)` for the document itself, or the file's path when it cannot be read.
        public var path: String
        /// What is wrong, with the bad value where there is one: `must be at least 1, got -3`.
        public var message: String

        /// Creates a problem at `path`.
        public init(path: String, message: String) {
            self.path = path
            self.message = message
        }

        /// `<path>: <message>`, or just the message when the path is empty.
        public var description: String {
            path.isEmpty ? message : "\(path): \(message)"
        }
    }

    /// The problems, in the order they were found (document order by section, schema order within one).
    public var problems: [Problem]

    /// Creates an error from its problems.
    public init(problems: [Problem]) {
        self.problems = problems
    }

    /// Creates an error with a single problem.
    init(path: String, message: String) {
        self.init(problems: [Problem(path: path, message: message)])
    }

    /// One `<path>: <message>` line per problem.
    public var messages: [String] {
        problems.map(\.description)
    }

    /// All messages, one per line.
    public var description: String {
        messages.joined(separator: "\n")
    }
}
