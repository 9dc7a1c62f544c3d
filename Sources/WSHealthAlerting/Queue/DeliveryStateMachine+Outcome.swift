extension DeliveryStateMachine {
    /// How a request ended, as the HTTP client saw it.
    package enum Outcome: Hashable, Sendable {
        /// The receiver answered 2xx.
        case delivered
        /// The receiver answered with this status (a 2xx counts as delivered), and the
        /// `Retry-After` it sent, if any (see ``RetryPolicy/retryAfter(header:now:)``).
        case httpStatus(Int, retryAfter: Duration?)
        /// No answer: refused, reset, DNS, TLS or timeout; the client's message, for logs.
        case transportFailure(String)
    }

    /// A failed request: the metric's reason, a line for the log, and whether it is retried.
    package struct Failure: Hashable, Sendable, CustomStringConvertible {
        /// The `reason` label.
        package var reason: FailureReason
        /// `HTTP 503`, or the transport error.
        package var detail: String
        /// Whether the batch will be retried; false when it was abandoned.
        package var willRetry: Bool

        /// Creates a failure.
        package init(reason: FailureReason, detail: String, willRetry: Bool) {
            self.reason = reason
            self.detail = detail
            self.willRetry = willRetry
        }

        /// `http_5xx (HTTP 503), retrying`.
        package var description: String {
            "\(self.reason.rawValue) (\(self.detail)), \(self.willRetry ? "retrying" : "given up")"
        }
    }

    /// Why a request failed: the `reason` label of `wshealth_notification_failures_total`,
    /// a small fixed set (export 0 for each of ``allCases``).
    package enum FailureReason: String, Hashable, Sendable, CaseIterable {
        /// No HTTP answer (retried).
        case network
        /// 429 Too Many Requests (retried, honouring `Retry-After`).
        case http429 = "http_429"
        /// A 5xx (retried, honouring `Retry-After`).
        case http5xx = "http_5xx"
        /// A 4xx other than 429 (abandoned).
        case http4xx = "http_4xx"
        /// A 1xx or 3xx, or a status outside 100…599 (abandoned: a redirect is configuration).
        case httpOther = "http_other"
    }

    /// What an outcome means for the batch.
    enum Verdict {
        case delivered
        case retry(Failure, retryAfter: Duration?)
        case abandon(Failure)
    }

    /// Network errors, 5xx and 429 are retried; every other non-2xx answer abandons the batch.
    static func verdict(for outcome: Outcome) -> Verdict {
        switch outcome {
        case .delivered:
            return .delivered
        case .transportFailure(let message):
            return .retry(Failure(reason: .network, detail: message, willRetry: true), retryAfter: nil)
        case .httpStatus(let status, let retryAfter):
            let detail = "HTTP \(status)"
            switch status {
            case 200...299:
                return .delivered
            case 429:
                return .retry(Failure(reason: .http429, detail: detail, willRetry: true), retryAfter: retryAfter)
            case 500...599:
                return .retry(Failure(reason: .http5xx, detail: detail, willRetry: true), retryAfter: retryAfter)
            case 400...499:
                return .abandon(Failure(reason: .http4xx, detail: detail, willRetry: false))
            default:
                return .abandon(Failure(reason: .httpOther, detail: detail, willRetry: false))
            }
        }
    }
}
