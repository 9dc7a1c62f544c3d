import NIOCore
import NIOHTTP1
import NIOPosix
import NIOSSL
import NIOWebSocket
import WSConnectionStateMachine

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Reads *why* a connection failed from the error NIO reports: the agent's metrics and alerts
/// are only as good as this reading.
enum ConnectionErrorClassifier {
    /// The failure reason of an error raised while connecting or during the handshake.
    static func classify(_ error: any Error) -> ConnectionFailureReason {
        switch error {
        case let error as NIOConnectionError:
            return self.classifyConnection(
                dnsFailed: error.dnsAError != nil || error.dnsAAAAError != nil,
                attemptErrors: error.connectionErrors.map(\.error)
            )
        case is SocketAddressError:
            return .dnsFailure
        case is SocketBudgetExhausted:
            return .resourceExhausted
        case let error as IOError:
            switch error.errnoCode {
            case ECONNREFUSED: return .refused
            case ETIMEDOUT: return .timeout
            case EMFILE, ENFILE, ENOBUFS, ENOMEM: return .resourceExhausted
            default: return .networkError
            }
        case let error as ChannelError:
            if case .connectTimeout = error { return .timeout }
            return .networkError
        // NIOSSLExtraError: the certificate does not match the host (or `server_name`), or a
        // server name NIOSSL will not send; both are TLS failures, not network errors.
        case is NIOSSLError, is NIOSSLExtraError, is BoringSSLError:
            return .tlsFailure
        // An answer that is not HTTP (another protocol on the port) breaks the protocol as much
        // as a wrong `Sec-WebSocket-Accept` does.
        case is NIOHTTPClientUpgradeError, is NIOWebSocketUpgradeError, is HTTPParserError,
            is ByteToMessageDecoderError:
            return .protocolError
        default:
            return .networkError
        }
    }

    /// The reason of a failed connect (NIO's happy-eyeballs result): a name that did not
    /// resolve leaves no attempt behind; otherwise the most telling attempt error wins
    /// (`refused` over a generic network error).
    static func classifyConnection(dnsFailed: Bool, attemptErrors: [any Error]) -> ConnectionFailureReason {
        if attemptErrors.isEmpty && dnsFailed { return .dnsFailure }
        let reasons = attemptErrors.map { self.classify($0) }
        return reasons.first { $0 != .networkError } ?? reasons.first ?? .networkError
    }
}
