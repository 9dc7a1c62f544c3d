import CCurl

/// A URL parsed by libcurl's own parser (`CURLU`), so that what we check and redact is what
/// libcurl connects to; handed to the transfer with `CURLOPT_CURLU`.
final class CurlURL {
    /// The `CURLU` handle, owned.
    let handle: OpaquePointer

    /// The lower-case scheme.
    let scheme: String
    /// The host, IPv6 addresses in brackets.
    let host: String
    /// The port, the scheme's default when the URL has none.
    let port: String

    /// Parses `string`; nil when libcurl rejects it or it lacks a scheme or host, or when
    /// libcurl is not loaded.
    init?(_ string: String) {
        guard CurlLibrary.isLoaded, let handle = wshealth_curl_url() else { return nil }
        guard wshealth_curl_url_set(handle, CURLUPART_URL, string, 0) == CURLUE_OK,
            let scheme = Self.part(handle, CURLUPART_SCHEME, flags: 0),
            let host = Self.part(handle, CURLUPART_HOST, flags: 0),
            let port = Self.part(handle, CURLUPART_PORT, flags: UInt32(CURLU_DEFAULT_PORT))
        else {
            wshealth_curl_url_cleanup(handle)
            return nil
        }
        self.handle = handle
        self.scheme = scheme.lowercased()
        self.host = host
        self.port = port
    }

    deinit {
        wshealth_curl_url_cleanup(self.handle)
    }

    /// `scheme://host:port`: all of the URL that may appear in logs and error messages.
    var origin: String { "\(self.scheme)://\(self.host):\(self.port)" }

    /// The parts of the URL that may be secret: user, password, path (other than `/`), query
    /// and fragment, as written (not decoded).
    var secretParts: [String] {
        let path = Self.part(self.handle, CURLUPART_PATH, flags: 0)
        return [
            Self.part(self.handle, CURLUPART_USER, flags: 0),
            Self.part(self.handle, CURLUPART_PASSWORD, flags: 0),
            path == "/" ? nil : path,
            Self.part(self.handle, CURLUPART_QUERY, flags: 0),
            Self.part(self.handle, CURLUPART_FRAGMENT, flags: 0),
        ].compactMap { $0 }.filter { !$0.isEmpty }
    }

    /// The origin of `string` if libcurl can parse it, else a placeholder that reveals nothing.
    static func origin(of string: String) -> String {
        CurlURL(string)?.origin ?? "<unparsable URL>"
    }

    private static func part(_ handle: OpaquePointer, _ part: CURLUPart, flags: UInt32) -> String? {
        var value: UnsafeMutablePointer<CChar>?
        guard wshealth_curl_url_get(handle, part, &value, flags) == CURLUE_OK, let value else { return nil }
        defer { wshealth_curl_free(value) }
        return String(cString: value)
    }
}
