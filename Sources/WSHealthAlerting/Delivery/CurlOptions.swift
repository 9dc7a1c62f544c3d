import CCurl

/// Sets options on an easy handle through the typed wrappers of `shim.h`, remembering the first
/// failure so a run of `set` calls can be checked once.
struct CurlOptions {
    /// The `CURL *`.
    let handle: UnsafeMutableRawPointer
    /// The first `CURLcode` other than `CURLE_OK`, if any.
    private(set) var firstFailure: CURLcode?

    /// Wraps `handle`.
    init(handle: UnsafeMutableRawPointer) {
        self.handle = handle
    }

    /// An option taking a `long`.
    mutating func set(_ option: CURLoption, _ value: Int) {
        self.record(wshealth_curl_easy_setopt_long(self.handle, option, value))
    }

    /// An option taking a string, which libcurl copies.
    mutating func set(_ option: CURLoption, _ value: String) {
        self.record(wshealth_curl_easy_setopt_string(self.handle, option, value))
    }

    /// An option taking a pointer, which must stay valid for the transfer.
    mutating func set(_ option: CURLoption, pointer: UnsafeMutableRawPointer?) {
        self.record(wshealth_curl_easy_setopt_pointer(self.handle, option, pointer))
    }

    /// A write or header callback.
    mutating func set(_ option: CURLoption, callback: curl_write_callback) {
        self.record(wshealth_curl_easy_setopt_write_callback(self.handle, option, callback))
    }

    /// The body of a POST, any bytes: its size first (`CURLOPT_POSTFIELDSIZE_LARGE`, so a zero
    /// byte does not end it), then `CURLOPT_COPYPOSTFIELDS`, which copies it (the buffer lives
    /// only for this call).
    mutating func setPostBody(_ body: [UInt8]) {
        self.record(wshealth_curl_easy_setopt_off_t(self.handle, CURLOPT_POSTFIELDSIZE_LARGE, curl_off_t(body.count)))
        let code: CURLcode =
            if body.isEmpty {
                "".withCString { empty in
                    wshealth_curl_easy_setopt_pointer(
                        self.handle,
                        CURLOPT_COPYPOSTFIELDS,
                        UnsafeMutableRawPointer(mutating: empty)
                    )
                }
            } else {
                body.withUnsafeBytes { bytes in
                    wshealth_curl_easy_setopt_pointer(
                        self.handle,
                        CURLOPT_COPYPOSTFIELDS,
                        UnsafeMutableRawPointer(mutating: bytes.baseAddress)
                    )
                }
            }
        self.record(code)
    }

    private mutating func record(_ code: CURLcode) {
        if code != CURLE_OK, self.firstFailure == nil { self.firstFailure = code }
    }
}
