import NIOHTTP1
import WSHealthConfig

/// What an admin HTTP request asks for, parsed from its method and target with no I/O.
enum AdminRoute: Hashable {
    /// `GET /status`.
    case status
    /// `POST /faults/...`.
    case fault(BackendFault)

    /// Why a request maps to no route; each case carries the message of the answer.
    enum Rejection: Error, Hashable {
        /// 404: no such endpoint.
        case notFound(String)
        /// 405: the endpoint exists with another method.
        case methodNotAllowed(String)
        /// 400: a parameter is missing or bad; the message names it and its value.
        case badRequest(String)

        /// The HTTP status of the answer.
        var status: HTTPResponseStatus {
            switch self {
            case .notFound: .notFound
            case .methodNotAllowed: .methodNotAllowed
            case .badRequest: .badRequest
            }
        }

        /// The message of the answer.
        var message: String {
            switch self {
            case .notFound(let message), .methodNotAllowed(let message), .badRequest(let message): message
            }
        }
    }

    /// The route of `method` and `uri`, with every parameter checked.
    static func parse(method: HTTPMethod, uri: String) throws(Rejection) -> AdminRoute {
        let target = RequestTarget(uri)
        if target.path == "/status" {
            guard method == .GET else {
                throw .methodNotAllowed("\(method) /status: use GET")
            }
            return .status
        }
        guard target.path.hasPrefix("/faults/") else {
            throw .notFound("no endpoint \(target.path)")
        }
        let name = String(target.path.dropFirst("/faults/".count))
        guard Self.faultNames.contains(name) else {
            throw .notFound("no fault \"\(name)\"; known: \(Self.faultNames.joined(separator: ", "))")
        }
        guard method == .POST else {
            throw .methodNotAllowed("\(method) \(target.path): use POST")
        }
        let fault = try Self.fault(named: name, target: target)
        do {
            try fault.validate()
        } catch {
            throw .badRequest(error.description)
        }
        return .fault(fault)
    }

    /// Every fault endpoint with its parameters, as `GET /status` lists them.
    static let faultUsage: [String] = {
        func choices<Choice: RawRepresentable & CaseIterable>(_: Choice.Type) -> String
        where Choice.RawValue == String {
            Choice.allCases.map(\.rawValue).joined(separator: "|")
        }
        return [
            "POST /faults/drop", "POST /faults/close?code=N&reason=TEXT", "POST /faults/stall?enabled=true|false",
            "POST /faults/garbage", "POST /faults/freeze-timestamp?enabled=true|false", "POST /faults/binary",
            "POST /faults/oversize?bytes=N",
            "POST /faults/bad-frame?kind=\(choices(BadFrame.self))", "POST /faults/refuse-tokens?enabled=true|false",
            "POST /faults/auth-mode?mode=\(choices(AuthRefusalMode.self))",
            "POST /faults/slow-handshake?delay=DURATION",
            "POST /faults/reject-upgrade?status=N", "POST /faults/bad-handshake?kind=\(choices(BadHandshake.self))",
            "POST /faults/down?seconds=N", "POST /faults/reset",
        ]
    }()

    private static let faultNames = Self.faultUsage.map { usage in
        String(usage.dropFirst("POST /faults/".count).prefix { $0 != "?" })
    }

    private static func fault(named name: String, target: RequestTarget) throws(Rejection) -> BackendFault {
        switch name {
        case "drop": return .drop
        case "garbage": return .garbage
        case "binary": return .binary
        case "reset": return .reset
        case "stall": return .stall(enabled: try self.bool("enabled", in: target))
        case "freeze-timestamp": return .freezeTimestamp(enabled: try self.bool("enabled", in: target))
        case "refuse-tokens": return .refuseTokens(enabled: try self.bool("enabled", in: target))
        case "auth-mode":
            let mode = try self.required("mode", in: target)
            guard let parsed = AuthRefusalMode(rawValue: mode) else {
                throw .badRequest("mode: must be http403 or close1008, got \"\(mode)\"")
            }
            return .authMode(parsed)
        case "slow-handshake":
            let delay = try self.required("delay", in: target)
            guard let parsed = PrometheusDuration.parse(delay) else {
                throw .badRequest("delay: must be a duration such as 500ms, 5s or 1m (0s clears), got \"\(delay)\"")
            }
            return .slowHandshake(delay: parsed)
        case "down":
            let seconds = try self.required("seconds", in: target)
            guard let parsed = Self.seconds(seconds) else {
                throw .badRequest("seconds: must be a non-negative number or a duration such as 5s, got \"\(seconds)\"")
            }
            return .down(duration: parsed)
        case "reject-upgrade":
            let text = try self.required("status", in: target)
            guard let status = Int(text) else {
                throw .badRequest("status: must be an HTTP status such as 503 (0 clears), got \"\(text)\"")
            }
            return .rejectUpgrade(status: status)
        case "bad-handshake":
            return .badHandshake(try self.choice(BadHandshake.self, "kind", in: target))
        case "bad-frame":
            // Without `kind`, the first and plainest violation: a reserved opcode.
            guard target["kind"] != nil else { return .badFrame(.reservedOpcode) }
            return .badFrame(try self.choice(BadFrame.self, "kind", in: target))
        case "oversize":
            let text = try self.required("bytes", in: target)
            guard let bytes = Int(text) else {
                throw .badRequest("bytes: must be a number of bytes such as 2097152, got \"\(text)\"")
            }
            return .oversize(bytes: bytes)
        case "close":
            let text = try self.required("code", in: target)
            guard let code = UInt16(text) else {
                throw .badRequest("code: must be a close code such as 1011, got \"\(text)\"")
            }
            return .close(code: code, reason: target["reason"] ?? "")
        default:
            preconditionFailure("Invalid fault name: \(name)")
        }
    }

    private static func required(_ name: String, in target: RequestTarget) throws(Rejection) -> String {
        guard let value = target[name] else {
            throw .badRequest("\(name): missing query parameter")
        }
        return value
    }

    /// One of an enumeration's raw values; the message lists them all.
    private static func choice<Choice: RawRepresentable<String> & CaseIterable>(
        _ type: Choice.Type,
        _ name: String,
        in target: RequestTarget
    ) throws(Rejection) -> Choice {
        let value = try self.required(name, in: target)
        guard let parsed = Choice(rawValue: value) else {
            let names = Choice.allCases.map(\.rawValue)
            let list = names.dropLast().joined(separator: ", ") + " or " + names.last!
            throw .badRequest("\(name): must be \(list), got \"\(value)\"")
        }
        return parsed
    }

    private static func bool(_ name: String, in target: RequestTarget) throws(Rejection) -> Bool {
        switch try self.required(name, in: target) {
        case "true": return true
        case "false": return false
        case let other: throw .badRequest("\(name): must be true or false, got \"\(other)\"")
        }
    }

    /// A plain number of seconds (`2`, `0.5`) or a Prometheus duration (`2s`).
    private static func seconds(_ text: String) -> Duration? {
        if let value = Double(text), value.isFinite, value >= 0,
            value <= Double(BackendFault.maximumDuration.components.seconds)
        {
            return .milliseconds(Int64((value * 1_000).rounded()))
        }
        return PrometheusDuration.parse(text)
    }
}
