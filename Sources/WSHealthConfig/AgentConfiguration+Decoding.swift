internal import Yams

extension AgentConfiguration {
    /// Composes `yaml` into a node tree and decodes it; problems other than syntax errors go to `decoder`.
    ///
    /// Returns nil when a section could not produce a value (its problems are in `decoder`).
    static func decode(yaml: String, decoder: ConfigDecoder) throws(ConfigurationError) -> AgentConfiguration? {
        let node = try ConfigDocument.root(yaml: yaml, decoder: decoder)
        guard let mapping = node.mapping() else {
            return nil
        }
        let targets = decodeTargets(mapping["targets"], path: mapping.childPath("targets"), decoder: decoder)
        let alerting = mapping.section("alerting", as: AlertingConfiguration.self) ?? AlertingConfiguration()
        mapping.reportUnknownKeys()
        return targets.map { AgentConfiguration(targets: $0, alerting: alerting) }
    }

    /// Decodes the `targets` list: at least one target, every one valid, names unique.
    private static func decodeTargets(
        _ node: ConfigNode?,
        path: String,
        decoder: ConfigDecoder
    ) -> [TargetConfiguration]? {
        guard let node else {
            decoder.report(path, "at least one target is required")
            return nil
        }
        guard let elements = node.list() else {
            return nil
        }
        guard !elements.isEmpty else {
            node.report("at least one target is required")
            return nil
        }
        var names: [String: String] = [:]
        var targets: [TargetConfiguration] = []
        for element in elements {
            if let target = TargetConfiguration.decode(element, names: &names) {
                targets.append(target)
            }
        }
        return targets.count == elements.count ? targets : nil
    }
}
