/// The standard `process_*` metrics of the Prometheus client libraries, with their names,
/// types and help texts: read from the kernel at scrape time, so they cost nothing between
/// scrapes and are never stale.
struct ProcessMetrics {
    /// User and system CPU time, in seconds.
    var cpuSeconds: Double
    /// Resident set size, in bytes.
    var residentMemoryBytes: Double
    /// Virtual memory size, in bytes.
    var virtualMemoryBytes: Double
    /// Open file descriptors.
    var openFileDescriptors: Double
    /// The soft limit on open file descriptors.
    var maxFileDescriptors: Double
    /// When the process started, in seconds since the Unix epoch.
    var startTimeSeconds: Double

    /// Appends the six families in the Prometheus text format.
    func emit(into buffer: inout [UInt8]) {
        let families: [(String, String, String, Double)] = [
            (
                "process_cpu_seconds_total", "counter", "Total user and system CPU time spent in seconds.",
                self.cpuSeconds
            ),
            ("process_resident_memory_bytes", "gauge", "Resident memory size in bytes.", self.residentMemoryBytes),
            ("process_virtual_memory_bytes", "gauge", "Virtual memory size in bytes.", self.virtualMemoryBytes),
            ("process_open_fds", "gauge", "Number of open file descriptors.", self.openFileDescriptors),
            ("process_max_fds", "gauge", "Maximum number of open file descriptors.", self.maxFileDescriptors),
            (
                "process_start_time_seconds", "gauge", "Start time of the process since unix epoch in seconds.",
                self.startTimeSeconds
            ),
        ]
        for (name, type, help, value) in families {
            buffer.append(contentsOf: "# HELP \(name) \(help)\n# TYPE \(name) \(type)\n".utf8)
            buffer.append(contentsOf: "\(name) \(Self.format(value))\n".utf8)
        }
    }

    /// Whole numbers without a decimal point (byte and descriptor counts), others as Swift
    /// prints a `Double` (`0.25`, `1764000000.12`).
    static func format(_ value: Double) -> String {
        if value.rounded() == value, abs(value) < 9_007_199_254_740_992 { return String(Int64(value)) }
        return value.description
    }
}
