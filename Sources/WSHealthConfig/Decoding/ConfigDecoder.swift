/// The state of one decoding pass: the problems found so far and the environment `token.env` reads.
///
/// Decoding never stops at the first problem: every section reports what is wrong with it here,
/// keeps its default for the bad key, and carries on.
final class ConfigDecoder {
    /// The environment variables visible to the configuration (`token.env`).
    let environment: [String: String]
    /// The problems found so far, in the order they were reported.
    private(set) var problems: [ConfigurationError.Problem] = []

    /// Creates a decoder that resolves `token.env` against `environment`.
    init(environment: [String: String]) {
        self.environment = environment
    }

    /// Records that the value at `path` is wrong.
    func report(_ path: String, _ message: String) {
        problems.append(ConfigurationError.Problem(path: path, message: message))
    }

    /// The path of `key` inside the mapping at `path`: `targets[0]` + `url` → `targets[0].url`.
    static func path(_ path: String, key: String) -> String {
        path.isEmpty ? key : "\(path).\(key)"
    }

    /// The path of element `index` of the list at `path`: `targets` + 0 → `targets[0]`.
    static func path(_ path: String, index: Int) -> String {
        "\(path)[\(index)]"
    }
}
