import Foundation
import Testing

@testable import WSHealthAgent

/// The agent's own series and the process metrics: no sockets.
struct AgentMetricsTests {
    /// A new registry carries the build and a good first load.
    @Test func startUp() throws {
        let before = Date().timeIntervalSince1970
        let metrics = MetricText(MetricsRegistry().exposition())
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
        let registry = MetricsRegistry()
        let timestamp = {
            MetricText(registry.exposition()).value("wshealth_config_last_reload_success_timestamp_seconds", [:])
        }
        let successful = { MetricText(registry.exposition()).value("wshealth_config_last_reload_successful", [:]) }
        let started = try #require(timestamp())
        registry.agent.recordReload(success: false)
        #expect(successful() == 0)
        #expect(timestamp() == started)
        registry.agent.recordReload(success: true)
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

    /// The CPU time (`getrusage`) agrees with `/proc/self/stat`'s, which counts whole clock
    /// ticks, and the memory sizes (`statm`) with its `vsize` and `rss`.
    @Test func processMetricsAgreeWithProcSelfStat() throws {
        func stat() throws -> (cpu: Double, virtual: Double, residentPages: Double) {
            let text = try String(contentsOfFile: "/proc/self/stat", encoding: .utf8)
            let fields = try #require(text.split(separator: ")").last).split(separator: " ")
            let ticks = Double(sysconf(Int32(_SC_CLK_TCK)))
            let cpu = try (#require(Double(fields[11])) + #require(Double(fields[12]))) / ticks
            return try (cpu, #require(Double(fields[20])), #require(Double(fields[21])))
        }
        let before = try stat()
        let metrics = try #require(ProcessMetrics.current())
        let after = try stat()
        // `stat` truncates user and system time to whole ticks each: up to two ticks below.
        let tick = 1 / Double(sysconf(Int32(_SC_CLK_TCK)))
        #expect(metrics.cpuSeconds >= before.cpu && metrics.cpuSeconds <= after.cpu + 2 * tick)
        // Sizes move with allocations between the reads; a few MiB apart at most.
        #expect(abs(metrics.virtualMemoryBytes - before.virtual) < 64 * 1_048_576)
        let pageSize = Double(sysconf(Int32(_SC_PAGESIZE)))
        #expect(abs(metrics.residentMemoryBytes - before.residentPages * pageSize) < 16 * 1_048_576)
    }

    /// `statm`'s first two fields, and nothing from text that is not two numbers.
    @Test(
        arguments: [
            ("123 45 6 7 0 89 0\n", 123, 45),
            ("7 3", 7, 3),
            ("x 3 1", nil, nil),
            ("12", nil, nil),
            ("12 -3 1", nil, nil),
            ("99999999999999999999 1 1", nil, nil),
            ("", nil, nil),
        ] as [(String, Int?, Int?)]
    )
    func statmPages(text: String, size: Int?, resident: Int?) {
        let pages = Array(text.utf8).withUnsafeBufferPointer { ProcessMetrics.statmPages($0) }
        #expect(pages?.size == size)
        #expect(pages?.resident == resident)
    }
    #endif
}
