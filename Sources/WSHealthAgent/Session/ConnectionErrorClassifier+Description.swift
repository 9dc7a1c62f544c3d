import Foundation
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

extension ConnectionErrorClassifier {
    /// What a user reads of a failed attempt: one sentence of ours that names the peer, like
    /// `connection refused by 127.0.0.1:8000`. NIO's own descriptions (nested type names,
    /// `[IPv4]127.0.0.1/127.0.0.1:8000`) stay in the logs' `error` field.
    static func describe(_ error: any Error, host: String, port: Int) -> String {
        let peer = Self.peer(host: host, port: port)
        switch error {
        case let error as NIOConnectionError:
            // Happy eyeballs tried each address; the one whose error decided the reason speaks.
            guard
                let attempt = error.connectionErrors.first(where: { self.classify($0.error) != .networkError })
                    ?? error.connectionErrors.first
            else { return "cannot resolve \(host)" }
            let address = attempt.target.ipAddress.map { Self.peer(host: $0, port: port) } ?? peer
            return self.describe(attempt.error, host: host, port: port, peer: address)
        default:
            return self.describe(error, host: host, port: port, peer: peer)
        }
    }

    private static func describe(_ error: any Error, host: String, port: Int, peer: String) -> String {
        switch error {
        case is SocketAddressError:
            return "cannot resolve \(host)"
        case let error as SocketBudgetExhausted:
            return "no connection to \(peer): \(error)"
        case let error as IOError:
            switch error.errnoCode {
            case EMFILE, ENFILE, ENOBUFS, ENOMEM:
                return
                    "no connection to \(peer): the agent's own resources ran out (\(SystemError.describe(errno: error.errnoCode)))"
            case ECONNREFUSED: return "connection refused by \(peer)"
            case ECONNRESET: return "connection reset by \(peer)"
            case ETIMEDOUT: return "no answer from \(peer): timed out"
            default: return "network error with \(peer): \(SystemError.describe(errno: error.errnoCode))"
            }
        case let error as ChannelError:
            if case .connectTimeout = error { return "no answer from \(peer) within the handshake timeout" }
            return "network error with \(peer)"
        case let error as NIOSSLExtraError where error == .failedToValidateHostname:
            return "TLS with \(peer) failed: the certificate is not valid for \(host)"
        case is NIOSSLError, is BoringSSLError, is NIOSSLExtraError:
            return "TLS with \(peer) failed: \(Self.tlsReason(error))"
        case is NIOHTTPClientUpgradeError, is NIOWebSocketUpgradeError:
            return "\(peer) answered the upgrade with a wrong or missing Sec-WebSocket-Accept"
        case is HTTPParserError, is ByteToMessageDecoderError:
            return "\(peer) did not answer in HTTP"
        default:
            return "network error with \(peer)"
        }
    }

    /// BoringSSL's reason code in words (`CERTIFICATE_VERIFY_FAILED` → `certificate verify
    /// failed`); NIOSSL's descriptions carry it after the library name.
    private static func tlsReason(_ error: any Error) -> String {
        let text = String(describing: error)
        guard let marker = text.range(of: "OPENSSL_internal:") else {
            if let error = error as? NIOSSLExtraError,
                error == .cannotUseIPAddressInSNI || error == .invalidSNIHostname
                    || error == .serverHostnameImpossibleToMatch
            {
                return "the server name cannot be used"
            }
            return "handshake failed"
        }
        let code = text[marker.upperBound...].prefix { $0.isLetter || $0.isNumber || $0 == "_" }
        return code.isEmpty ? "handshake failed" : code.lowercased().replacingOccurrences(of: "_", with: " ")
    }

    /// `host:port`, an IPv6 address in brackets.
    static func peer(host: String, port: Int) -> String {
        host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)"
    }
}

/// The C library's words for an `errno`, in lower case to sit inside a sentence.
enum SystemError {
    /// `strerror(errno)`, lower-cased: `address already in use`.
    static func describe(errno: CInt) -> String {
        guard let message = strerror(errno) else { return "error \(errno)" }
        let text = String(cString: message)
        return text.prefix(1).lowercased() + text.dropFirst()
    }
}
