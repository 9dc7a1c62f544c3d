import Foundation
import NIOCore
import NIOSSL
import NIOTLS

/// Shows a probe the connection as it is on the wire, behind TLS: the TCP connect, the TLS
/// handshake, and the upgrade request and response exactly as sent and received (the headers
/// the HTTP upgrader adds included). Once both heads have passed it only forwards.
final class WireTap: ChannelDuplexHandler {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = ByteBuffer
    typealias OutboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    private let trace: any ConnectionTrace
    private var request: [UInt8]? = []
    private var response: [UInt8]? = []
    /// A head larger than this is not the HTTP upgrade: stop looking.
    private static let maxHeadBytes = 64 * 1024

    init(trace: any ConnectionTrace) {
        self.trace = trace
    }

    func channelActive(context: ChannelHandlerContext) {
        self.trace.tcpConnected(local: context.channel.localAddress, remote: context.channel.remoteAddress)
        context.fireChannelActive()
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if case .handshakeCompleted(let alpn) = event as? TLSUserEvent {
            self.trace.tlsEstablished(on: context.channel, alpn: alpn)
        }
        context.fireUserInboundEventTriggered(event)
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        if self.request != nil {
            let bytes = Self.unwrapOutboundIn(data)
            if let lines = Self.head(&self.request, adding: bytes) { self.trace.requestSent(lines) }
        }
        context.write(data, promise: promise)
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        if self.response != nil {
            let bytes = Self.unwrapInboundIn(data)
            if let lines = Self.head(&self.response, adding: bytes) { self.trace.responseReceived(lines) }
        }
        context.fireChannelRead(data)
    }

    /// Adds `bytes` to the head being collected; returns its lines once it is complete (and
    /// stops collecting), nil while it is not.
    private static func head(_ collected: inout [UInt8]?, adding bytes: ByteBuffer) -> [String]? {
        guard var head = collected else { return nil }
        head += bytes.readableBytesView
        let end = head.indices.dropLast(3).first { index in
            head[index] == 13 && head[index + 1] == 10 && head[index + 2] == 13 && head[index + 3] == 10
        }
        guard let end else {
            collected = head.count > Self.maxHeadBytes ? nil : head
            return nil
        }
        collected = nil
        return String(decoding: head[..<end], as: UTF8.self).components(separatedBy: "\r\n")
    }
}

@available(*, unavailable)
extension WireTap: Sendable {}
