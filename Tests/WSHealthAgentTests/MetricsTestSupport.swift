import Foundation
import Testing

#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// What Prometheus 2.x sends in `Accept` when it scrapes.
let prometheusAcceptHeader =
    "application/openmetrics-text;version=1.0.0,application/openmetrics-text;version=0.0.1;q=0.75,"
    + "text/plain;version=0.0.4;q=0.5,*/*;q=0.1"

/// `GET url` with an optional `Accept` header: the status, `Content-Type` and body.
func httpGet(_ url: String, accept: String? = nil) async throws -> (status: Int, contentType: String, body: String) {
    var request = URLRequest(url: URL(string: url)!)
    request.timeoutInterval = 10
    if let accept { request.setValue(accept, forHTTPHeaderField: "Accept") }
    let (data, response) = try await URLSession.shared.data(for: request)
    let http = try #require(response as? HTTPURLResponse)
    return (
        http.statusCode, http.value(forHTTPHeaderField: "Content-Type") ?? "", String(decoding: data, as: UTF8.self)
    )
}

/// `POST url` without a body (`/-/reload`, `/-/quit`): the status and body.
func httpPost(_ url: String) async throws -> (status: Int, body: String) {
    var request = URLRequest(url: URL(string: url)!)
    request.timeoutInterval = 10
    request.httpMethod = "POST"
    let (data, response) = try await URLSession.shared.data(for: request)
    let http = try #require(response as? HTTPURLResponse)
    return (http.statusCode, String(decoding: data, as: UTF8.self))
}

/// An installed program (`promtool` and `prometheus` come with the Debian package `prometheus`).
func installedTool(_ name: String) throws -> URL {
    let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/local/bin:/usr/bin:/bin"
    for directory in path.split(separator: ":") {
        let candidate = URL(fileURLWithPath: String(directory)).appendingPathComponent(name)
        if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
    }
    throw CLIError("\(name) is not installed: apt-get install -y prometheus")
}

/// Runs `tool` with `input` on its standard input; its exit status and its standard output
/// and error together. Bounded by `timeout`. Files, not pipes: a tool that exits early cannot
/// SIGPIPE the tests, and a talkative one cannot fill a pipe and stall.
func runTool(
    _ tool: URL,
    _ arguments: [String],
    input: String,
    timeout: Duration = .seconds(20)
) async throws -> (status: Int32, output: String) {
    let base = FileManager.default.temporaryDirectory.appendingPathComponent("wshealth-\(UUID())")
    let inputFile = base.appendingPathExtension("input")
    let outputFile = base.appendingPathExtension("output")
    try Data(input.utf8).write(to: inputFile)
    try Data().write(to: outputFile)
    defer {
        try? FileManager.default.removeItem(at: inputFile)
        try? FileManager.default.removeItem(at: outputFile)
    }
    let process = Process()
    process.executableURL = tool
    process.arguments = arguments
    process.standardInput = try FileHandle(forReadingFrom: inputFile)
    let output = try FileHandle(forWritingTo: outputFile)
    process.standardOutput = output
    process.standardError = output
    try process.run()
    let deadline = ContinuousClock.now + timeout
    while process.isRunning && ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(20)) }
    if process.isRunning {
        process.terminate()
        process.waitUntilExit()
        throw CLIError("\(tool.lastPathComponent) \(arguments) did not finish within \(timeout)")
    }
    return (process.terminationStatus, try String(contentsOf: outputFile, encoding: .utf8))
}
