import NIOCore
import NIOEmbedded
import NIOSSL
import Testing
import WSHealthWebSocket

@testable import WSHealthAgent

/// The probe's reading of the cipher suite from the server's ServerHello, in the clear before
/// the TLS handler: every prefix, the records it must not misread, and the bytes forwarded as
/// they came.
struct ServerHelloTapTests {
    /// A ServerHello record: version 1.2 on the wire (as TLS 1.3 sends it too), a random, a
    /// session id of `sessionIDLength` bytes, `cipher`, no compression, no extensions.
    static func serverHello(cipher: UInt16, sessionIDLength: UInt8 = 32) -> [UInt8] {
        var body: [UInt8] = [0x03, 0x03] + Array(repeating: 0xA5, count: 32)
        body += [sessionIDLength] + Array(repeating: 0x5A, count: Int(sessionIDLength))
        body += [UInt8(cipher >> 8), UInt8(cipher & 0xFF), 0x00, 0x00, 0x00]
        let handshake = [0x02, 0x00, UInt8(body.count >> 8), UInt8(body.count & 0xFF)] + body
        return [0x16, 0x03, 0x03, UInt8(handshake.count >> 8), UInt8(handshake.count & 0xFF)] + handshake
    }

    static func read(_ bytes: some Sequence<UInt8>) -> ServerHelloTap.Reading {
        ServerHelloTap.read(ByteBuffer(bytes: Array(bytes)))
    }

    @Test func readsTheCipherOnceItsBytesAreThere() {
        let hello = Self.serverHello(cipher: 0x1301)
        let cipherEnd = 5 + 4 + 2 + 32 + 1 + 32 + 2
        for length in 0..<cipherEnd {
            #expect(Self.read(hello.prefix(length)) == .incomplete, "\(length) bytes")
        }
        #expect(Self.read(hello.prefix(cipherEnd)) == .cipher(.TLS_AES_128_GCM_SHA256))
        #expect(Self.read(hello) == .cipher(.TLS_AES_128_GCM_SHA256))
        #expect(
            Self.read(Self.serverHello(cipher: 0xC02F, sessionIDLength: 0))
                == .cipher(.TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256)
        )
    }

    @Test func namesTheSuites() {
        #expect(NIOTLSCipher.TLS_AES_128_GCM_SHA256.ianaName == "TLS_AES_128_GCM_SHA256")
        #expect(
            NIOTLSCipher.TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256.ianaName.hasSuffix("CHACHA20_POLY1305_SHA256")
        )
        #expect(NIOTLSCipher(rawValue: 0x00FF).ianaName == "cipher suite 0xFF")
    }

    /// An alert, another handshake message, an impossible session id, a record too short for
    /// the cipher, plain HTTP: nothing is read.
    @Test func otherFirstRecordsAreNotRead() {
        var clientHello = Self.serverHello(cipher: 0x1301)
        clientHello[5] = 0x01
        var longSessionID = Self.serverHello(cipher: 0x1301)
        longSessionID[5 + 4 + 2 + 32] = 33
        var shortRecord = Self.serverHello(cipher: 0x1301)
        shortRecord[3] = 0x00
        shortRecord[4] = 40
        for bytes in [
            [0x15, 0x03, 0x03, 0x00, 0x02, 0x02, 0x28], clientHello, longSessionID, shortRecord,
            Array("HTTP/1.1 400 Bad Request\r\n".utf8),
        ] {
            #expect(Self.read(bytes) == .absent)
        }
    }

    /// In front of the TLS handler: the bytes go on unchanged, in the pieces they came in, and
    /// the trace hears the cipher once.
    @Test func forwardsEveryByteAndReportsOnce() throws {
        let trace = CipherTrace()
        let channel = EmbeddedChannel(handler: ServerHelloTap(trace: trace))
        let hello = Self.serverHello(cipher: 0x1302)
        let pieces = [Array(hello[..<20]), Array(hello[20...]), Array("rest".utf8)]
        for piece in pieces { try channel.writeInbound(ByteBuffer(bytes: piece)) }
        for piece in pieces { #expect(try channel.readInbound(as: ByteBuffer.self) == ByteBuffer(bytes: piece)) }
        #expect(trace.ciphers == [.TLS_AES_256_GCM_SHA384])
        _ = try channel.finish()
    }
}

/// A trace that keeps only the ciphers it is told of.
private final class CipherTrace: ConnectionTrace, @unchecked Sendable {
    var ciphers: [NIOTLSCipher] = []
    func serverChose(_ cipher: NIOTLSCipher) { self.ciphers.append(cipher) }
    func tcpConnected(local: SocketAddress?, remote: SocketAddress?) {}
    func tlsEstablished(on channel: any Channel, alpn: String?) {}
    func requestSent(_ lines: [String]) {}
    func responseReceived(_ lines: [String]) {}
    func received(_ message: InboundMessage, valid: Bool) {}
    func pingSent() {}
    func recorded(_ event: SessionEvent) {}
}
