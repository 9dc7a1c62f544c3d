import NIOCore
import NIOHTTP1
import WSConnectionStateMachine

/// Sends the upgrade request once the connection is up, and reports every way the handshake
/// can end other than success: an HTTP answer that is not 101 (with its status), an error
/// (TLS, protocol), or the connection closing. Removed once the upgrade succeeds.
final class UpgradeRequestHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPClientResponsePart
    typealias OutboundOut = HTTPClientRequestPart

    /// The handler's name in the pipeline, by which it is removed after the upgrade.
    static let name = "wshealth.upgrade-request"

    private let request: HTTPRequestHead
    private let session: Session
    private let connectionID: UInt64
    private var reported = false

    init(request: HTTPRequestHead, session: Session, connectionID: UInt64) {
        self.request = request
        self.session = session
        self.connectionID = connectionID
    }

    func channelActive(context: ChannelHandlerContext) {
        context.write(Self.wrapOutboundOut(.head(self.request)), promise: nil)
        context.writeAndFlush(Self.wrapOutboundOut(.end(nil)), promise: nil)
        context.fireChannelActive()
    }

    func handlerAdded(context: ChannelHandlerContext) {
        // With TLS the channel may already be active when the pipeline is built.
        if context.channel.isActive { self.channelActive(context: context) }
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        // The upgrade handler forwards the response only when it did not switch protocols.
        guard case .head(let head) = Self.unwrapInboundIn(data) else { return }
        self.report(
            ConnectionFailureReason(rejectedUpgradeStatus: Int(head.status.code)),
            detail: "HTTP \(head.status.code) \(head.status.reasonPhrase)",
            httpStatus: Int(head.status.code)
        )
        context.close(promise: nil)
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        let endpoint = self.session.settings.endpoint
        self.report(
            ConnectionErrorClassifier.classify(error),
            detail: ConnectionErrorClassifier.describe(error, host: endpoint.host, port: endpoint.port),
            error: error
        )
        context.close(promise: nil)
    }

    func channelInactive(context: ChannelHandlerContext) {
        let endpoint = self.session.settings.endpoint
        let peer = ConnectionErrorClassifier.peer(host: endpoint.host, port: endpoint.port)
        self.report(.networkError, detail: "\(peer) closed the connection during the handshake")
        context.fireChannelInactive()
    }

    private func report(
        _ reason: ConnectionFailureReason,
        detail: String,
        error: (any Error)? = nil,
        httpStatus: Int? = nil
    ) {
        guard !self.reported else { return }
        self.reported = true
        self.session.connectionFailed(self.connectionID, reason, detail: detail, error: error, httpStatus: httpStatus)
    }
}

@available(*, unavailable)
extension UpgradeRequestHandler: Sendable {}
