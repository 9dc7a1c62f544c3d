import CCurl
import Foundation

/// One libcurl easy handle, reused for request after request (`curl_easy_reset` after each
/// keeps its connection and DNS caches) by one thread at a time: ``CurlHTTPClient`` checks a handle out
/// for the duration of a transfer, which is what makes the `@unchecked Sendable` sound.
final class CurlEasyHandle: @unchecked Sendable {
    /// The `CURL *`.
    private let handle: UnsafeMutableRawPointer
    /// `CURLOPT_ERRORBUFFER`, `CURL_ERROR_SIZE` bytes, alive as long as the handle.
    private let errorBuffer: UnsafeMutablePointer<CChar>

    /// Creates a handle; nil when libcurl is not loaded or cannot make one (out of memory).
    init?() {
        guard CurlLibrary.isLoaded, let handle = wshealth_curl_easy_init() else { return nil }
        self.handle = handle
        let size = Int(wshealth_curl_error_size())
        self.errorBuffer = .allocate(capacity: size)
        self.errorBuffer.initialize(repeating: 0, count: size)
    }

    deinit {
        wshealth_curl_easy_cleanup(self.handle)
        self.errorBuffer.deallocate()
    }

    /// Sends `request` and waits for the answer: blocks the calling thread for up to the
    /// request's total timeout. `now` dates the answer, for an HTTP-date `Retry-After`.
    func post(
        _ request: HTTPPostRequest,
        userAgent: String,
        bodyLimit: Int,
        now: () -> Date
    ) -> HTTPPostResult {
        guard let url = CurlURL(request.url), url.scheme == "http" || url.scheme == "https" else {
            let origin = CurlURL.origin(of: request.url)
            return .failure(
                HTTPTransportFailure(reason: .invalidRequest, detail: "\(origin): not an http:// or https:// URL")
            )
        }
        let headerLines: [String]
        do {
            headerLines = try request.headerLines()
        } catch {
            return .failure(HTTPTransportFailure(reason: .invalidRequest, detail: "\(url.origin): \(error.message)"))
        }

        self.errorBuffer[0] = 0
        var headerList: UnsafeMutablePointer<curl_slist>? = nil
        defer { wshealth_curl_slist_free_all(headerList) }
        for line in headerLines {
            guard let appended = wshealth_curl_slist_append(headerList, line) else {
                return .failure(HTTPTransportFailure(reason: .networkError, detail: "\(url.origin): out of memory"))
            }
            headerList = appended
        }
        let collector = CurlResponseCollector(bodyLimit: bodyLimit)
        let collectorPointer = Unmanaged.passUnretained(collector).toOpaque()

        return withExtendedLifetime((url, collector)) {
            // Reset when done, before the header list and the collector go: between transfers
            // the handle holds no pointer to freed memory, only its connection and DNS caches.
            defer { wshealth_curl_easy_reset(self.handle) }
            var options = CurlOptions(handle: self.handle)
            options.set(CURLOPT_CURLU, pointer: UnsafeMutableRawPointer(url.handle))
            options.set(CURLOPT_PROTOCOLS_STR, "http,https")
            options.set(CURLOPT_REDIR_PROTOCOLS_STR, "http,https")
            options.set(CURLOPT_FOLLOWLOCATION, 0)
            options.set(CURLOPT_NOSIGNAL, 1)
            options.set(CURLOPT_PROXY, "")
            options.set(CURLOPT_USERAGENT, userAgent)
            options.set(CURLOPT_CONNECTTIMEOUT_MS, Self.milliseconds(request.connectTimeout))
            options.set(CURLOPT_TIMEOUT_MS, Self.milliseconds(request.totalTimeout))
            options.set(CURLOPT_ERRORBUFFER, pointer: UnsafeMutableRawPointer(self.errorBuffer))
            options.set(CURLOPT_SSL_VERIFYPEER, request.insecureSkipVerify ? 0 : 1)
            options.set(CURLOPT_SSL_VERIFYHOST, request.insecureSkipVerify ? 0 : 2)
            if let caFile = request.caFile { options.set(CURLOPT_CAINFO, caFile) }
            if case .basic(let username, let password) = request.authorization {
                options.set(CURLOPT_HTTPAUTH, wshealth_curlauth_basic())
                options.set(CURLOPT_USERNAME, username)
                options.set(CURLOPT_PASSWORD, password)
            }
            options.set(CURLOPT_HTTPHEADER, pointer: UnsafeMutableRawPointer(headerList))
            options.setPostBody(request.body)
            options.set(CURLOPT_WRITEFUNCTION, callback: Self.writeCallback)
            options.set(CURLOPT_WRITEDATA, pointer: collectorPointer)
            options.set(CURLOPT_HEADERFUNCTION, callback: Self.headerCallback)
            options.set(CURLOPT_HEADERDATA, pointer: collectorPointer)
            if let failed = options.firstFailure {
                let message = String(cString: wshealth_curl_easy_strerror(failed))
                return .failure(HTTPTransportFailure(reason: .invalidRequest, detail: "\(url.origin): \(message)"))
            }

            let code = wshealth_curl_easy_perform(self.handle)
            guard code == CURLE_OK else {
                var osErrno = 0
                _ = wshealth_curl_easy_getinfo_long(self.handle, CURLINFO_OS_ERRNO, &osErrno)
                return .failure(
                    HTTPTransportFailure(
                        curlCode: code,
                        osErrno: Int32(truncatingIfNeeded: osErrno),
                        errorBuffer: String(cString: self.errorBuffer),
                        url: url,
                        secrets: request.secrets
                    )
                )
            }
            var status = 0
            _ = wshealth_curl_easy_getinfo_long(self.handle, CURLINFO_RESPONSE_CODE, &status)
            return .response(
                HTTPPostResponse(
                    status: status,
                    retryAfter: collector.retryAfter(now: now()),
                    bodyPrefix: collector.bodyPrefix,
                    bodyTruncated: collector.bodyTruncated
                )
            )
        }
    }

    /// `CURLOPT_WRITEFUNCTION`: captures nothing, appends to the collector passed as `CURLOPT_WRITEDATA`.
    private static let writeCallback: curl_write_callback = { data, size, count, userData in
        let length = size * count
        guard let data, let userData else { return length }
        let collector = Unmanaged<CurlResponseCollector>.fromOpaque(userData).takeUnretainedValue()
        collector.receiveBody(UnsafeRawBufferPointer(start: data, count: length))
        return length
    }

    /// `CURLOPT_HEADERFUNCTION`: captures nothing, hands each header line to the collector
    /// passed as `CURLOPT_HEADERDATA`.
    private static let headerCallback: curl_write_callback = { data, size, count, userData in
        let length = size * count
        guard let data, let userData else { return length }
        let collector = Unmanaged<CurlResponseCollector>.fromOpaque(userData).takeUnretainedValue()
        collector.receiveHeaderLine(UnsafeRawBufferPointer(start: data, count: length))
        return length
    }

    /// A timeout in whole milliseconds, rounded up, at least 1 (0 would mean "no timeout" to libcurl).
    static func milliseconds(_ duration: Duration) -> Int {
        guard duration > .zero else { return 1 }
        let (seconds, attoseconds) = duration.components
        let millis = seconds.multipliedReportingOverflow(by: 1000)
        guard !millis.overflow else { return Int.max }
        let fraction = (attoseconds + 999_999_999_999_999) / 1_000_000_000_000_000
        return max(1, Int(clamping: millis.partialValue + fraction))
    }
}
