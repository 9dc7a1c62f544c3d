import Foundation
import NIOConcurrencyHelpers
import NIOCore
import NIOSSL
import WSConnectionStateMachine
import WSHealthConfig
import WSHealthWebSocket

/// The probe's ``ConnectionTrace``: turns what the session and its connection report into
/// ``ProbeStep``s, hands each to `printer` as it happens, and decides the verdict.
///
/// Called on the session's event loop; the lock is for the probe reading the result from
/// elsewhere.
final class ProbeRecorder: ConnectionTrace, @unchecked Sendable {
    private let lock = NIOLock()
    private let started = NIODeadline.now()
    private let printer: (@Sendable (ProbeStep) -> Void)?
    private let redaction: HeaderRedaction
    private let wantedMessages: Int
    private var steps: [ProbeStep] = []
    private var validMessages = 0
    private var otherMessages = 0
    private var upgraded = false
    private var cipher: NIOTLSCipher?
    private var outcome: (verdict: ProbeVerdict, detail: String)?
    /// Succeeded once the verdict is known.
    let finished: EventLoopPromise<Void>

    /// The most bytes of a message's preview.
    static let previewBytes = 120

    init(
        finished: EventLoopPromise<Void>,
        wantedMessages: Int,
        redaction: HeaderRedaction,
        printer: (@Sendable (ProbeStep) -> Void)?
    ) {
        self.finished = finished
        self.wantedMessages = wantedMessages
        self.redaction = redaction
        self.printer = printer
    }

    /// The verdict and the steps, once `finished` has succeeded.
    var result: (verdict: ProbeVerdict, detail: String, steps: [ProbeStep]) {
        self.lock.withLock {
            let outcome = self.outcome ?? (.timeout, "the probe ended before a verdict")
            return (outcome.verdict, outcome.detail, self.steps)
        }
    }

    /// Adds a step, stamped now, unless the verdict is in.
    func add(_ step: String, _ lines: [String]) {
        let milliseconds = Double((NIODeadline.now() - self.started).nanoseconds) / 1e6
        let entry = ProbeStep(milliseconds: milliseconds, step: step, lines: lines)
        let added: Bool = self.lock.withLock {
            guard self.outcome == nil else { return false }
            self.steps.append(entry)
            return true
        }
        if added { self.printer?(entry) }
    }

    /// Settles the verdict; the first one stands.
    func finish(_ verdict: ProbeVerdict, _ detail: String) {
        let first: Bool = self.lock.withLock {
            guard self.outcome == nil else { return false }
            self.outcome = (verdict, detail)
            return true
        }
        if first { self.finished.succeed() }
    }

    /// The probe's time is up: what it saw by then is the verdict.
    func deadlinePassed(after duration: Duration) {
        let (valid, other, upgraded) = self.lock.withLock { (self.validMessages, self.otherMessages, self.upgraded) }
        let within = PrometheusDuration.format(duration)
        if valid > 0 {
            self.finish(.ok, "connected; \(valid) valid message\(valid == 1 ? "" : "s") within \(within)")
        } else if other > 0 {
            self.finish(
                .invalidData,
                "connected; \(other) message\(other == 1 ? "" : "s"), none valid, within \(within)"
            )
        } else if upgraded {
            self.finish(.noData, "connected; no message within \(within)")
        } else {
            self.finish(.timeout, "no WebSocket upgrade within \(within)")
        }
    }

    // MARK: ConnectionTrace

    func tcpConnected(local: SocketAddress?, remote: SocketAddress?) {
        self.add("tcp", ["connected to \(Self.describe(remote)) from \(Self.describe(local))"])
    }

    func serverChose(_ cipher: NIOTLSCipher) {
        self.lock.withLock { self.cipher = cipher }
    }

    func tlsEstablished(on channel: any Channel, alpn: String?) {
        let pipeline = channel.pipeline.syncOperations
        let version = (try? pipeline.nioSSL_tlsVersion()).flatMap { $0.map(Self.describe) } ?? "unknown version"
        let cipher = self.lock.withLock { self.cipher }.map(\.ianaName) ?? "cipher unknown"
        var lines = ["\(version), \(cipher), ALPN \(alpn ?? "none")"]
        if let certificate = try? pipeline.nioSSL_peerCertificate() {
            lines.append("certificate: \(Self.subject(of: certificate.description))")
            let expiry = Date(timeIntervalSince1970: TimeInterval(certificate.notValidAfter))
            let days = Int(expiry.timeIntervalSinceNow / 86_400)
            lines.append("expires: \(expiry.formatted(Date.ISO8601FormatStyle())) (in \(days) days)")
        }
        self.add("tls", lines)
    }

    func requestSent(_ lines: [String]) {
        self.add("request", self.redaction.request(lines))
    }

    func responseReceived(_ lines: [String]) {
        self.add("response", self.redaction.response(lines))
    }

    func received(_ message: InboundMessage, valid: Bool) {
        switch message {
        case .text(let text):
            let count: Int = self.lock.withLock {
                if valid { self.validMessages += 1 } else { self.otherMessages += 1 }
                return self.validMessages + self.otherMessages
            }
            let preview = SessionEvent.sanitized(
                String(decoding: text.readableBytesView, as: UTF8.self),
                limit: Self.previewBytes
            )
            self.add(
                "message",
                [
                    "#\(count) text, \(text.readableBytes) bytes\(valid ? "" : ", not data (see the target's expect)")",
                    preview,
                ]
            )
            let validCount = self.lock.withLock { self.validMessages }
            if valid && validCount >= self.wantedMessages {
                self.finish(.ok, "connected; \(validCount) valid message\(validCount == 1 ? "" : "s")")
            }
        case .binary(let bytes):
            self.lock.withLock { self.otherMessages += 1 }
            self.add(
                "message",
                ["binary, \(bytes?.readableBytes.description ?? "some") bytes (not data: the dashboard reads text)"]
            )
        case .ping:
            self.add("ping", ["from the server; answered with a pong"])
        case .pong:
            self.add("pong", ["from the server"])
        case .close:
            break  // reported with the session's event, which has the code and reason
        }
    }

    func pingSent() {
        self.add("ping", ["sent (keepalive)"])
    }

    func recorded(_ event: SessionEvent) {
        guard let transition = event.transition else {
            self.add("stale", [event.kind == .staleMarked ? "no new data for stale_after" : "fresh data again"])
            if event.kind == .staleMarked {
                self.finish(.noData, "connected; the data is stale: no new data for stale_after")
            }
            return
        }
        var line = "\(transition.from.rawValue) → \(transition.to.rawValue)"
        if event.durationNanoseconds >= 0 {
            line += String(format: " after %.1f ms", Double(event.durationNanoseconds) / 1e6)
        }
        var lines = [line]
        if let failure = event.failure {
            lines.append("failed: \(failure.rawValue)\(event.httpStatus.map { " (HTTP \($0))" } ?? "")")
        }
        if let cause = event.disconnect {
            lines.append("ended: \(cause.rawValue)\(event.closeCode.map { " (close \($0))" } ?? "")")
        }
        if let detail = event.detail { lines.append(detail) }
        self.add("state", lines)
        if transition.to == .connected { self.lock.withLock { self.upgraded = true } }
        if let failure = event.failure {
            self.finish(ProbeVerdict(failure), event.detail ?? failure.rawValue)
        } else if let cause = event.disconnect {
            var detail = event.closeCode.map { "closed with \($0)" } ?? cause.rawValue
            // The server's close reason follows the code; the agent's own sentence names it.
            if let reason = event.detail { detail = reason.hasPrefix(detail) ? reason : "\(detail): \(reason)" }
            self.finish(ProbeVerdict(cause), detail)
        }
    }

    // MARK: Descriptions

    private static func describe(_ address: SocketAddress?) -> String {
        guard let address, let ip = address.ipAddress, let port = address.port else { return "?" }
        return address.protocol == .inet6 ? "[\(ip)]:\(port)" : "\(ip):\(port)"
    }

    private static func describe(_ version: TLSVersion) -> String {
        switch version {
        case .tlsv1: "TLS 1.0"
        case .tlsv11: "TLS 1.1"
        case .tlsv12: "TLS 1.2"
        case .tlsv13: "TLS 1.3"
        }
    }

    /// The certificate's common name and alternative names, from NIOSSL's description of it
    /// (`<NIOSSLCertificate;serial_number=…;common_name=…;alternative_names=…>`): parsing the
    /// DER with swift-certificates would link two libraries whose metadata alone costs the idle
    /// agent 0.4 MiB of resident memory, for a line of the probe's output.
    static func subject(of description: String) -> String {
        let fields = description.trimmingCharacters(in: ["<", ">"]).split(separator: ";")
        var parts: [String] = []
        for field in fields {
            if field.hasPrefix("common_name=") { parts.append("CN=" + field.dropFirst("common_name=".count)) }
            if field.hasPrefix("alternative_names=") {
                let names = field.dropFirst("alternative_names=".count).split(separator: ",")
                parts.append("SAN " + names.joined(separator: ", "))
            }
        }
        return parts.isEmpty ? "no subject name" : "subject " + parts.joined(separator: "; ")
    }

}
