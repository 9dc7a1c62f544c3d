import CCurl

/// libcurl's process-wide initialization. `curl_global_init` is not thread-safe and must run
/// once, before any other libcurl call: a `static let` is initialized exactly once, atomically,
/// on first use (``CurlHTTPClient/init(threadCount:userAgent:logger:now:)`` touches it, and
/// so does every ``CurlEasyHandle``). `curl_global_cleanup` is never called: the process
/// keeps libcurl until it exits.
enum CurlGlobal {
    /// Whether `curl_global_init(CURL_GLOBAL_DEFAULT)` succeeded.
    static let isInitialized: Bool = wshealth_curl_global_init() == CURLE_OK
}
