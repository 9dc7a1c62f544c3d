/// One metrics message, as the spec's backend broadcasts it.
///
/// `{"timestamp":"2026-11-26T16:51:09Z","cpu_percent":12.5,"memory_percent":43.1,"active_connections":3,
/// "requests_per_second":120.0}`
struct MetricsSample: Hashable {
    /// UTC time of the sample, ISO 8601 with second precision.
    var timestamp: String
    /// CPU use, 0–100, one decimal.
    var cpuPercent: Double
    /// Memory use, 0–100, one decimal.
    var memoryPercent: Double
    /// WebSocket clients connected when the sample was taken.
    var activeConnections: Int
    /// Requests per second, one decimal.
    var requestsPerSecond: Double

    /// A plausible sample drawn from `generator`.
    static func random(
        using generator: inout some RandomNumberGenerator,
        activeConnections: Int,
        timestamp: String
    ) -> MetricsSample {
        MetricsSample(
            timestamp: timestamp,
            cpuPercent: Self.oneDecimal(Double.random(in: 5...95, using: &generator)),
            memoryPercent: Self.oneDecimal(Double.random(in: 30...80, using: &generator)),
            activeConnections: activeConnections,
            requestsPerSecond: Self.oneDecimal(Double.random(in: 50...500, using: &generator))
        )
    }

    /// The JSON text of the message; numbers in plain decimal notation, keys in the spec's order.
    var json: String {
        "{\"timestamp\":\"\(self.timestamp)\",\"cpu_percent\":\(self.cpuPercent),"
            + "\"memory_percent\":\(self.memoryPercent),\"active_connections\":\(self.activeConnections),"
            + "\"requests_per_second\":\(self.requestsPerSecond)}"
    }

    private static func oneDecimal(_ value: Double) -> Double {
        (value * 10).rounded() / 10
    }
}

/// A small, fast, seedable generator (SplitMix64), so samples need no system entropy.
struct SplitMix64: RandomNumberGenerator {
    private var state: UInt64

    init(seed: UInt64) {
        self.state = seed
    }

    mutating func next() -> UInt64 {
        self.state &+= 0x9E37_79B9_7F4A_7C15
        var z = self.state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
