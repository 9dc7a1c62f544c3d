import Foundation

/// What libcurl's write and header callbacks collect during one transfer: the start of the
/// body and the `Retry-After` of the final response. The callbacks capture nothing; they reach
/// this object through `CURLOPT_WRITEDATA` / `CURLOPT_HEADERDATA`, on the transfer's thread only.
final class CurlResponseCollector {
    /// How many body bytes are kept.
    let bodyLimit: Int
    /// The first ``bodyLimit`` bytes of the body.
    private(set) var bodyPrefix: [UInt8] = []
    /// Whether more body arrived than was kept.
    private(set) var bodyTruncated = false
    /// The `Retry-After` value of the latest response, as sent.
    private(set) var retryAfterValue: String?

    /// Creates a collector that keeps at most `bodyLimit` bytes of the body.
    init(bodyLimit: Int) {
        self.bodyLimit = bodyLimit
    }

    /// Body bytes as they arrive; beyond the limit they are counted as truncation and dropped.
    func receiveBody(_ bytes: UnsafeRawBufferPointer) {
        let room = self.bodyLimit - self.bodyPrefix.count
        if bytes.count > room { self.bodyTruncated = true }
        if room > 0 { self.bodyPrefix.append(contentsOf: bytes.prefix(room)) }
    }

    /// One header line as libcurl delivers it (with its CRLF). A status line starts a new
    /// response (after a `100 Continue`, say), which forgets the previous `Retry-After`.
    func receiveHeaderLine(_ bytes: UnsafeRawBufferPointer) {
        let line = String(decoding: bytes, as: UTF8.self)
        if line.hasPrefix("HTTP/") {
            self.retryAfterValue = nil
            return
        }
        guard let colon = line.firstIndex(of: ":") else { return }
        let name = line[..<colon]
        guard name.count == 11, name.lowercased() == "retry-after", self.retryAfterValue == nil else { return }
        self.retryAfterValue = line[line.index(after: colon)...].trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// The delay `Retry-After` asks for, a date being measured from `now`; nil without one.
    func retryAfter(now: Date) -> Duration? {
        guard let value = self.retryAfterValue else { return nil }
        return DeliveryStateMachine.RetryPolicy.retryAfter(header: value, now: now)
    }
}
