import Yams

@testable import WSHealthConfig

/// The configuration decoders: any document (the input as UTF-8, invalid bytes replaced as a
/// file read as text would not be, so every `String` can be reached) gives a valid
/// configuration or a ``ConfigurationError`` naming at least one problem, each with a
/// message; never a crash, and never a hang (libFuzzer's `-timeout` catches one). The agent's
/// configuration and the web configuration (`--web.config.file`) read the same input.
///
/// And the typing of plain scalars, which replaces Yams' regular expressions: for every plain
/// scalar of the document, ``PlainScalarResolution`` gives the tag Yams' default resolver gives
/// (timestamps and `=` aside, as in its unit test: the configuration reads neither). Only the
/// document's scalars: libyaml never lets a plain scalar end in a character that ICU's `$`
/// also matches before (form feed, NEL, U+2028, U+2029), where the regular expressions would
/// type `"\u{0C}"` as null.
@_cdecl("LLVMFuzzerTestOneInput")
func fuzzConfig(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
    let yaml = String(decoding: UnsafeBufferPointer(start: data, count: size), as: UTF8.self)
    do {
        let configuration = try AgentConfiguration.parse(yaml: yaml, environment: [:])
        precondition(!configuration.targets.isEmpty, "a configuration without targets")
        let names = configuration.targets.map(\.name)
        precondition(Set(names).count == names.count, "target names repeated: \(names)")
        _ = configuration.warnings
    } catch {
        check(error)
    }
    do {
        _ = try WebConfiguration.parse(yaml: yaml)
    } catch {
        check(error)
    }
    for scalar in plainScalars(of: yaml) {
        compareTags(scalar)
    }
    return 0
}

/// An error says what is wrong.
func check(_ error: ConfigurationError) {
    precondition(!error.problems.isEmpty, "an error without problems")
    for problem in error.problems {
        precondition(!problem.message.isEmpty, "a problem without a message at \(problem.path.debugDescription)")
    }
    precondition(!error.description.isEmpty)
}

/// The document's plain scalars, as the decoder composes it (Yams' basic resolver); at most
/// `limit` nodes are visited, so that aliases repeated within aliases cannot hold the target.
func plainScalars(of yaml: String, limit: Int = 4096) -> [String] {
    guard let root = try? Yams.compose(yaml: yaml, .basic) else { return [] }
    var scalars: [String] = []
    var pending = [root]
    var visited = 0
    while let node = pending.popLast(), visited < limit {
        visited += 1
        switch node {
        case .scalar(let scalar):
            if scalar.style == .plain { scalars.append(scalar.string) }
        case .mapping(let mapping):
            for (key, value) in mapping { pending += [key, value] }
        case .sequence(let sequence):
            pending += sequence
        case .alias:
            break
        }
    }
    return scalars
}

func compareTags(_ text: String) {
    let expected = Resolver.default.resolveTag(of: Node(text))
    let comparable = expected == .timestamp || expected == .value ? Tag.Name.str : expected
    let resolved = PlainScalarResolution.tag(of: text)
    precondition(
        resolved == comparable,
        "\(text.debugDescription): \(resolved.rawValue), Yams \(expected.rawValue)"
    )
}
