import NIOCore
import NIOHTTP1
import NIOWebSocket

/// The client side of the WebSocket upgrade: NIO's upgrader checks the handshake's key and
/// accept headers, and a successful upgrade leaves one handler, the session's, on the channel.
///
/// NIO's own `upgrade` would add its frame encoder and decoder (and the agent used to add a
/// validator and NIO's aggregator behind them): five handler contexts and a boxed frame per
/// hop for every message of every session, where ``SessionChannelHandler`` reads frames itself.
struct SessionUpgrader: NIOHTTPClientProtocolUpgrader {
    let supportedProtocol = "websocket"
    let requiredUpgradeHeaders: [String] = []

    private let handshake = NIOWebSocketClientUpgrader { channel, _ in channel.eventLoop.makeSucceededVoidFuture() }
    private let session: Session
    private let connectionID: UInt64

    init(session: Session, connectionID: UInt64) {
        self.session = session
        self.connectionID = connectionID
    }

    func addCustom(upgradeRequestHeaders: inout HTTPHeaders) {
        self.handshake.addCustom(upgradeRequestHeaders: &upgradeRequestHeaders)
    }

    func shouldAllowUpgrade(upgradeResponse: HTTPResponseHead) -> Bool {
        self.handshake.shouldAllowUpgrade(upgradeResponse: upgradeResponse)
    }

    func upgrade(context: ChannelHandlerContext, upgradeResponse: HTTPResponseHead) -> EventLoopFuture<Void> {
        context.eventLoop.makeCompletedFuture {
            let handler = SessionChannelHandler(session: self.session, connectionID: self.connectionID)
            try context.pipeline.syncOperations.addHandler(handler)
            self.session.connectionUpgraded(self.connectionID)
        }
    }
}
