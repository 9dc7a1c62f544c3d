import Testing
import Yams

@testable import WSHealthConfig

/// Typing plain scalars without regular expressions: the same type as Yams' default resolver
/// (its seven regular expressions) for every string that could be a number, bool or null.
@Suite struct PlainScalarResolutionTests {
    /// Every string of up to 4 characters over the alphabet YAML 1.1's number rules are made
    /// of, longer numbers, and the words of the other rules.
    @Test func agreesWithYamsDefaultResolver() {
        let alphabet = Array("0159_-+.eE:xo")
        var inputs: [String] = [""]
        var previous = [""]
        for _ in 1...4 {
            previous = previous.flatMap { prefix in alphabet.map { prefix + String($0) } }
            inputs += previous
        }
        inputs += [
            "yes", "Yes", "YES", "yEs", "no", "NO", "true", "True", "TRUE", "tRUE", "false", "on", "On", "OFF", "off",
            "y", "n", "~", "null", "Null", "NULL", "nULL", "<<", "<", "=", ".inf", "-.inf", "+.Inf", ".INF", ".nan",
            "-.nan", ".NaN", "1:30", "1:30.5", "190:20:30", "-1:60", "0x1F", "0o17", "017", "0b101", "1_000", "1e3",
            "1.5e-3", ".5", ".5e+3", ".5e3", "2001-12-14", "2001-12-14t21:59:43.10-05:00", "ws://x:1/", "5s", "30m",
            "１２", "1.2.3", "0.", "-0", "+", "-", "_", "__1", "0b", "0b2", "-0b1_0", "0xfF_a", "0xg", "0o8", "09", "0_9",
            "12:34:56.78", "1:2:3", "1:60", "1:5_", "123_456.789_e+10", "1e", "1e+", "-.5", ".5e", ".5E-1_",
        ]
        let mismatches = inputs.compactMap { text -> String? in
            let expected = Resolver.default.resolveTag(of: Node(text))
            let resolved = PlainScalarResolution.tag(of: text)
            // Timestamps and `=` are strings to the configuration: nothing in it takes either.
            let comparable = expected == .timestamp || expected == .value ? Tag.Name.str : expected
            return resolved == comparable
                ? nil : "\(text.debugDescription): \(resolved.rawValue), Yams \(expected.rawValue)"
        }
        #expect(mismatches.isEmpty, "\(mismatches.count) of \(inputs.count): \(mismatches.prefix(20))")
    }

    /// In a document, plain scalars get their type: quoted numbers stay strings, an explicit
    /// tag is kept, `~` and an empty value are null, all the way down lists and mappings.
    @Test func documentNodesAreTypedByStyleAndTag() throws {
        let yaml = "a: 1\nb: '1'\nc: !!int '2'\nd: ~\ne:\nf: on\ng: <<\nh: [2.5, {i: no}]\n"
        let root = try #require(try Yams.compose(yaml: yaml, .basic)?.resolvingPlainScalars())
        let mapping = try #require(root.mapping)
        let tags = Dictionary(uniqueKeysWithValues: mapping.map { ($0.key.string ?? "?", $0.value.tag.rawValue) })
        #expect(tags["a"] == Tag.Name.int.rawValue)
        #expect(tags["b"] == Tag.Name.str.rawValue)
        #expect(tags["d"] == Tag.Name.null.rawValue)
        #expect(tags["e"] == Tag.Name.null.rawValue)
        #expect(tags["f"] == Tag.Name.bool.rawValue)
        #expect(tags["g"] == Tag.Name.merge.rawValue)
        #expect(tags["c"] == Tag.Name.int.rawValue)
        // Lists and nested mappings are resolved too, and Yams' constructors read the result.
        let list = try #require(mapping["h"]?.sequence)
        #expect(list.first?.float == 2.5)
        #expect(list.last?.mapping?["i"]?.bool == false)
    }
}
