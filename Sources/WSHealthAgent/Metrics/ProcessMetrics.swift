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

    /// The six families, in the order of ``values``.
    static let families = [
        MetricFamily(
            name: "process_cpu_seconds_total",
            kind: .counter,
            help: "Total user and system CPU time spent in seconds."
        ),
        MetricFamily(name: "process_resident_memory_bytes", kind: .gauge, help: "Resident memory size in bytes."),
        MetricFamily(name: "process_virtual_memory_bytes", kind: .gauge, help: "Virtual memory size in bytes."),
        MetricFamily(name: "process_open_fds", kind: .gauge, help: "Number of open file descriptors."),
        MetricFamily(name: "process_max_fds", kind: .gauge, help: "Maximum number of open file descriptors."),
        MetricFamily(
            name: "process_start_time_seconds",
            kind: .gauge,
            help: "Start time of the process since unix epoch in seconds."
        ),
    ]

    /// The families' sample names, each with the space before its value.
    private static let prefixes = Self.families.map { Array(($0.name + " ").utf8) }

    /// The most bytes the sample lines take (the metadata is counted with the other headers).
    static let maximumSize = Self.prefixes.reduce(0) { $0 + $1.count + ExpositionBuffer.maximumValueSize + 1 }

    /// The values, in the order of ``families``.
    var values: [Double] {
        [
            self.cpuSeconds, self.residentMemoryBytes, self.virtualMemoryBytes, self.openFileDescriptors,
            self.maxFileDescriptors, self.startTimeSeconds,
        ]
    }

    /// Writes the six families: each one's metadata from `headers`, then its sample.
    func render(headers: [[UInt8]], into buffer: inout ExpositionBuffer) {
        for (index, value) in self.values.enumerated() {
            buffer.append(headers[index])
            buffer.append(Self.prefixes[index])
            buffer.appendDouble(value)
            buffer.append(UInt8(ascii: "\n"))
        }
    }
}
