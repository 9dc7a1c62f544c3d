import Foundation
internal import Yams

/// Reading a YAML configuration document: the file, its syntax, its root node. Shared by the
/// agent's configuration and the web configuration.
enum ConfigDocument {
    /// The contents of the file at `path` as UTF-8 text, or an error naming the path.
    static func readFile(atPath path: String) throws(ConfigurationError) -> String {
        let files = FileManager.default
        guard let data = files.contents(atPath: path) else {
            var isDirectory: ObjCBool = false
            let message =
                if !files.fileExists(atPath: path, isDirectory: &isDirectory) {
                    "cannot read config file: no such file"
                } else if isDirectory.boolValue {
                    "cannot read config file: is a directory"
                } else {
                    "cannot read config file: permission denied"
                }
            throw ConfigurationError(path: path, message: message)
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw ConfigurationError(path: path, message: "cannot read config file: not valid UTF-8")
        }
        return text
    }

    /// The document's root node: a syntax error throws; an empty document is an empty mapping,
    /// so every required key is then reported as missing.
    static func root(yaml: String, decoder: ConfigDecoder) throws(ConfigurationError) -> ConfigNode {
        let root: Node?
        do {
            // The basic resolver: plain scalars are typed by PlainScalarResolution, without ICU.
            root = try Yams.compose(yaml: yaml, .basic)?.resolvingPlainScalars()
        } catch let error as YamlError {
            throw ConfigurationError(path: "yaml", message: Self.syntaxMessage(error))
        } catch {
            throw ConfigurationError(path: "yaml", message: "cannot be parsed")
        }
        return ConfigNode(root ?? Node([(Node, Node)]()), path: "", decoder: decoder)
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
