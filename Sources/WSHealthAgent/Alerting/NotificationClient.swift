import Foundation
import Logging
import NIOConcurrencyHelpers
import Synchronization
import WSHealthAlerting
import WSHealthConfig

/// Turns receiver configurations into senders: reads their secret files, builds each payload,
/// and posts it with libcurl on the client's own threads.
final class NotificationClient: Sendable {
    /// Made with the first sender: an agent without receivers starts no delivery threads.
    private let client = NIOLockedValueBox<CurlHTTPClient?>(nil)
    private let logger: Logger
    /// Whether the libcurl version was logged (once per process is enough).
    private let hasLoggedLibrary = Atomic(false)

    init(logger: Logger) {
        self.logger = logger
    }

    /// Stops the client's threads once the deliveries are done with them.
    func shutdown() async { await self.client.withLockedValue { $0 }?.shutdown() }

    /// Reads every file the receivers of `alerting` name, so that a reload with a missing one
    /// fails before anything changes.
    func check(_ alerting: AlertingConfiguration) throws {
        for receiver in alerting.receivers {
            for url in try self.urls(of: receiver) { _ = try self.request(for: receiver, url: url) }
        }
    }

    /// The receiver's URLs; `url_file` is read now (at start and at each reload).
    func urls(of receiver: ReceiverConfiguration) throws -> [String] {
        switch receiver.url {
        case .urls(let urls):
            return urls
        case .file(let path):
            let url = try Self.read(path, what: "url_file", of: receiver)
            guard let components = URLComponents(string: url), ["http", "https"].contains(components.scheme),
                components.host?.isEmpty == false
            else {
                throw AgentError("receiver \(receiver.name): url_file \(path) does not hold an http(s) URL")
            }
            return [url]
        }
    }

    /// What posts a batch of alerts to `url` and says how it went.
    func sender(for receiver: ReceiverConfiguration, url: String, externalURL: String) throws -> ReceiverDelivery.Send {
        let template = try self.request(for: receiver, url: url)
        let http = self.client.withLockedValue { client in
            if let client { return client }
            let made = CurlHTTPClient()
            client = made
            return made
        }
        return { alerts in
            var request = template
            request.body = Self.body(alerts, for: receiver, externalURL: externalURL)
            switch await http.post(request) {
            case .response(let response) where response.isSuccess:
                return .delivered
            case .response(let response):
                return .httpStatus(response.status, retryAfter: response.retryAfter)
            case .failure(let failure):
                return .transportFailure("\(failure)")
            }
        }
    }

    /// The payload the receiver's type takes.
    static func body(_ alerts: [Alert], for receiver: ReceiverConfiguration, externalURL: String) -> [UInt8] {
        let data: Data
        switch receiver.kind {
        case .alertmanager:
            let resend = Double(receiver.resendInterval.components.seconds)
            data = AlertmanagerPayload.body(
                for: alerts,
                firingEndsAt: Date().addingTimeInterval(4 * resend),
                generatorURL: externalURL
            )
        case .webhook:
            data = WebhookPayload.body(
                for: alerts,
                receiver: receiver.name,
                externalURL: externalURL,
                generatorURL: externalURL
            )
        case .slack:
            data = SlackPayload.body(for: alerts)
        }
        return Array(data)
    }

    /// The request without its body: URL, headers, credentials, TLS and timeouts. Loads
    /// libcurl first, so that a machine without it fails the start or the reload that sets up
    /// a receiver, not each delivery.
    private func request(for receiver: ReceiverConfiguration, url: String) throws -> HTTPPostRequest {
        do {
            let version = try CurlLibrary.load()
            if !self.hasLoggedLibrary.exchange(true, ordering: .relaxed) {
                self.logger.info("libcurl loaded for alert delivery", metadata: ["version": "\(version)"])
            }
        } catch {
            throw AgentError("receiver \(receiver.name): \(error)")
        }
        var authorization: HTTPPostRequest.Authorization?
        if let file = receiver.bearerTokenFile {
            authorization = .bearer(try Self.read(file, what: "bearer_token_file", of: receiver))
        }
        if let basic = receiver.basicAuth {
            let password: String
            switch basic.password {
            case .value(let value): password = value
            case .file(let path): password = try Self.read(path, what: "basic_auth.password_file", of: receiver)
            }
            authorization = .basic(username: basic.username, password: password)
        }
        return HTTPPostRequest(
            url: receiver.kind == .alertmanager ? Self.alertsEndpoint(of: url) : url,
            headers: receiver.headers,
            body: [],
            connectTimeout: min(.seconds(5), receiver.timeout),
            totalTimeout: receiver.timeout,
            caFile: receiver.tls?.caFile,
            insecureSkipVerify: receiver.tls?.insecureSkipVerify ?? false,
            authorization: authorization
        )
    }

    /// Alertmanager's `POST /api/v2/alerts` under its base URL (which may have a path prefix,
    /// as with `--web.route-prefix`).
    static func alertsEndpoint(of base: String) -> String {
        var base = base
        while base.hasSuffix("/") { base.removeLast() }
        return base + "/api/v2/alerts"
    }

    /// A secret file's content without trailing newlines; errors name the file, never its content.
    private static func read(_ path: String, what: String, of receiver: ReceiverConfiguration) throws -> String {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw AgentError("receiver \(receiver.name): cannot read \(what) \(path)")
        }
        let text = String(decoding: data, as: UTF8.self).trimmingCharacters(in: .newlines)
        guard !text.isEmpty else { throw AgentError("receiver \(receiver.name): \(what) \(path) is empty") }
        return text
    }
}
