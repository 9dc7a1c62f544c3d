extension BadConfiguration {
    /// A valid `targets:` line, then `alerting:` with `body`.
    static func alerting(_ body: String) -> String {
        "targets: [{name: a, url: ws://h/x}]\nalerting:\n" + body
    }

    /// Rows about the `alerting:` section: receivers, their secrets, and the rules.
    static let alertingRows: [BadConfiguration] = [
        .init(
            "receiver without name, type or URL",
            alerting("  receivers: [{}]"),
            [
                "alerting.receivers[0].name: is required",
                "alerting.receivers[0].type: is required",
                "alerting.receivers[0]: exactly one of url, urls, url_file is required",
            ]
        ),
        .init(
            "unknown receiver type and duplicate names",
            alerting(
                "  receivers:\n    - {name: r, type: pagerduty, url: http://h/}\n"
                    + "    - {name: r, type: webhook, url: http://h/}"
            ),
            [
                #"alerting.receivers[0].type: must be one of alertmanager, webhook, slack, got "pagerduty""#,
                #"alerting.receivers[1].name: duplicate receiver name "r" (also alerting.receivers[0])"#,
            ]
        ),
        .init(
            "receiver URLs are secrets",
            alerting(
                "  receivers:\n    - {name: r, type: slack, url: 'ftp://hooks/s3cret'}\n"
                    + "    - {name: s, type: alertmanager, urls: ['http://am:9093', 'am-s3cret']}"
            ),
            [
                "alerting.receivers[0].url: must be an http:// or https:// URL with a host, got <redacted>",
                "alerting.receivers[1].urls[1]: must be an http:// or https:// URL with a host, got <redacted>",
            ]
        ),
        .init(
            "two URL sources",
            alerting("  receivers: [{name: r, type: webhook, url: 'http://h/', url_file: /run/u}]"),
            ["alerting.receivers[0]: exactly one of url, urls, url_file is required"]
        ),
        .init(
            "credentials and options",
            alerting(
                "  receivers:\n    - name: r\n      type: webhook\n      url: http://h/\n"
                    + "      basic_auth: {password: s3cret, password_file: /p}\n"
                    + "      bearer_token_file: /t\n      resend_interval: 1m\n      queue_capacity: 0\n"
                    + "      headers: {'X Bad': s3cret}\n      retries: 3"
            ),
            [
                "alerting.receivers[0].headers.X Bad: not a valid header name",
                "alerting.receivers[0].basic_auth.username: is required",
                "alerting.receivers[0].basic_auth: exactly one of password, password_file is required",
                "alerting.receivers[0]: at most one of bearer_token_file and basic_auth",
                "alerting.receivers[0].resend_interval: only valid for type alertmanager",
                "alerting.receivers[0].queue_capacity: must be at least 1, got 0",
                "alerting.receivers[0].retries: unknown key",
            ]
        ),
        .init(
            "rules",
            alerting(
                "  evaluation_interval: 0s\n  rules:\n    target_down: {for: soon, enabled: maybe}\n"
                    + "    low_success_ratio: {threshold: 1.5, min_attempts: 0}\n"
                    + "    flapping: {window: 0s, runbook_url: 'wiki'}\n    stale: {}\n"
                    + "    resource_exhausted: {window: -1m, threshold: 3}"
            ),
            [
                "alerting.evaluation_interval: must be greater than 0, got 0s",
                #"alerting.rules.target_down.enabled: must be a boolean, got "maybe""#,
                #"alerting.rules.target_down.for: not a duration (like 500ms, 5s, 1m), got "soon""#,
                "alerting.rules.flapping.window: must be greater than 0, got 0s",
                #"alerting.rules.flapping.runbook_url: must be an http:// or https:// URL, got "wiki""#,
                "alerting.rules.low_success_ratio.threshold: must be greater than 0 and at most 1, got 1.5",
                "alerting.rules.low_success_ratio.min_attempts: must be at least 1, got 0",
                "alerting.rules.resource_exhausted.window: must be greater than 0, got -1m",
                "alerting.rules.resource_exhausted.threshold: unknown key",
                "alerting.rules.stale: unknown key",
            ]
        ),
        .init(
            "server_name must not be an IP address",
            "targets: [{name: a, url: 'wss://h/x', tls: {server_name: 10.0.0.1}}]",
            [#"targets[0].tls.server_name: must be a host name, not an IP address, got "10.0.0.1""#]
        ),
    ]
}
