/// A failure of the outbox's storage: a directory that cannot be created, a write or a
/// removal the file system refused. Damaged entries are not errors: they are reported in
/// ``OutboxLoadReport``.
package struct OutboxError: Error, Sendable, Hashable, CustomStringConvertible {
    private enum Code: Hashable, Sendable {
        case system(operation: String, path: String, errno: Int32, message: String)
        case encoding(path: String, message: String)
    }

    private let code: Code

    private init(_ code: Code) { self.code = code }

    /// A system call failed.
    static func system(_ operation: String, path: String, errno: Int32) -> OutboxError {
        OutboxError(
            .system(operation: operation, path: path, errno: errno, message: DurableFile.message(forErrno: errno))
        )
    }

    /// A value could not be encoded for `path`.
    static func encoding(path: String, _ error: any Error) -> OutboxError {
        OutboxError(.encoding(path: path, message: String(describing: error)))
    }

    /// The path the failure concerns.
    package var path: String {
        switch self.code {
        case .system(_, let path, _, _), .encoding(let path, _): path
        }
    }

    /// `open /data/alerting/outbox/am/…: Permission denied (errno 13)`.
    package var description: String {
        switch self.code {
        case .system(let operation, let path, let errno, let message):
            "\(operation) \(path): \(message) (errno \(errno))"
        case .encoding(let path, let message):
            "encode \(path): \(message)"
        }
    }
}
