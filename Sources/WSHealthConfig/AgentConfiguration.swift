public import Foundation

/// The agent's configuration: the WebSocket backends to watch.
///
/// Read it with ``parse(yaml:environment:)`` or ``load(path:environment:)``; both apply the
/// defaults, decode, validate, and throw a ``ConfigurationError`` listing every problem at once.
///
/// ```yaml
/// targets:
///   - name: dashboard
///     url: ws://127.0.0.1:8000/api/ws/metrics
///     token: {file: /run/secrets/ws-token}
/// ```
public struct AgentConfiguration: Sendable, Equatable {
    /// The backends to keep sessions open to; at least one, names unique.
    public var targets: [TargetConfiguration]
    /// The built-in alert rules and where their notifications go.
    public var alerting: AlertingConfiguration

    /// Creates a configuration. No validation happens here: values built in code are taken as they are.
    public init(targets: [TargetConfiguration], alerting: AlertingConfiguration = AlertingConfiguration()) {
        self.targets = targets
        self.alerting = alerting
    }

    /// Decodes and validates a YAML configuration.
    ///
    /// - Parameters:
    ///   - yaml: The document.
    ///   - environment: The variables `token.env` may name; a named variable must be set and not empty.
    /// - Throws: A ``ConfigurationError`` with every problem found: the YAML syntax error (line and
    ///   column), or each unknown key, wrong type and out-of-range value with its key path.
    public static func parse(
        yaml: String,
        environment: [String: String] = ProcessInfo.processInfo.environment
    ) throws(ConfigurationError) -> AgentConfiguration {
        let decoder = ConfigDecoder(environment: environment)
        let configuration = try decode(yaml: yaml, decoder: decoder)
        guard decoder.problems.isEmpty, let configuration else {
            throw ConfigurationError(problems: decoder.problems)
        }
        return configuration
    }

    /// Reads, decodes and validates the YAML configuration file at `path`.
    ///
    /// - Throws: A ``ConfigurationError`` naming the path when the file is missing, a directory,
    ///   unreadable or not UTF-8; otherwise the problems of ``parse(yaml:environment:)``.
    public static func load(
        path: String,
        environment: [String: String] = ProcessInfo.processInfo.environment
    ) throws(ConfigurationError) -> AgentConfiguration {
        try parse(yaml: ConfigDocument.readFile(atPath: path), environment: environment)
    }
}
