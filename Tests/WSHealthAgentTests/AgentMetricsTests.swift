import Foundation
import Prometheus
import Testing

@testable import WSHealthAgent

/// The agent's own series and the process metrics: no sockets.
struct AgentMetricsTests {
    /// A new registry carries the build and a good first load.
    @Test func startUp() throws {
        let before = Date().timeIntervalSince1970
        let metrics = MetricText(AgentMetrics.makeRegistry().emitToString())
        let build = [
            "version": WSHealthVersion.version, "revision": "unknown", "swift_version": BuildInfo.swiftVersion,
        ]
        #expect(metrics.value("wshealth_build_info", build) == 1)
        #expect(BuildInfo.swiftVersion.wholeMatch(of: #/[0-9]+\.[0-9]+\+?/#) != nil)
        #expect(metrics.value("wshealth_config_last_reload_successful", [:]) == 1)
        let loaded = try #require(metrics.value("wshealth_config_last_reload_success_timestamp_seconds", [:]))
        #expect(loaded >= before && loaded <= Date().timeIntervalSince1970)
    }

    /// A failed reload clears the success flag and keeps the time of the last good load; the
    /// next good one sets both.
    @Test func reloads() throws {
        let registry = AgentMetrics.makeRegistry()
        let timestamp = {
            MetricText(registry.emitToString()).value("wshealth_config_last_reload_success_timestamp_seconds", [:])
        }
        let successful = { MetricText(registry.emitToString()).value("wshealth_config_last_reload_successful", [:]) }
        let started = try #require(timestamp())
        AgentMetrics.recordReload(success: false, in: registry)
        #expect(successful() == 0)
        #expect(timestamp() == started)
        AgentMetrics.recordReload(success: true, in: registry)
        #expect(successful() == 1)
        #expect(try #require(timestamp()) >= started)
    }

    #if os(Linux)
    /// `/proc/self` read as the client libraries read it: values a live process has.
    @Test func processMetrics() throws {
        let metrics = try #require(ProcessMetrics.current())
        let now = Date().timeIntervalSince1970
        #expect(metrics.cpuSeconds > 0)
        #expect(metrics.residentMemoryBytes > 1_000_000)
        #expect(metrics.virtualMemoryBytes >= metrics.residentMemoryBytes)
        #expect(metrics.openFileDescriptors >= 3)
        #expect(metrics.maxFileDescriptors >= metrics.openFileDescriptors)
        // This test process started during this test run.
        #expect(metrics.startTimeSeconds <= now && metrics.startTimeSeconds > now - 3600)
        let opened = try FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd").count
        #expect(abs(metrics.openFileDescriptors - Double(opened)) < 10)
    }
    #endif
}
