import NIOCore
import NIOSSL

/// Reads the cipher suite the server chose from its ServerHello, which crosses the wire in the
/// clear in every TLS version (RFC 8446 §4.1.3, RFC 5246 §7.4.1.3): NIOSSL reports the
/// protocol version and the certificate, not the cipher. It sits in front of the TLS handler,
/// forwards every byte unchanged, and stops looking once the server's first record has told
/// it what it can.
final class ServerHelloTap: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = ByteBuffer

    /// What the server's first bytes say of its cipher.
    enum Reading: Equatable {
        /// Not enough bytes yet.
        case incomplete
        /// The ServerHello's cipher suite.
        case cipher(NIOTLSCipher)
        /// The first record is not a ServerHello the tap can read (an alert, a message split
        /// across records, not TLS at all).
        case absent
    }

    private let trace: any ConnectionTrace
    /// The server's bytes so far; nil once the tap has stopped looking.
    private var collected: ByteBuffer? = ByteBuffer()

    init(trace: any ConnectionTrace) {
        self.trace = trace
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        if var collected = self.collected {
            var bytes = Self.unwrapInboundIn(data)
            collected.writeBuffer(&bytes)
            switch Self.read(collected) {
            case .incomplete:
                self.collected = collected
            case .cipher(let cipher):
                self.collected = nil
                self.trace.serverChose(cipher)
            case .absent:
                self.collected = nil
            }
        }
        context.fireChannelRead(data)
    }

    /// Reads the cipher suite from the start of the server's byte stream: a handshake record
    /// whose first message is a ServerHello.
    static func read(_ bytes: ByteBuffer) -> Reading {
        let recordHeader = 5
        guard bytes.readableBytes >= recordHeader else { return .incomplete }
        let start = bytes.readerIndex
        guard bytes.getInteger(at: start, as: UInt8.self) == 22,  // handshake
            let recordLength = bytes.getInteger(at: start + 3, as: UInt16.self)
        else { return .absent }
        // Message type (2 = ServerHello) and length, version, random, then the session id.
        let sessionIDLengthAt = recordHeader + 4 + 2 + 32
        let fixed = sessionIDLengthAt + 1 - recordHeader
        guard Int(recordLength) >= fixed else { return .absent }
        guard bytes.readableBytes >= recordHeader + 1 else { return .incomplete }
        guard bytes.getInteger(at: start + recordHeader, as: UInt8.self) == 2 else { return .absent }
        guard let sessionIDLength = bytes.getInteger(at: start + sessionIDLengthAt, as: UInt8.self) else {
            return .incomplete
        }
        let cipherAt = sessionIDLengthAt + 1 + Int(sessionIDLength)
        guard sessionIDLength <= 32, Int(recordLength) >= cipherAt + 2 - recordHeader else { return .absent }
        guard let cipher = bytes.getInteger(at: start + cipherAt, as: UInt16.self) else { return .incomplete }
        return .cipher(NIOTLSCipher(rawValue: cipher))
    }
}

@available(*, unavailable)
extension ServerHelloTap: Sendable {}

extension NIOTLSCipher {
    /// The suite's IANA name (`TLS_AES_128_GCM_SHA256`), or its code point for one NIOSSL
    /// does not offer.
    var ianaName: String {
        Self.names[self] ?? "cipher suite 0x" + String(self.rawValue, radix: 16, uppercase: true)
    }

    private static let names: [NIOTLSCipher: String] = [
        .TLS_RSA_WITH_AES_128_CBC_SHA: "TLS_RSA_WITH_AES_128_CBC_SHA",
        .TLS_RSA_WITH_AES_256_CBC_SHA: "TLS_RSA_WITH_AES_256_CBC_SHA",
        .TLS_PSK_WITH_AES_128_CBC_SHA: "TLS_PSK_WITH_AES_128_CBC_SHA",
        .TLS_PSK_WITH_AES_256_CBC_SHA: "TLS_PSK_WITH_AES_256_CBC_SHA",
        .TLS_RSA_WITH_AES_128_GCM_SHA256: "TLS_RSA_WITH_AES_128_GCM_SHA256",
        .TLS_RSA_WITH_AES_256_GCM_SHA384: "TLS_RSA_WITH_AES_256_GCM_SHA384",
        .TLS_AES_128_GCM_SHA256: "TLS_AES_128_GCM_SHA256",
        .TLS_AES_256_GCM_SHA384: "TLS_AES_256_GCM_SHA384",
        .TLS_CHACHA20_POLY1305_SHA256: "TLS_CHACHA20_POLY1305_SHA256",
        .TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA: "TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA",
        .TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA: "TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA",
        .TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA: "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA",
        .TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA: "TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA",
        .TLS_ECDHE_PSK_WITH_AES_128_CBC_SHA: "TLS_ECDHE_PSK_WITH_AES_128_CBC_SHA",
        .TLS_ECDHE_PSK_WITH_AES_256_CBC_SHA: "TLS_ECDHE_PSK_WITH_AES_256_CBC_SHA",
        .TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256: "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256",
        .TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384: "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384",
        .TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256: "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256",
        .TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384: "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384",
        .TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256: "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256",
        .TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256: "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256",
    ]
}
