import HummingbirdCore
import Logging
import NIOCore
import NIOHTTP1
import NIOHTTPTypes
import NIOHTTPTypesHTTP1

/// The agent's HTTP/1 connections: the pipeline Hummingbird's `HTTP1Channel` builds (2.28), with
/// a ``ScrapeHandler`` between its connection state handler and the router's async channel.
///
/// `HTTP1Channel`'s own extension point (`additionalChannelHandlers`) sits before the state
/// handler: requests answered there would be invisible to it, and a connection that only
/// scrapes would look idle and be closed by the idle timeout.
struct WebChannel: ServerChildChannel, HTTPChannelHandler {
    typealias Value = NIOAsyncChannel<HTTPRequestPart, HTTPResponsePart>

    let responder: HTTPChannelHandler.Responder
    let configuration: HTTP1Channel.Configuration
    let registry: MetricsRegistry
    let authenticator: BasicAuthenticator?

    func setup(channel: any Channel, logger: Logger) -> EventLoopFuture<Value> {
        channel.eventLoop.makeCompletedFuture {
            var limits = NIOHTTPDecoderLimitConfiguration()
            limits.maxHeaderFieldSize = self.configuration.httpDecoder.maxHeaderFieldSize
            limits.maxHeaderListSize = self.configuration.httpDecoder.maxHeaderListSize
            limits.maxHeaderFieldCount = self.configuration.httpDecoder.maxHeaderFieldCount
            let pipeline = channel.pipeline.syncOperations
            try pipeline.configureHTTPServerPipeline(
                withPipeliningAssistance: false,
                withErrorHandling: false,
                withOutboundHeaderValidation: false,
                withEncoderConfiguration: .init(),
                withDecoderLimitConfiguration: limits
            )
            try pipeline.addHandler(HTTP1ToHTTPServerCodec(secure: false))
            try pipeline.addHandler(
                HTTPConnectionStateHandler(
                    idleTimeout: self.configuration.idleTimeout.map { .init($0) },
                    logger: logger
                )
            )
            try pipeline.addHandler(ScrapeHandler(registry: self.registry, authenticator: self.authenticator))
            return try NIOAsyncChannel(
                wrappingChannelSynchronously: channel,
                configuration: .init(isOutboundHalfClosureEnabled: true)
            )
        }
    }

    func handle(value asyncChannel: Value, logger: Logger) async {
        await self.handleHTTP(asyncChannel: asyncChannel, logger: logger)
    }
}
