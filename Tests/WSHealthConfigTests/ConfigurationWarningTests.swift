import Testing
import WSHealthConfig

/// Valid settings that hide a fault are warned about; the defaults never are.
struct ConfigurationWarningTests {
    /// By default a ping follows `stale_after` of silence, whatever the interval: a stall shows
    /// as stale data before the ping can declare the path dead.
    @Test(arguments: ["5s", "30s", "500ms"])
    func pingDefaultsFollowStaleAfter(interval: String) throws {
        let configuration = try AgentConfiguration.parse(
            yaml: "targets: [{name: a, url: ws://h/x, expect: {interval: \(interval)}}]",
            environment: [:]
        )
        let target = try #require(configuration.targets.first)
        #expect(target.ping.interval == target.expect.staleAfter)
        #expect(configuration.warnings.isEmpty)
    }

    /// A ping that declares a silent path dead no later than its data goes stale makes stale
    /// data unobservable under a stall: a warning at the target's `ping`, with the numbers.
    @Test(arguments: [
        ("ping: {interval: 10s, timeout: 5s}", "15s", "15s"),
        ("ping: {interval: 5s, timeout: 2s}", "7s", "15s"),
        ("expect: {interval: 30s}, ping: {interval: 10s}", "15s", "1m30s"),
    ])
    func deadBeforeStaleIsAWarning(settings: String, dead: String, staleAfter: String) throws {
        let configuration = try AgentConfiguration.parse(
            yaml: "targets: [{name: a, url: ws://h/x}, {name: b, url: ws://h/y, \(settings)}]",
            environment: [:]
        )
        #expect(
            configuration.warnings.map(\.description) == [
                "targets[1].ping: a silent connection is declared dead after \(dead) (interval + timeout), "
                    + "no later than its data goes stale (expect.stale_after \(staleAfter)): a stalled backend "
                    + "would show as reconnects, never as stale data; make interval + timeout longer than "
                    + "expect.stale_after"
            ]
        )
    }

    /// Without pings, or with a ping that outlasts `stale_after`, nothing is hidden.
    @Test(arguments: ["ping: {interval: 0s}", "ping: {interval: 10s, timeout: 6s}"])
    func noWarningWhenStaleComesFirst(settings: String) throws {
        let configuration = try AgentConfiguration.parse(
            yaml: "targets: [{name: a, url: ws://h/x, \(settings)}]",
            environment: [:]
        )
        #expect(configuration.warnings.isEmpty)
    }
}
