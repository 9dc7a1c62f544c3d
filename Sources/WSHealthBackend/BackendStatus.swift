import WSHealthConfig

/// A snapshot of the reference backend: its clients, its counters and its fault switches.
///
/// Encoded as the JSON body of `GET /status`, with snake_case keys.
public struct BackendStatus: Sendable, Hashable, Codable {
    /// WebSocket clients currently connected and receiving metrics.
    public var connectedClients: Int
    /// Text messages handed to clients since start (metrics, garbage and oversize; not binary or bad frames).
    public var messagesSent: Int
    /// Upgrade requests on the endpoint's path that were accepted.
    public var handshakesAccepted: Int
    /// Upgrade requests on the endpoint's path that were refused (HTTP 403 or close 1008).
    public var handshakesRefused: Int
    /// The fault switches in force.
    public var switches: BackendSwitches
    /// Every fault endpoint of the admin listener with its parameters, e.g.
    /// `POST /faults/close?code=N&reason=TEXT`.
    public var faults: [String]

    /// Creates a status snapshot.
    public init(
        connectedClients: Int,
        messagesSent: Int,
        handshakesAccepted: Int,
        handshakesRefused: Int,
        switches: BackendSwitches
    ) {
        self.connectedClients = connectedClients
        self.messagesSent = messagesSent
        self.handshakesAccepted = handshakesAccepted
        self.handshakesRefused = handshakesRefused
        self.switches = switches
        self.faults = AdminRoute.faultUsage
    }

    private enum CodingKeys: String, CodingKey {
        case connectedClients = "connected_clients"
        case messagesSent = "messages_sent"
        case handshakesAccepted = "handshakes_accepted"
        case handshakesRefused = "handshakes_refused"
        case switches
        case faults
    }
}

/// The fault switches of the reference backend; the default value has none active.
public struct BackendSwitches: Sendable, Hashable, Codable {
    /// Whether the backend sends nothing (no metrics, no pongs).
    public var stalled: Bool = false
    /// Whether every token is refused.
    public var refuseTokens: Bool = false
    /// How refused handshakes are expressed.
    public var authMode: AuthRefusalMode = .http403
    /// How long each upgrade request waits before it is answered.
    public var handshakeDelay: Duration = .zero
    /// Whether the WebSocket listener is closed by a `down` fault.
    public var down: Bool = false
    /// The HTTP status every upgrade request is answered with; 0 when upgrades are not rejected.
    public var rejectUpgradeStatus: Int = 0
    /// How upgrade requests are answered when the handshake is broken on purpose.
    public var badHandshake: BadHandshake = .off
    /// The timestamp every message carries while `freeze-timestamp` is on; nil: the current time.
    public var frozenTimestamp: String? = nil

    /// Creates switches; the defaults are the backend's normal behaviour.
    public init(
        stalled: Bool = false,
        refuseTokens: Bool = false,
        authMode: AuthRefusalMode = .http403,
        handshakeDelay: Duration = .zero,
        down: Bool = false,
        rejectUpgradeStatus: Int = 0,
        badHandshake: BadHandshake = .off
    ) {
        self.stalled = stalled
        self.refuseTokens = refuseTokens
        self.authMode = authMode
        self.handshakeDelay = handshakeDelay
        self.down = down
        self.rejectUpgradeStatus = rejectUpgradeStatus
        self.badHandshake = badHandshake
    }

    /// The names of the switches that differ from normal behaviour, e.g. `["stall", "slow-handshake"]`.
    public var active: [String] {
        var names: [String] = []
        if self.stalled { names.append("stall") }
        if self.refuseTokens { names.append("refuse-tokens") }
        if self.authMode != .http403 { names.append("auth-mode") }
        if self.handshakeDelay > .zero { names.append("slow-handshake") }
        if self.down { names.append("down") }
        if self.rejectUpgradeStatus != 0 { names.append("reject-upgrade") }
        if self.badHandshake != .off { names.append("bad-handshake") }
        if self.frozenTimestamp != nil { names.append("freeze-timestamp") }
        return names
    }

    private enum CodingKeys: String, CodingKey {
        case stalled
        case refuseTokens = "refuse_tokens"
        case authMode = "auth_mode"
        case handshakeDelay = "handshake_delay"
        case down
        case rejectUpgradeStatus = "reject_upgrade_status"
        case badHandshake = "bad_handshake"
        case frozenTimestamp = "frozen_timestamp"
        case active
    }

    /// Decodes switches; `handshake_delay` is a Prometheus duration such as `500ms`.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        self.stalled = try container.decode(Bool.self, forKey: .stalled)
        self.refuseTokens = try container.decode(Bool.self, forKey: .refuseTokens)
        self.authMode = try container.decode(AuthRefusalMode.self, forKey: .authMode)
        let delay = try container.decode(String.self, forKey: .handshakeDelay)
        guard let parsed = PrometheusDuration.parse(delay) else {
            throw DecodingError.dataCorruptedError(
                forKey: .handshakeDelay,
                in: container,
                debugDescription: "not a duration: \(delay)"
            )
        }
        self.handshakeDelay = parsed
        self.down = try container.decode(Bool.self, forKey: .down)
        self.rejectUpgradeStatus = try container.decode(Int.self, forKey: .rejectUpgradeStatus)
        self.badHandshake = try container.decode(BadHandshake.self, forKey: .badHandshake)
        self.frozenTimestamp = try container.decodeIfPresent(String.self, forKey: .frozenTimestamp)
    }

    /// Encodes switches, with the list of active ones for people reading `/status`.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(self.stalled, forKey: .stalled)
        try container.encode(self.refuseTokens, forKey: .refuseTokens)
        try container.encode(self.authMode, forKey: .authMode)
        try container.encode(PrometheusDuration.format(self.handshakeDelay), forKey: .handshakeDelay)
        try container.encode(self.down, forKey: .down)
        try container.encode(self.rejectUpgradeStatus, forKey: .rejectUpgradeStatus)
        try container.encode(self.frozenTimestamp, forKey: .frozenTimestamp)
        try container.encode(self.badHandshake, forKey: .badHandshake)
        try container.encode(self.active, forKey: .active)
    }
}
