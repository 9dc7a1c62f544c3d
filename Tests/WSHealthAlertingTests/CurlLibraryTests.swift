import Testing

@testable import WSHealthAlerting

/// Loading libcurl at run time: the system's libcurl loads, and a library that is missing or
/// is not libcurl gives an error that says which and why.
@Suite struct CurlLibraryTests {
    @Test func systemLibcurlLoadsAndReportsItsVersion() throws {
        let version = try CurlLibrary.load()
        #expect(version.hasPrefix("libcurl/"), "got \(version)")
        #expect(CurlLibrary.isLoaded)
        // Once loaded, loading again is the same outcome, not a second curl_global_init.
        #expect(try CurlLibrary.load() == version)
    }

    @Test func missingLibraryIsNamedWithTheLinkersReason() throws {
        let error = try #require(Self.openingFails("libwshealth-no-such-curl.so.4"))
        #expect(error.library == "libwshealth-no-such-curl.so.4")
        #expect(error.reason.contains("cannot open shared object file"), "got \(error.reason)")
        #expect(
            error.description.hasPrefix(
                "alert delivery needs libcurl (libwshealth-no-such-curl.so.4, Debian's libcurl4 package): "
            )
        )
    }

    @Test func libraryWithoutCurlFunctionsIsRejected() throws {
        let error = try #require(Self.openingFails("libc.so.6"))
        #expect(error.reason == "libc.so.6 has no function curl_global_init: not a libcurl, or an older one than 7.62")
    }

    /// Why opening `path` as libcurl failed; nil (and an issue recorded) when it loaded.
    static func openingFails(_ path: String) -> CurlLibraryError? {
        switch CurlLibrary.open(path) {
        case .success(let version):
            Issue.record("\(path) loaded as libcurl \(version)")
            return nil
        case .failure(let error):
            return error
        }
    }
}
