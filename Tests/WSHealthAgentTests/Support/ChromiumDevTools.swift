import Foundation

/// Headless Chromium driven over the DevTools protocol on a pipe (`--remote-debugging-pipe`:
/// NUL-terminated JSON messages on file descriptors 3 and 4): open a page, run JavaScript in
/// it — a real click on a real button — and close. Use ``with(timeout:_:)``, which always
/// closes the browser; a watchdog kills it after `timeout` whatever happens.
final class ChromiumDevTools {
    private let process: Process
    private let input: FileHandle
    private let profile: URL
    private let watchdog: Task<Void, Never>
    private var messages: AsyncStream<Data>.Iterator
    private var buffer = Data()
    private var pending: [[String: Any]] = []
    private var lastID = 0
    private var session: String?

    /// Runs `body` with a fresh browser and closes it afterwards, also when `body` throws.
    static func with<T>(
        timeout: Duration = .seconds(45),
        _ body: (ChromiumDevTools) async throws -> T
    ) async throws -> T {
        let browser = try ChromiumDevTools(timeout: timeout)
        do {
            let result = try await body(browser)
            await browser.close()
            return result
        } catch {
            await browser.close()
            throw error
        }
    }

    private init(timeout: Duration) throws {
        signal(SIGPIPE, SIG_IGN)  // a browser that died must fail the test, not kill the runner
        let chromium = try Chromium.executable()
        self.profile = try Chromium.makeProfile()
        let toBrowser = Pipe()
        let fromBrowser = Pipe()
        let process = Process()
        // The protocol uses descriptors 3 (in) and 4 (out): the shell maps our pipes onto them.
        process.executableURL = URL(fileURLWithPath: "/bin/sh")
        process.arguments =
            ["-c", #"exec "$0" "$@" 3<&0 4>&1 0</dev/null 1>/dev/null"#, chromium.path]
            + Chromium.flags(profile: self.profile) + ["--remote-debugging-pipe"]
        process.standardInput = toBrowser
        process.standardOutput = fromBrowser
        process.standardError = FileHandle.nullDevice
        let (stream, continuation) = AsyncStream.makeStream(of: Data.self)
        fromBrowser.fileHandleForReading.readabilityHandler = { handle in
            let data = handle.availableData
            if data.isEmpty {
                handle.readabilityHandler = nil
                continuation.finish()
            } else {
                continuation.yield(data)
            }
        }
        try process.run()
        self.process = process
        self.input = toBrowser.fileHandleForWriting
        self.messages = stream.makeAsyncIterator()
        let pid = process.processIdentifier
        self.watchdog = Task {
            try? await Task.sleep(for: timeout)
            if !Task.isCancelled { kill(pid, SIGKILL) }
        }
    }

    /// Opens `url` in a new tab and waits for its load event.
    func open(_ url: String) async throws {
        let target = try await self.call("Target.createTarget", ["url": "about:blank"])
        let attached = try await self.call(
            "Target.attachToTarget",
            ["targetId": target["targetId"] ?? "", "flatten": true]
        )
        self.session = attached["sessionId"] as? String
        _ = try await self.call("Page.enable")
        _ = try await self.call("Page.navigate", ["url": url])
        _ = try await self.next { $0["method"] as? String == "Page.loadEventFired" }
    }

    /// Runs `expression` in the page (a promise is awaited) and returns its value as a string.
    func evaluate(_ expression: String) async throws -> String {
        let reply = try await self.call(
            "Runtime.evaluate",
            ["expression": expression, "awaitPromise": true, "returnByValue": true]
        )
        if let exception = reply["exceptionDetails"] as? [String: Any] {
            throw ChromiumError("the page's script threw: \(exception["exception"] ?? exception)")
        }
        let value = (reply["result"] as? [String: Any])?["value"]
        return value.map { "\($0)" } ?? ""
    }

    /// Sends one command (to the page once one is open) and returns its result.
    private func call(_ method: String, _ parameters: [String: Any] = [:]) async throws -> [String: Any] {
        self.lastID += 1
        let id = self.lastID
        var message: [String: Any] = ["id": id, "method": method, "params": parameters]
        if let session = self.session { message["sessionId"] = session }
        var data = try JSONSerialization.data(withJSONObject: message)
        data.append(0)
        try self.input.write(contentsOf: data)
        let reply = try await self.next { $0["id"] as? Int == id }
        if let error = reply["error"] as? [String: Any] {
            throw ChromiumError("\(method) failed: \(error["message"] ?? error)")
        }
        return reply["result"] as? [String: Any] ?? [:]
    }

    /// The first message that `matches`; others are kept for later calls.
    private func next(where matches: ([String: Any]) -> Bool) async throws -> [String: Any] {
        if let index = self.pending.firstIndex(where: matches) { return self.pending.remove(at: index) }
        while true {
            while let end = self.buffer.firstIndex(of: 0) {
                let bytes = Data(self.buffer[self.buffer.startIndex..<end])
                self.buffer = Data(self.buffer[self.buffer.index(after: end)...])
                guard let message = try JSONSerialization.jsonObject(with: bytes) as? [String: Any] else { continue }
                if matches(message) { return message }
                self.pending.append(message)
            }
            guard let chunk = await self.messages.next() else {
                throw ChromiumError("chromium exited (or was killed by the watchdog) before answering")
            }
            self.buffer.append(chunk)
        }
    }

    /// Closes the browser, waits for it (killing it if it hangs) and removes its profile.
    private func close() async {
        self.session = nil
        if self.process.isRunning { _ = try? await self.call("Browser.close") }
        try? await Chromium.waitForExit(self.process, within: .seconds(10), what: "chromium")
        self.watchdog.cancel()
        try? self.input.close()
        try? FileManager.default.removeItem(at: self.profile)
    }
}
