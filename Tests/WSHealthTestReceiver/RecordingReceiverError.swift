/// Why a ``RecordingReceiver`` call failed.
public enum RecordingReceiverError: Error, Sendable, Hashable, CustomStringConvertible {
    /// ``RecordingReceiver/waitForRequests(count:within:)`` gave up.
    case timedOut(expected: Int, received: Int, within: Duration)
    /// The receiver was shut down.
    case shutDown

    /// A sentence for a test failure.
    public var description: String {
        switch self {
        case .timedOut(let expected, let received, let within):
            "expected \(expected) request(s) within \(within), received \(received)"
        case .shutDown:
            "the receiver is shut down"
        }
    }
}
