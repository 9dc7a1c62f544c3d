import Foundation
import WSHealthConfig

/// Prometheus rules for two service-level objectives of every target, as `wshealth slo-rules`
/// prints them: recording rules for the error ratio of each SLI over each window, and the SRE
/// workbook's multi-window, multi-burn-rate alerts (chapter 5, "Alerting on SLOs").
///
/// The SLIs, from the agent's own counters:
/// - connection success: failed attempts over the attempts that ended (successful handshakes,
///   `wshealth_handshake_duration_seconds_count`, and failures,
///   `wshealth_connection_failures_total`), but for the agent's own `resource_exhausted`, which
///   never reached the target;
/// - data freshness: session time with stale data over session time
///   (`wshealth_stale_session_seconds_total` / `wshealth_session_seconds_total`).
///
/// Each alert fires when both its long and its short window burn the budget faster than its
/// rate: the long window makes it significant, the short one makes it stop soon after the
/// burning stops. Rates are the workbook's for 30 days (14.4, 6, 3, 1), scaled for other
/// windows so that each still means the same share of the budget spent in its long window.
public struct SLORules: Sendable {
    /// The objective, as a percentage: 99.9.
    public var objective: Double
    /// The SLO's window: 30 days.
    public var window: Duration
    /// Only the targets whose name matches (a PromQL regular expression, anchored); nil: all.
    public var targetRegex: String?

    /// One of the workbook's alert windows.
    struct BurnWindow {
        var long: Duration
        var short: Duration
        /// The share of the budget this window's alert stands for having spent.
        var budgetShare: Double
        var severity: String
    }

    static let burnWindows = [
        BurnWindow(long: .seconds(3600), short: .seconds(300), budgetShare: 0.02, severity: "page"),
        BurnWindow(long: .seconds(6 * 3600), short: .seconds(1800), budgetShare: 0.05, severity: "page"),
        BurnWindow(long: .seconds(86_400), short: .seconds(7200), budgetShare: 0.1, severity: "ticket"),
        BurnWindow(long: .seconds(3 * 86_400), short: .seconds(6 * 3600), budgetShare: 0.1, severity: "ticket"),
    ]

    /// A counter of an SLI, with the label matchers that select what it counts.
    struct Counter {
        var name: String
        var matchers: [String] = []
    }

    /// One SLI: its name, the counters whose rates sum to its errors and to its total, and how
    /// alerts describe it.
    struct Indicator {
        var slo: String
        var record: String
        var errors: [Counter]
        var total: [Counter]
        var summary: String
        /// What spends the budget, with its verb.
        var spending: String
    }

    /// The failed attempts that reached the target: not those the agent could not make.
    static let targetFailures = Counter(
        name: "wshealth_connection_failures_total",
        matchers: [#"reason!="resource_exhausted""#]
    )

    static let indicators = [
        Indicator(
            slo: "connection_success",
            record: "wshealth_connection_error",
            errors: [Self.targetFailures],
            total: [Counter(name: "wshealth_handshake_duration_seconds_count"), Self.targetFailures],
            summary: "failed connection attempts burn",
            spending: "failed connection attempts spend"
        ),
        Indicator(
            slo: "data_freshness",
            record: "wshealth_stale_data",
            errors: [Counter(name: "wshealth_stale_session_seconds_total")],
            total: [Counter(name: "wshealth_session_seconds_total")],
            summary: "stale data burns",
            spending: "session time with stale data spends"
        ),
    ]

    /// The runbook the alerts link to.
    static let runbookURL = "https://github.com/wshealth/wshealth/blob/main/deploy/runbooks/WebSocketErrorBudgetBurn.md"

    /// Rules for `objective` percent over `window`, for the targets matching `targetRegex`.
    ///
    /// - Throws: ``SLORulesError`` for an objective outside (0, 100) or a window shorter than the
    ///   longest alert window (3 days).
    public init(objective: Double, window: Duration, targetRegex: String? = nil) throws(SLORulesError) {
        guard objective > 0, objective < 100, objective.isFinite else {
            throw SLORulesError("--objective must be a percentage above 0 and below 100, like 99.9; got \(objective)")
        }
        guard window >= .seconds(3 * 86_400) else {
            throw SLORulesError(
                "--window must be at least 3d, the longest alert window; got \(PrometheusDuration.format(window))"
            )
        }
        self.objective = objective
        self.window = window
        self.targetRegex = targetRegex
    }

    /// The share of events the objective allows to fail: 0.001 for 99.9 %.
    var errorBudget: Double { (100 - self.objective) / 100 }

    /// The windows the recording rules cover: every alert window, and the SLO's own.
    var recordedWindows: [Duration] {
        var windows: [Duration] = []
        for burn in Self.burnWindows {
            for window in [burn.short, burn.long] where !windows.contains(window) { windows.append(window) }
        }
        if !windows.contains(self.window) { windows.append(self.window) }
        return windows.sorted()
    }

    /// The burn rate of `burn` for this SLO's window, to 4 decimals.
    func burnRate(_ burn: BurnWindow) -> Double {
        let windows = Double(self.window.nanoseconds) / Double(burn.long.nanoseconds)
        return (burn.budgetShare * windows * 10_000).rounded() / 10_000
    }

    /// The summed per-target rates of `counters` over `range`, as one PromQL operand (in
    /// parentheses when there are several), at the indentation of a recording rule's `expr`.
    private func rateSum(_ counters: [Counter], range: String) -> String {
        let target = self.targetRegex.map { ["target=~\(Self.promQLString($0))"] } ?? []
        let rates = counters.map { counter in
            let matchers = counter.matchers + target
            let selector = matchers.isEmpty ? "" : "{\(matchers.joined(separator: ", "))}"
            return "sum by (job, instance, target) (rate(\(counter.name)\(selector)[\(range)]))"
        }
        guard rates.count > 1 else { return rates[0] }
        let indent = String(repeating: " ", count: 10)
        return "(\n\(indent)  " + rates.joined(separator: "\n\(indent)  + ") + "\n\(indent))"
    }

    /// The rules file, YAML.
    public func render() -> String {
        let objective = Self.number(self.objective)
        let windowText = PrometheusDuration.format(self.window)
        var text = """
            # Service-level objectives of wshealth's targets: \(objective) % over \(windowText).
            # Generated by `wshealth slo-rules --objective \(objective) --window \(windowText)\
            \(self.targetRegex.map { " --target-regex \(Self.shellQuoted($0))" } ?? "")`; regenerate rather than edit.
            #
            # Two SLIs per target, from the agent's counters: connection success (failed attempts over
            # the attempts that ended, but for the agent's own resource_exhausted) and data freshness
            # (session time with stale data over session time). Each alert fires while a long and a
            # short window both burn the error budget (\(Self.number(self.errorBudget * 100)) %) faster than their rate: the SRE
            # workbook's multi-window, multi-burn-rate alerts.
            groups:
              - name: wshealth.slo.recording
                rules:
                  - record: wshealth_slo:error_budget:ratio
                    expr: vector(\(Self.number(self.errorBudget)))
                    labels:
                      objective: "\(objective)"
                      window: \(windowText)

            """
        for indicator in Self.indicators {
            for window in self.recordedWindows {
                let range = PrometheusDuration.format(window)
                text += """
                          - record: target:\(indicator.record):ratio_rate\(range)
                            expr: |
                              \(self.rateSum(indicator.errors, range: range))
                              /
                              \(self.rateSum(indicator.total, range: range))

                    """
            }
        }
        text += """
              - name: wshealth.slo.alerts
                rules:

            """
        for indicator in Self.indicators {
            for severity in ["page", "ticket"] {
                let burns = Self.burnWindows.filter { $0.severity == severity }
                var expression: [String] = []
                for burn in burns {
                    let threshold = "(\(Self.number(self.burnRate(burn))) * \(Self.number(self.errorBudget)))"
                    if !expression.isEmpty { expression.append("or") }
                    expression += [
                        "(",
                        "  target:\(indicator.record):ratio_rate\(PrometheusDuration.format(burn.long)) > \(threshold)",
                        "  and",
                        "  target:\(indicator.record):ratio_rate\(PrometheusDuration.format(burn.short)) > \(threshold)",
                        ")",
                    ]
                }
                let shares = burns.map {
                    "\(Self.number($0.budgetShare * 100)) % of it within \(PrometheusDuration.format($0.long))"
                        + " (still over the last \(PrometheusDuration.format($0.short)))"
                }
                text += """
                          - alert: WebSocketErrorBudgetBurn
                            expr: |
                    \(expression.map { "          " + $0 }.joined(separator: "\n"))
                            labels:
                              severity: \(severity)
                              slo: \(indicator.slo)
                            annotations:
                              summary: "WebSocket target {{ $labels.target }}: \(indicator.summary) the \(objective) % SLO's error budget"
                              description: >-
                                The \(indicator.spending) the \(windowText) error budget of {{ $labels.target }}'s
                                \(objective) % objective at a pace of \(shares.joined(separator: ", or ")).
                              runbook_url: \(Self.runbookURL)

                    """
            }
        }
        return text
    }

    /// `0.001`, `14.4`, `99.9`, `6`: the shortest text that reads back as the number.
    static func number(_ value: Double) -> String {
        let rounded = (value * 1e9).rounded() / 1e9
        if rounded == rounded.rounded() { return String(Int(rounded)) }
        return "\(rounded)"
    }

    /// A PromQL string literal: double quotes, backslash and quote escaped.
    static func promQLString(_ text: String) -> String {
        "\"" + text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"") + "\""
    }

    static func shellQuoted(_ text: String) -> String {
        "'" + text.replacingOccurrences(of: "'", with: "'\\''") + "'"
    }
}

/// Why `wshealth slo-rules` cannot generate rules, in words for the command line.
public struct SLORulesError: Error, CustomStringConvertible {
    public var description: String
    init(_ description: String) { self.description = description }
}
