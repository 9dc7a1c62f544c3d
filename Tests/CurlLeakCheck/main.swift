// The libcurl leak check: drives CurlHTTPClient through every outcome, many times, against a
// RecordingReceiver in the same process, and checks each outcome (so a leak check that passes
// has really exercised the paths). scripts/check-curl-leaks.sh runs it under valgrind; a
// definite leak per request or per client shows up multiplied by the rounds.
//
// Usage: curl-leak-check [ROUNDS]   (default 10). Exit 0 when every outcome was as expected,
// 2 otherwise.
import Foundation
import Synchronization
import WSHealthAlerting
import WSHealthTestReceiver

/// Runs the rounds; the process exit status.
func run() async throws -> Int32 {
    let rounds = CommandLine.arguments.dropFirst().first.flatMap { Int($0) } ?? 10

    let script = ReceiverScript { _, request in
        switch request.path {
        case "/500": .status(500, body: String(repeating: "x", count: 6_000))
        case "/429": .tooManyRequests(retryAfter: "1")
        case "/503-date": .status(503, headers: ["Retry-After": "Wed, 21 Oct 2015 07:28:00 GMT"])
        case "/silent": .noAnswer
        case "/drop": .closeConnection
        default: .status(200, body: "{\"status\":\"ok\"}")
        }
    }
    let receiver = try await RecordingReceiver.start(script: script)
    let closed = try await RecordingReceiver.start()
    let closedPort = closed.port
    await closed.shutdown()

    /// A request and what it must give.
    struct Case {
        var name: String
        var request: HTTPPostRequest
        var expected: Expected

        enum Expected: Equatable {
            case status(Int)
            case failure(HTTPTransportFailure.Reason)
        }
    }

    func request(_ url: String, timeout: Duration = .seconds(30)) -> HTTPPostRequest {
        HTTPPostRequest(
            url: url,
            headers: ["X-Team": "ops"],
            body: Array("{\"alerts\":[]}".utf8),
            connectTimeout: timeout,
            totalTimeout: timeout
        )
    }

    var bearer = request(receiver.url(path: "/hook?key=secret"))
    bearer.authorization = .bearer("token")
    var basic = request(receiver.url(path: "/hook"))
    basic.authorization = .basic(username: "user", password: "password")
    var badCA = request("https://127.0.0.1:\(receiver.port)/hook")
    badCA.caFile = "/nonexistent/ca.pem"
    var badHeader = request(receiver.url(path: "/hook"))
    badHeader.headers["X-Bad"] = "a\r\nInjected: yes"
    var empty = request(receiver.url(path: "/hook"))
    empty.body = []

    let cases = [
        Case(name: "200 with bearer", request: bearer, expected: .status(200)),
        Case(name: "200 with basic auth", request: basic, expected: .status(200)),
        Case(name: "200 empty body", request: empty, expected: .status(200)),
        Case(name: "500 with a long body", request: request(receiver.url(path: "/500")), expected: .status(500)),
        Case(name: "429 Retry-After seconds", request: request(receiver.url(path: "/429")), expected: .status(429)),
        Case(name: "503 Retry-After date", request: request(receiver.url(path: "/503-date")), expected: .status(503)),
        Case(name: "refused", request: request("http://127.0.0.1:\(closedPort)/"), expected: .failure(.refused)),
        Case(
            name: "timeout",
            request: request(receiver.url(path: "/silent"), timeout: .milliseconds(300)),
            expected: .failure(.timeout)
        ),
        Case(name: "dropped", request: request(receiver.url(path: "/drop")), expected: .failure(.networkError)),
        Case(
            name: "TLS to a plain server",
            request: request("https://127.0.0.1:\(receiver.port)/hook"),
            expected: .failure(.tlsFailure)
        ),
        Case(name: "missing CA file", request: badCA, expected: .failure(.tlsFailure)),
        Case(name: "file:// URL", request: request("file:///etc/passwd"), expected: .failure(.invalidRequest)),
        Case(name: "unparsable URL", request: request("http://[::1"), expected: .failure(.invalidRequest)),
        Case(name: "header injection", request: badHeader, expected: .failure(.invalidRequest)),
    ]

    var mismatches: [String] = []
    let started = ContinuousClock.now
    for round in 0..<rounds {
        // A new client every round: handles, threads and the connection cache are freed each time.
        let client = CurlHTTPClient(threadCount: 2)
        let results = await withTaskGroup(of: (String, Case.Expected, HTTPPostResult).self) { group in
            for item in cases {
                group.addTask { (item.name, item.expected, await client.post(item.request)) }
            }
            var results: [(String, Case.Expected, HTTPPostResult)] = []
            for await result in group { results.append(result) }
            return results
        }
        await client.shutdown()
        let afterShutdown = await client.post(request(receiver.url(path: "/hook")))
        for (name, expected, result) in results + [("after shutdown", .failure(.cancelled), afterShutdown)] {
            let actual: Case.Expected =
                switch result {
                case .response(let response): .status(response.status)
                case .failure(let failure): .failure(failure.reason)
                }
            if actual != expected {
                mismatches.append("round \(round), \(name): expected \(expected), got \(result)")
            }
        }
    }
    await receiver.shutdown()

    let requests = rounds * cases.count
    print("curl-leak-check: \(rounds) rounds, \(requests) requests, \(ContinuousClock.now - started)")
    if !mismatches.isEmpty {
        for mismatch in mismatches { print("curl-leak-check: \(mismatch)") }
        return 2
    }
    return 0
}

// A synchronous main that waits on a semaphore: an async main would park the main thread in
// `dispatch_main`, which valgrind 3.19 does not survive.
let exitStatus = Mutex<Int32>(3)
let finished = DispatchSemaphore(value: 0)
Task.detached {
    do {
        let status = try await run()
        exitStatus.withLock { $0 = status }
    } catch {
        print("curl-leak-check: \(error)")
    }
    finished.signal()
}
finished.wait()
exit(exitStatus.withLock { $0 })
