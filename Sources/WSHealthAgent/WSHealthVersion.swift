/// The agent's version, reported by `--version` and `wshealth_build_info`.
public enum WSHealthVersion {
    /// The release version.
    public static let version = "0.1.0"
}
