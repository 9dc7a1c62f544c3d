/// The `alerting:` section: who the agent is, where notifications go, and which built-in rules run.
///
/// ```yaml
/// alerting:
///   instance: agent-1
///   receivers:
///     - {name: am, type: alertmanager, url: http://127.0.0.1:9093}
///   rules:
///     target_down: {for: 1m}
/// ```
public struct AlertingConfiguration: Sendable, Equatable {
    /// The `instance` label of every alert; nil uses the host name.
    public var instance: String?
    /// The base URL of this agent as receivers should link to it (`generatorURL`, the webhook's
    /// `externalURL`); nil derives it from the host name and the listen port.
    public var externalURL: String?
    /// How often the rules are evaluated. Default 1 s.
    public var evaluationInterval: Duration
    /// Where notifications go; an empty list evaluates the rules (for `/api/v1/alerts` and the
    /// metrics) without sending anything.
    public var receivers: [ReceiverConfiguration]
    /// The built-in rules and their settings.
    public var rules: AlertRulesConfiguration

    /// Creates alerting settings with the documented defaults.
    public init(
        instance: String? = nil,
        externalURL: String? = nil,
        evaluationInterval: Duration = .seconds(1),
        receivers: [ReceiverConfiguration] = [],
        rules: AlertRulesConfiguration = AlertRulesConfiguration()
    ) {
        self.instance = instance
        self.externalURL = externalURL
        self.evaluationInterval = evaluationInterval
        self.receivers = receivers
        self.rules = rules
    }
}
