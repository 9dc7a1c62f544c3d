#if os(Linux)
// `struct stat` comes to Swift through CoreFoundation's module map, which Foundation loads anyway.
import CoreFoundation
import Glibc

extension ProcessMetrics {
    /// Reads the metrics of this process (the values the Go client reads from `procfs`), or nil
    /// when `/proc` cannot be read. At every scrape: `getrusage`, `getrlimit`, and one read of
    /// `/proc/self/statm` and one `fstat` of `/proc/self/fd`, both open for the life of the
    /// process (no path lookup); the start time is read once.
    static func current() -> ProcessMetrics? {
        var usage = rusage()
        guard let pages = Self.memoryPages(), let startTime = Self.startTimeSeconds,
            getrusage(__rusage_who_t(RUSAGE_SELF.rawValue), &usage) == 0
        else { return nil }
        let maxFileDescriptors = Self.descriptorLimit().map(Double.init) ?? 0
        let pageSize = Double(sysconf(Int32(_SC_PAGESIZE)))
        return ProcessMetrics(
            cpuSeconds: Self.seconds(usage.ru_utime) + Self.seconds(usage.ru_stime),
            residentMemoryBytes: Double(pages.resident) * pageSize,
            virtualMemoryBytes: Double(pages.size) * pageSize,
            openFileDescriptors: Double(Self.openFileDescriptorCount()),
            maxFileDescriptors: maxFileDescriptors,
            startTimeSeconds: startTime
        )
    }

    /// The soft `RLIMIT_NOFILE` (`Int.max` when unlimited), or nil when it cannot be read.
    @Sendable static func descriptorLimit() -> Int? {
        Self.descriptorLimits().map { Self.count($0.rlim_cur) }
    }

    /// Raises the soft `RLIMIT_NOFILE` to the hard limit, as Go's runtime does for every
    /// exporter written in Go: every session is a socket, and the soft limit a shell or a unit
    /// gives by default (1024) is far below what the agent may need, while the hard limit is what
    /// the operator allows. Returns the soft limit before and after, when it was raised.
    static func raiseDescriptorLimit() -> (from: Int, to: Int)? {
        guard var limit = Self.descriptorLimits(), limit.rlim_cur < limit.rlim_max else { return nil }
        let from = Self.count(limit.rlim_cur)
        limit.rlim_cur = limit.rlim_max
        guard setrlimit(__rlimit_resource_t(RLIMIT_NOFILE.rawValue), &limit) == 0 else { return nil }
        return (from, Self.count(limit.rlim_max))
    }

    /// The soft and hard `RLIMIT_NOFILE`.
    private static func descriptorLimits() -> rlimit? {
        var limit = rlimit()
        return getrlimit(__rlimit_resource_t(RLIMIT_NOFILE.rawValue), &limit) == 0 ? limit : nil
    }

    /// A limit as a count, `Int.max` for unlimited.
    private static func count(_ limit: rlim_t) -> Int {
        limit == rlim_t.max ? .max : Int(clamping: limit)
    }

    private static func seconds(_ time: timeval) -> Double {
        Double(time.tv_sec) + Double(time.tv_usec) / 1_000_000
    }

    /// `/proc/self/statm`, open for the life of the process: a scrape reads it with `pread`,
    /// without looking the path up again (concurrent scrapes share no file offset).
    private static let statmDescriptor = open("/proc/self/statm", O_RDONLY | O_CLOEXEC)

    /// The virtual and resident sizes in pages, from `/proc/self/statm`.
    private static func memoryPages() -> (size: Int, resident: Int)? {
        guard Self.statmDescriptor >= 0 else { return nil }
        return withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 128) { buffer in
            var count: Int
            repeat {
                count = pread(Self.statmDescriptor, buffer.baseAddress, buffer.count, 0)
            } while count < 0 && errno == EINTR
            guard count > 0 else { return nil }
            return Self.statmPages(UnsafeBufferPointer(rebasing: buffer[..<count]))
        }
    }

    /// The first two fields of `statm` (`size resident shared …`), or nil when they are not
    /// two decimal numbers.
    static func statmPages(_ statm: UnsafeBufferPointer<UInt8>) -> (size: Int, resident: Int)? {
        var index = 0
        guard let size = Self.field(of: statm, at: &index), let resident = Self.field(of: statm, at: &index) else {
            return nil
        }
        return (size, resident)
    }

    /// The decimal number at `index`, ended by a space or the end; `index` moves past the space.
    private static func field(of text: UnsafeBufferPointer<UInt8>, at index: inout Int) -> Int? {
        let start = index
        var value = 0
        while index < text.count, text[index] >= UInt8(ascii: "0"), text[index] <= UInt8(ascii: "9") {
            let (shifted, overflow) = value.multipliedReportingOverflow(by: 10)
            let (sum, carry) = shifted.addingReportingOverflow(Int(text[index] - UInt8(ascii: "0")))
            guard !overflow, !carry else { return nil }
            value = sum
            index += 1
        }
        guard index > start, index == text.count || text[index] == UInt8(ascii: " ") else { return nil }
        index += 1
        return value
    }

    /// When the process started, in seconds since the Unix epoch: boot time plus field 22 of
    /// `/proc/self/stat`. Constant, so read once.
    private static let startTimeSeconds: Double? = {
        guard let stat = readFile("/proc/self/stat"), let fields = statFields(stat), fields.count > 19,
            let startTicks = Double(fields[19]), let bootTime = Self.bootTime
        else { return nil }
        return bootTime + startTicks / Double(sysconf(Int32(_SC_CLK_TCK)))
    }()

    /// The fields of `/proc/self/stat` after the parenthesised command name (which may hold
    /// spaces): index 0 is field 3 of proc(5), `state`.
    private static func statFields(_ stat: [UInt8]) -> [Substring]? {
        guard let close = stat.lastIndex(of: UInt8(ascii: ")")) else { return nil }
        return String(decoding: stat[(close + 1)...], as: UTF8.self).split(separator: " ")
    }

    /// The boot time from `/proc/stat`: constant, so read once.
    private static let bootTime: Double? = {
        guard let stat = readFile("/proc/stat") else { return nil }
        let line = String(decoding: stat, as: UTF8.self).split(separator: "\n").first { $0.hasPrefix("btime ") }
        return line.flatMap { Double($0.dropFirst("btime ".count)) }
    }()

    /// `/proc/self/fd`, open for the life of the process (and counted among its descriptors):
    /// `fstat` on it counts the descriptors at each call, without looking the path up.
    private static let descriptorDirectory = open("/proc/self/fd", O_RDONLY | O_DIRECTORY | O_CLOEXEC)

    /// The open descriptors: the size Linux 6.2 and later report for `/proc/self/fd`, read with
    /// one `fstat`; before 6.2 (size 0), its entries, the descriptor reading it included, as the
    /// Go client counts them (`procfs`' `FileDescriptorsLen` does the same). Listing the
    /// directory costs the kernel about 1.3 µs a descriptor here: 13 ms at 10,000 sessions.
    static func openFileDescriptorCount() -> Int {
        var status = stat()
        if Self.descriptorDirectory >= 0, fstat(Self.descriptorDirectory, &status) == 0, status.st_size > 0 {
            return Int(status.st_size)
        }
        guard let directory = opendir("/proc/self/fd") else { return 0 }
        defer { closedir(directory) }
        var count = 0
        while let entry = readdir(directory) {
            let isDots = withUnsafeBytes(of: entry.pointee.d_name) { name in
                name[0] == UInt8(ascii: ".") && (name[1] == 0 || (name[1] == UInt8(ascii: ".") && name[2] == 0))
            }
            if !isDots { count += 1 }
        }
        return count
    }

    /// The whole of a small file; `/proc` files report a size of 0, so read until the end.
    private static func readFile(_ path: String) -> [UInt8]? {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { return nil }
        defer { close(descriptor) }
        var contents: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 4096)
        while true {
            let count = chunk.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
            if count < 0 && errno == EINTR { continue }
            guard count >= 0 else { return nil }
            if count == 0 { return contents }
            contents.append(contentsOf: chunk[..<count])
        }
    }
}
#else
extension ProcessMetrics {
    /// `/proc` exists on Linux only; elsewhere the `process_*` families are left out.
    static func current() -> ProcessMetrics? { nil }

    /// Unknown without `/proc`.
    static func openFileDescriptorCount() -> Int { 0 }

    /// Unknown here: no limit of the agent's own.
    @Sendable static func descriptorLimit() -> Int? { nil }

    /// Left as it is.
    static func raiseDescriptorLimit() -> (from: Int, to: Int)? { nil }
}
#endif
