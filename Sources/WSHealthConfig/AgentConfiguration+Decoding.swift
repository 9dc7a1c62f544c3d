internal import Yams

extension AgentConfiguration {
    /// Composes `yaml` into a node tree and decodes it; problems other than syntax errors go to `decoder`.
    ///
    /// Returns nil when a section could not produce a value (its problems are in `decoder`).
    static func decode(yaml: String, decoder: ConfigDecoder) throws(ConfigurationError) -> AgentConfiguration? {
        let root: Node?
        do {
            root = try Yams.compose(yaml: yaml)
        } catch let error as YamlError {
            throw ConfigurationError(path: "yaml", message: syntaxMessage(error))
        } catch {
            throw ConfigurationError(path: "yaml", message: "cannot be parsed")
        }
        // An empty document is an empty mapping: every required key is then reported as missing.
        let node = ConfigNode(root ?? Node([(Node, Node)]()), path: "", decoder: decoder)
        guard let mapping = node.mapping() else {
            return nil
        }
        let targets = decodeTargets(mapping["targets"], path: mapping.childPath("targets"), decoder: decoder)
        // Further top-level sections (`alerting`, …) are read here, each with `mapping.section("key")`
        // or its own decoding function, before the unknown keys are reported.
        mapping.reportUnknownKeys()
        return targets.map(AgentConfiguration.init(targets:))
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

    /// The message for a YAML syntax error: where libyaml stopped, and why. Never a snippet of the
    /// document (it could hold a secret).
    private static func syntaxMessage(_ error: YamlError) -> String {
        switch error {
        case .scanner(let context, let problem, let mark, _),
            .parser(let context, let problem, let mark, _),
            .composer(let context, let problem, let mark, _):
            let context = context.map { " (\($0.text) at line \($0.mark.line), column \($0.mark.column))" } ?? ""
            return "line \(mark.line), column \(mark.column): \(problem)\(context)"
        case .reader(let problem, let offset, _, _):
            return "\(problem)" + (offset.map { " at character \($0)" } ?? "")
        case .duplicatedKeysInMapping(let duplicates, let context):
            let keys = duplicates.map(\.quoted).joined(separator: ", ")
            let noun = duplicates.count == 1 ? "key" : "keys"
            return "line \(context.mark.line), column \(context.mark.column): duplicate \(noun) \(keys)"
        default:
            return "cannot be parsed: \(error)"
        }
    }
}
