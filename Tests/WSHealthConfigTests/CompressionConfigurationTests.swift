import Testing
import WSHealthConfig

/// `compression:` as a word or as a mapping, and its default: Chromium's offer.
struct CompressionConfigurationTests {
    static func target(_ compression: String) throws -> TargetConfiguration {
        let yaml = "targets: [{name: a, url: ws://h/x\(compression.isEmpty ? "" : ", compression: \(compression)")}]"
        return try #require(try AgentConfiguration.parse(yaml: yaml, environment: [:]).targets.first)
    }

    @Test func defaultIsDeflateAsABrowserOffersIt() throws {
        #expect(try Self.target("").compression == CompressionConfiguration())
        #expect(CompressionConfiguration().method == .deflate)
        #expect(CompressionConfiguration().serverMaxWindowBits == nil)
        #expect(!CompressionConfiguration().serverNoContextTakeover)
    }

    @Test func wordsAndMappings() throws {
        #expect(try Self.target("none").compression.method == .none)
        #expect(try Self.target("deflate").compression.method == .deflate)
        let small = try Self.target("{server_max_window_bits: 10, server_no_context_takeover: true}").compression
        #expect(
            small == CompressionConfiguration(method: .deflate, serverMaxWindowBits: 10, serverNoContextTakeover: true)
        )
    }
}
