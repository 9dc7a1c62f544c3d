package import WSHealthConfig

/// How the built-in rules run: the configuration's `alerting.rules`, as decoded and validated
/// by `WSHealthConfig` (the defaults are the README's table).
package typealias AlertRuleSettings = AlertRulesConfiguration

extension AlertRulesConfiguration {
    /// The common settings of one rule.
    package subscript(rule: AlertRule) -> Rule {
        get {
            switch rule {
            case .authFailed: self.authFailed
            case .maxRetriesExceeded: self.maxRetriesExceeded
            case .dataStale: self.dataStale
            case .targetDown: self.targetDown
            case .flapping: self.flapping
            case .lowSuccessRatio: self.lowSuccessRatio
            case .resourceExhausted: self.resourceExhausted
            }
        }
        set {
            switch rule {
            case .authFailed: self.authFailed = newValue
            case .maxRetriesExceeded: self.maxRetriesExceeded = newValue
            case .dataStale: self.dataStale = newValue
            case .targetDown: self.targetDown = newValue
            case .flapping: self.flapping = newValue
            case .lowSuccessRatio: self.lowSuccessRatio = newValue
            case .resourceExhausted: self.resourceExhausted = newValue
            }
        }
    }
}
