/// A ``HTTPPostRequest`` that got no HTTP answer.
///
/// ``detail`` is safe to log and to show: it names the receiver by scheme, host and port
/// only, never by path, query or credentials (webhook URLs carry keys).
package struct HTTPTransportFailure: Error, Sendable, Hashable, CustomStringConvertible {
    /// Why, as a small fixed set (a metric label).
    package var reason: Reason
    /// What happened, for a log line: `http://127.0.0.1:9093: Couldn't connect to server (Connection refused)`.
    package var detail: String

    /// Creates a failure.
    package init(reason: Reason, detail: String) {
        self.reason = reason
        self.detail = detail
    }

    /// `refused: http://127.0.0.1:9093: Couldn't connect to server (Connection refused)`.
    package var description: String { "\(self.reason.rawValue): \(self.detail)" }

    /// Why a request got no answer, derived from libcurl's `CURLcode` (and `errno` for a
    /// failed connect); the raw values suit a `reason` label.
    package enum Reason: String, Sendable, Hashable, CaseIterable {
        /// Nothing listens on the port (`ECONNREFUSED`).
        case refused
        /// The connect timeout or the total timeout expired.
        case timeout
        /// The host name did not resolve.
        case dnsFailure = "dns_failure"
        /// The TLS handshake failed, the certificate did not verify, or the CA file could not be read.
        case tlsFailure = "tls_failure"
        /// Any other network failure: unreachable, reset, closed without an answer, a malformed answer.
        case networkError = "network_error"
        /// The request cannot be sent as written: a bad URL, a scheme other than http(s), a bad
        /// header. Retrying will not help.
        case invalidRequest = "invalid_request"
        /// Never sent: the client was shut down, or the task was cancelled while it waited for a thread.
        case cancelled
    }
}
