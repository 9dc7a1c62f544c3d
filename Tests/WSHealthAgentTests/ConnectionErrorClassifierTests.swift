import NIOCore
import NIOHTTP1
import NIOSSL
import NIOWebSocket
import Testing
import WSConnectionStateMachine

@testable import WSHealthAgent

#if canImport(Glibc)
import Glibc
#endif

/// The agent's reading of why a connection failed, for errors real sockets cannot produce
/// here (a DNS failure would send a query off this machine).
struct ConnectionErrorClassifierTests {
    /// A name that did not resolve is `dns_failure`; a resolved name whose attempts failed is not.
    @Test func dnsFailures() {
        #expect(ConnectionErrorClassifier.classifyConnection(dnsFailed: true, attemptErrors: []) == .dnsFailure)
        let refused = IOError(errnoCode: ECONNREFUSED, reason: "connect")
        #expect(ConnectionErrorClassifier.classifyConnection(dnsFailed: true, attemptErrors: [refused]) == .refused)
        #expect(ConnectionErrorClassifier.classifyConnection(dnsFailed: false, attemptErrors: []) == .networkError)
    }

    /// The most telling attempt error wins over a generic one.
    @Test func mostTellingAttemptWins() {
        let unreachable = IOError(errnoCode: ENETUNREACH, reason: "connect")
        let refused = IOError(errnoCode: ECONNREFUSED, reason: "connect")
        #expect(
            ConnectionErrorClassifier.classifyConnection(dnsFailed: false, attemptErrors: [unreachable, refused])
                == .refused
        )
    }

    /// The agent's own shortage is its own reason, whichever way it shows: our budget, or
    /// `socket()` refusing.
    @Test func resourceExhaustion() {
        #expect(ConnectionErrorClassifier.classify(SocketBudgetExhausted()) == .resourceExhausted)
        for code in [EMFILE, ENFILE, ENOBUFS, ENOMEM] {
            #expect(
                ConnectionErrorClassifier.classify(IOError(errnoCode: code, reason: "socket")) == .resourceExhausted
            )
        }
        #expect(
            ConnectionErrorClassifier.describe(IOError(errnoCode: EMFILE, reason: "socket"), host: "h", port: 1)
                .contains("the agent's own resources ran out")
        )
    }

    /// Errors by type.
    @Test func errorTypes() {
        #expect(ConnectionErrorClassifier.classify(IOError(errnoCode: ECONNREFUSED, reason: "")) == .refused)
        #expect(ConnectionErrorClassifier.classify(IOError(errnoCode: ETIMEDOUT, reason: "")) == .timeout)
        #expect(ConnectionErrorClassifier.classify(IOError(errnoCode: ECONNRESET, reason: "")) == .networkError)
        #expect(ConnectionErrorClassifier.classify(ChannelError.connectTimeout(.seconds(1))) == .timeout)
        #expect(ConnectionErrorClassifier.classify(NIOSSLError.handshakeFailed(.sslError([]))) == .tlsFailure)
        // A certificate for another name, and a server name NIOSSL refuses to send.
        #expect(ConnectionErrorClassifier.classify(NIOSSLExtraError.failedToValidateHostname) == .tlsFailure)
        #expect(ConnectionErrorClassifier.classify(NIOSSLExtraError.cannotUseIPAddressInSNI) == .tlsFailure)
        #expect(ConnectionErrorClassifier.classify(NIOWebSocketUpgradeError.invalidUpgradeHeader) == .protocolError)
        #expect(
            ConnectionErrorClassifier.classify(NIOHTTPClientUpgradeError.responseProtocolNotFound) == .protocolError
        )
        // A wrong `Sec-WebSocket-Accept`, and an answer that is not HTTP (another protocol's port).
        #expect(ConnectionErrorClassifier.classify(NIOHTTPClientUpgradeError.upgraderDeniedUpgrade) == .protocolError)
        #expect(ConnectionErrorClassifier.classify(HTTPParserError.invalidConstant) == .protocolError)
        #expect(
            ConnectionErrorClassifier.classify(ByteToMessageDecoderError.leftoverDataWhenDone(ByteBuffer()))
                == .protocolError
        )
    }

    /// What users read of an error: our sentence with the peer, never NIO's type names.
    @Test func descriptionsAreSentences() {
        func describe(_ error: any Error) -> String {
            ConnectionErrorClassifier.describe(error, host: "backend.example", port: 8000)
        }
        #expect(
            describe(IOError(errnoCode: ECONNREFUSED, reason: "connect"))
                == "connection refused by backend.example:8000"
        )
        #expect(describe(IOError(errnoCode: ECONNRESET, reason: "read")) == "connection reset by backend.example:8000")
        #expect(
            describe(ChannelError.connectTimeout(.seconds(1)))
                == "no answer from backend.example:8000 within the handshake timeout"
        )
        #expect(
            describe(NIOSSLExtraError.failedToValidateHostname)
                == "TLS with backend.example:8000 failed: the certificate is not valid for backend.example"
        )
        #expect(describe(HTTPParserError.invalidConstant) == "backend.example:8000 did not answer in HTTP")
        #expect(
            ConnectionErrorClassifier.describe(IOError(errnoCode: ECONNREFUSED, reason: ""), host: "::1", port: 1)
                == "connection refused by [::1]:1"
        )
    }
}
