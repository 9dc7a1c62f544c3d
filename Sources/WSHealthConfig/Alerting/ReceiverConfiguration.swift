/// One destination of notifications.
public struct ReceiverConfiguration: Sendable, Equatable {
    /// The payload a receiver takes.
    public enum Kind: String, Sendable, Equatable, CaseIterable {
        /// Alertmanager's API v2: `POST /api/v2/alerts`.
        case alertmanager
        /// Alertmanager's webhook payload (version 4).
        case webhook
        /// A Slack or Mattermost incoming webhook: `{"text": …}`.
        case slack
    }

    /// Where the URLs come from.
    public enum URLSource: Sendable, Equatable {
        /// Written in the configuration: `url:` or `urls:`. With Alertmanager, each URL is one
        /// member of the cluster and all of them get every notification.
        case urls([String])
        /// `url_file:`, read when the receiver starts (at start-up and reload), so a URL with a
        /// key in it can live in a Kubernetes secret.
        case file(String)
    }

    /// HTTP basic authentication towards the receiver.
    public struct BasicAuth: Sendable, Equatable {
        /// The user name.
        public var username: String
        /// The file holding the password (read at start), or the password itself.
        public var password: Secret

        /// Creates basic authentication settings.
        public init(username: String, password: Secret) {
            self.username = username
            self.password = password
        }
    }

    /// A credential given inline or in a file.
    public enum Secret: Sendable, Equatable {
        /// Written in the configuration.
        case value(String)
        /// Read from a file when the receiver starts; trailing newlines are dropped.
        case file(String)
    }

    /// Unique; the `receiver` label of the notification metrics.
    public var name: String
    /// The payload.
    public var kind: Kind
    /// The URL or URLs.
    public var url: URLSource
    /// Extra request headers.
    public var headers: [String: String]
    /// A bearer token file: `Authorization: Bearer …`.
    public var bearerTokenFile: String?
    /// Basic authentication.
    public var basicAuth: BasicAuth?
    /// TLS towards the receiver (verification is always on unless `insecure_skip_verify`).
    public var tls: TLSConfiguration?
    /// Firing alerts are sent again this often (Alertmanager resolves alerts that stop being
    /// sent; `endsAt` is now + 4 × this). Only for `alertmanager`. Default 1 m.
    public var resendInterval: Duration
    /// The whole request, connection included. Default 10 s.
    public var timeout: Duration
    /// Whether resolved notifications are sent. Default true.
    public var sendResolved: Bool
    /// Notifications kept while the receiver is unreachable; beyond it the oldest resolved ones
    /// are dropped first. Default 1000.
    public var queueCapacity: Int

    /// Creates a receiver with the documented defaults.
    public init(
        name: String,
        kind: Kind,
        url: URLSource,
        headers: [String: String] = [:],
        bearerTokenFile: String? = nil,
        basicAuth: BasicAuth? = nil,
        tls: TLSConfiguration? = nil,
        resendInterval: Duration = .seconds(60),
        timeout: Duration = .seconds(10),
        sendResolved: Bool = true,
        queueCapacity: Int = 1000
    ) {
        self.name = name
        self.kind = kind
        self.url = url
        self.headers = headers
        self.bearerTokenFile = bearerTokenFile
        self.basicAuth = basicAuth
        self.tls = tls
        self.resendInterval = resendInterval
        self.timeout = timeout
        self.sendResolved = sendResolved
        self.queueCapacity = queueCapacity
    }
}
