import CCurl

/// libcurl, opened at run time rather than linked: an agent without receivers never loads it
/// (nor OpenSSL and the other libraries it pulls in, about 9 MiB resident).
///
/// ``load()`` opens the system's libcurl (`libcurl.so.4`) and runs `curl_global_init` once per
/// process, the first time a receiver is set up; the process keeps it until it exits. Every
/// other libcurl call of this module comes after a successful load: ``CurlEasyHandle`` and
/// ``CurlURL``, which own all the others' arguments, check ``isLoaded`` first.
package enum CurlLibrary {
    /// Loads libcurl if it is not loaded yet and returns its version
    /// (`libcurl/7.88.1 OpenSSL/3.0.17 ...`); throws why it cannot be loaded, every time.
    @discardableResult
    package static func load() throws(CurlLibraryError) -> String {
        try self.outcome.get()
    }

    /// Whether ``load()`` has succeeded: libcurl's functions may be called.
    static var isLoaded: Bool {
        if case .success = self.outcome { return true }
        return false
    }

    /// The outcome of the one load of the default library (a `static let` runs once, atomically).
    private static let outcome = Self.open(String(cString: wshealth_curl_default_library()))

    /// Opens the libcurl at `path` (a file name the dynamic linker searches for, or a path).
    /// Once one has been loaded, any other libcurl succeeds without replacing it.
    static func open(_ path: String) -> Result<String, CurlLibraryError> {
        var error = [CChar](repeating: 0, count: 512)
        guard wshealth_curl_load(path, &error, error.count) == 0 else {
            let reason = error.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
            return .failure(CurlLibraryError(library: path, reason: reason))
        }
        return .success(String(cString: wshealth_curl_version()))
    }
}

/// Why libcurl could not be loaded: the library asked for and the dynamic linker's (or
/// libcurl's) own words.
package struct CurlLibraryError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The file asked for, `libcurl.so.4` unless a test says otherwise.
    package var library: String
    /// `libcurl.so.4: cannot open shared object file: No such file or directory`, or the
    /// missing function, or the failed `curl_global_init`.
    package var reason: String

    /// `alert delivery needs libcurl (libcurl.so.4, Debian's libcurl4 package): ...`.
    package var description: String {
        "alert delivery needs libcurl (\(self.library), Debian's libcurl4 package): \(self.reason)"
    }
}
