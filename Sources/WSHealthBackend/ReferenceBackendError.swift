/// An error thrown by the reference backend: a bad configuration, a bad fault parameter, or a misuse.
public struct ReferenceBackendError: Error, Hashable, CustomStringConvertible {
    private enum Code: Hashable {
        case invalidConfiguration(String)
        case invalidFault(String)
        case alreadyStarted
        case stopped
    }

    private let code: Code

    private init(_ code: Code) {
        self.code = code
    }

    /// The configuration cannot be used; `message` names the field and the bad value.
    static func invalidConfiguration(_ message: String) -> Self {
        Self(.invalidConfiguration(message))
    }

    /// A fault has a bad parameter; `message` names the parameter and the bad value.
    static func invalidFault(_ message: String) -> Self {
        Self(.invalidFault(message))
    }

    /// `run()` was called on a backend that has already been started.
    public static let alreadyStarted = Self(.alreadyStarted)

    /// The backend stopped before its listeners were bound.
    public static let stopped = Self(.stopped)

    /// Whether this error reports a bad configuration.
    public var isInvalidConfiguration: Bool {
        if case .invalidConfiguration = self.code { true } else { false }
    }

    /// A readable message, e.g. `adminHost: must be a loopback address (...), got "0.0.0.0"`.
    public var description: String {
        switch self.code {
        case .invalidConfiguration(let message):
            "invalid reference backend configuration: \(message)"
        case .invalidFault(let message):
            message
        case .alreadyStarted:
            "the reference backend has already been started"
        case .stopped:
            "the reference backend stopped before its listeners were bound"
        }
    }
}
