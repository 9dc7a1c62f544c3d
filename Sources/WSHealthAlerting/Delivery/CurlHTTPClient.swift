package import Foundation
package import Logging
import NIOConcurrencyHelpers
import NIOPosix

/// Posts alert notifications through libcurl.
///
/// `curl_easy_perform` blocks, so transfers run on the client's own small, fixed set of
/// threads (a `NIOThreadPool`), never on an event loop or Swift's cooperative pool. Each thread
/// borrows one of at most ``threadCount`` easy handles, reused with `curl_easy_reset` (which
/// keeps the connection cache), so a burst of alerts queues for the threads instead of
/// spawning one each. Every request: `CURLOPT_NOSIGNAL`, http and https only, no redirects
/// followed, no proxy from the environment, TLS verified unless the request says otherwise.
///
/// libcurl is loaded by the first post (``CurlLibrary``) if nobody loaded it before; a client
/// that never posts never loads it.
///
/// Call ``shutdown()`` before releasing the client.
package final class CurlHTTPClient: Sendable {
    /// How many bytes of a response body are kept, for error logs.
    package static let maxRecordedBodyBytes = 4096

    /// How many transfers run at once; more requests wait for a thread.
    package let threadCount: Int

    private let pool: NIOThreadPool
    private let handles: NIOLockedValueBox<HandleStore>
    private let userAgent: String
    private let logger: Logger
    private let now: @Sendable () -> Date

    /// Easy handles not lent out, and whether the client was shut down.
    private struct HandleStore {
        var idle: [CurlEasyHandle] = []
        var isShutDown = false
    }

    /// Starts a client with `threadCount` threads (at least 1). `now` dates answers, for a
    /// `Retry-After` given as an HTTP-date.
    package init(
        threadCount: Int = 2,
        userAgent: String = "wshealth",
        logger: Logger = Logger(label: "wshealth.alerting.http"),
        now: @escaping @Sendable () -> Date = { Date() }
    ) {
        self.threadCount = max(1, threadCount)
        self.userAgent = userAgent
        self.logger = logger
        self.now = now
        self.handles = NIOLockedValueBox(HandleStore())
        self.pool = NIOThreadPool(numberOfThreads: self.threadCount)
        self.pool.start()
    }

    /// Sends `request` and returns the receiver's answer, or why there was none. Waits for a
    /// free thread, then for at most the request's total timeout. Never throws: a client that
    /// is shut down, or a task cancelled while waiting for a thread, gives
    /// ``HTTPTransportFailure/Reason/cancelled``; a transfer already running is not interrupted.
    package func post(_ request: HTTPPostRequest) async -> HTTPPostResult {
        let result: HTTPPostResult
        do {
            result = try await self.pool.runIfActive { self.postOnPoolThread(request) }
        } catch {
            result = .failure(
                HTTPTransportFailure(
                    reason: .cancelled,
                    detail: "\(request.origin): not sent, the HTTP client is shut down or the task was cancelled"
                )
            )
        }
        switch result {
        case .response(let response):
            self.logger.debug(
                "notification posted",
                metadata: ["origin": "\(request.origin)", "status": "\(response.status)"]
            )
        case .failure(let failure):
            self.logger.debug(
                "notification not posted",
                metadata: ["reason": "\(failure.reason.rawValue)", "detail": "\(failure.detail)"]
            )
        }
        return result
    }

    /// Stops the threads, after the transfers running now end, and frees the easy handles.
    /// Requests still waiting for a thread, and any made later, fail with
    /// ``HTTPTransportFailure/Reason/cancelled``. Calling it again does nothing.
    package func shutdown() async {
        let first = self.handles.withLockedValue { store in
            defer { store.isShutDown = true }
            return !store.isShutDown
        }
        guard first else { return }
        try? await self.pool.shutdownGracefully()
        // The threads are joined: no handle is lent out, and none will be. The handles are
        // freed (`curl_easy_cleanup`, closing their connections) here, outside the lock.
        let idle = self.handles.withLockedValue { store in
            defer { store.idle = [] }
            return store.idle
        }
        self.logger.debug("HTTP client shut down", metadata: ["handles_freed": "\(idle.count)"])
    }

    /// Runs on a pool thread: borrows a handle (or makes one, never more than the threads),
    /// performs the transfer, gives the handle back.
    private func postOnPoolThread(_ request: HTTPPostRequest) -> HTTPPostResult {
        do {
            try CurlLibrary.load()
        } catch {
            return .failure(HTTPTransportFailure(reason: .networkError, detail: "\(error)"))
        }
        guard let handle = self.handles.withLockedValue({ $0.idle.popLast() }) ?? CurlEasyHandle() else {
            return .failure(
                HTTPTransportFailure(
                    reason: .networkError,
                    detail: "\(request.origin): libcurl could not make a handle"
                )
            )
        }
        defer { self.handles.withLockedValue { $0.idle.append(handle) } }
        return handle.post(request, userAgent: self.userAgent, bodyLimit: Self.maxRecordedBodyBytes, now: self.now)
    }
}
