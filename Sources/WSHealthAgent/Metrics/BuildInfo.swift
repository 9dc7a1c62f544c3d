/// What `wshealth_build_info` reports about the binary.
enum BuildInfo {
    /// The release version.
    static let version = WSHealthVersion.version

    /// The source revision. SwiftPM cannot pass build-time values (an environment variable, the
    /// output of `git rev-parse`) to the compiler without a build plugin, so this stays
    /// `unknown` until a release script writes it.
    static let revision = "unknown"

    /// The major and minor version of the compiler that built the binary: Swift has no
    /// compile-time string for it, only `#if compiler(…)` comparisons.
    #if compiler(>=7.0)
    static let swiftVersion = "7.0+"
    #elseif compiler(>=6.5)
    static let swiftVersion = "6.5"
    #elseif compiler(>=6.4)
    static let swiftVersion = "6.4"
    #elseif compiler(>=6.3)
    static let swiftVersion = "6.3"
    #else
    static let swiftVersion = "6.2"
    #endif
}
