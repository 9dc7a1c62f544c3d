import Testing
import WSHealthConfig

/// Bad configurations against the exact messages they produce.
struct ConfigurationErrorTests {
    /// Each bad configuration is rejected with exactly its messages, in order.
    @Test(arguments: BadConfiguration.all)
    func rejects(_ row: BadConfiguration) {
        let error = #expect(throws: ConfigurationError.self) {
            try AgentConfiguration.parse(yaml: row.yaml, environment: BadConfiguration.environment)
        }
        #expect(error?.messages == row.messages)
    }

    /// No message ever contains a secret, whatever is wrong around it.
    @Test(arguments: BadConfiguration.all)
    func neverShowsSecrets(_ row: BadConfiguration) {
        let error = #expect(throws: ConfigurationError.self) {
            try AgentConfiguration.parse(yaml: row.yaml, environment: BadConfiguration.environment)
        }
        #expect(!(error?.description.contains("s3cret") ?? true))
    }

    /// A YAML syntax error on the line of a secret reports where, never the line itself.
    @Test func syntaxErrorsDoNotQuoteTheDocument() {
        let yaml = BadConfiguration.target(#"token: {value: "s3cret}"#)
        let error = #expect(throws: ConfigurationError.self) {
            try AgentConfiguration.parse(yaml: yaml, environment: BadConfiguration.environment)
        }
        #expect(error?.messages.count == 1)
        #expect(error?.messages.first?.hasPrefix("yaml: line 1, column ") == true)
        #expect(!(error?.description.contains("s3cret") ?? true))
    }
}
