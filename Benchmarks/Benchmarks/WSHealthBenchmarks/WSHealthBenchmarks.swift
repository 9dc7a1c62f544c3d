import Benchmark
import Foundation
import WSConnectionStateMachine
@_spi(Benchmarks) import WSHealthAgent

/// The agent's micro figures (issue 5): state machine events per second, `/metrics` rendering at
/// 100 targets × 100 sessions, JSON validation, and what one message costs a session.
///
/// `swift package benchmark` in `Benchmarks/` runs them; `BENCHMARK_QUICK=1` runs each for a
/// moment at its smallest size, as CI does to keep them working (it asserts nothing about time).
let benchmarks: @Sendable () -> Void = {
    let quick = ProcessInfo.processInfo.environment["BENCHMARK_QUICK"] != nil
    Benchmark.defaultConfiguration = .init(
        metrics: [.wallClock, .cpuTotal, .throughput, .mallocCountTotal],
        warmupIterations: quick ? 1 : 10,
        maxDuration: .seconds(quick ? 1 : 5),
        maxIterations: quick ? 10 : 1_000_000
    )
    let targets = quick ? 2 : 100
    let sessions = quick ? 2 : 100

    stateMachineBenchmarks()

    // One scrape's work, without the socket: the figure under `scripts/bench-metrics.sh`. Scrapes
    // back to back find nothing moved; a scrape every few seconds finds a message in every target.
    let metrics = MetricsBenchmark(targets: targets, sessions: sessions)
    for openMetrics in [false, true] {
        for moved in [false, true] {
            let format = openMetrics ? "OpenMetrics" : "text"
            let name = "/metrics render \(targets)×\(sessions) (\(format)\(moved ? ", a message in every target" : ""))"
            Benchmark(name, configuration: .init(metrics: [.wallClock, .cpuTotal, .throughput, .mallocCountTotal])) {
                benchmark in
                for _ in benchmark.scaledIterations {
                    if moved { metrics.recordMessageInEveryTarget() }
                    blackHole(metrics.render(openMetrics: openMetrics))
                }
            }
        }
    }

    // The reference backend's message, and a 64 KiB one: messages validated per second.
    let sample = Array(MessageSamples.reference.utf8)
    let large = Array(MessageSamples.large.utf8)
    Benchmark("JSON validation, \(sample.count) B message", configuration: .init(scalingFactor: .kilo)) { benchmark in
        for _ in benchmark.scaledIterations {
            blackHole(JSONValidation.isValid(sample))
        }
    }
    Benchmark("JSON validation, \(large.count / 1024) KiB message") { benchmark in
        for _ in benchmark.scaledIterations {
            blackHole(JSONValidation.isValid(large))
        }
    }

    // UTF-8, which every text message gets before JSON: the same two messages, and no allocation.
    let utf8 = Benchmark.Configuration(metrics: [.wallClock, .throughput, .mallocCountTotal], scalingFactor: .kilo)
    Benchmark("UTF-8 validation, \(sample.count) B message", configuration: utf8) { benchmark in
        for _ in benchmark.scaledIterations {
            blackHole(UTF8Validation.isValid(sample))
        }
    }
    Benchmark("UTF-8 validation, \(large.count / 1024) KiB message", configuration: utf8) { benchmark in
        for _ in benchmark.scaledIterations {
            blackHole(UTF8Validation.isValid(large))
        }
    }

    // A compressed reference message with context takeover: the session's 32 KiB window handed
    // to the loop's shared zlib state, the message inflated, its bytes added to the window.
    Benchmark("Inflation, \(sample.count) B message, full window", configuration: utf8) { benchmark in
        let inflation = InflationBenchmark(message: MessageSamples.reference)
        benchmark.startMeasurement()
        for _ in benchmark.scaledIterations {
            blackHole(try inflation.inflate())
        }
    }

    // Per message: time and allocations, a thousand messages an iteration.
    let messagePath = Benchmark.Configuration(
        metrics: [.wallClock, .cpuTotal, .throughput, .mallocCountTotal, .mallocCountSmall],
        scalingFactor: .kilo
    )

    // A session receiving the reference message: validation, metrics, state machine, timer.
    Benchmark(
        "Session message path (mallocs per message)",
        configuration: messagePath
    ) { (benchmark: Benchmark, session: MessageBenchmark) in
        for _ in benchmark.scaledIterations {
            session.receive()
        }
    } setup: {
        let session = try MessageBenchmark(message: MessageSamples.reference)
        precondition(session.state == "receiving_data", "the session is \(session.state)")
        return session
    }

    // The same, from the bytes of one read: the session's channel handler reads the frame first.
    Benchmark(
        "Session message path from a frame's bytes (mallocs per message)",
        configuration: messagePath
    ) { (benchmark: Benchmark, session: MessageBenchmark) in
        for _ in benchmark.scaledIterations {
            try session.receiveFrame()
        }
    } setup: {
        let session = try MessageBenchmark(message: MessageSamples.reference)
        try session.receiveFrame()
        precondition(session.state == "receiving_data", "the session is \(session.state)")
        return session
    }
}

/// Messages as the backend sends them.
enum MessageSamples {
    /// The reference backend's message (`MetricsSample.json`).
    static let reference =
        #"{"timestamp":"2026-11-26T16:51:09Z","cpu_percent":12.5,"memory_percent":43.1,"#
        + #""active_connections":3,"requests_per_second":120.0}"#

    /// 64 KiB of nested objects, arrays, strings with escapes and numbers.
    static let large: String = {
        var text = "["
        while text.utf8.count < 64 * 1024 {
            if text.count > 1 { text += "," }
            text += #"{"name":"cpu \"core\" 1","values":[1.5e3,-2,0.25,true,null],"nested":{"ok":false}}"#
        }
        return text + "]"
    }()
}
