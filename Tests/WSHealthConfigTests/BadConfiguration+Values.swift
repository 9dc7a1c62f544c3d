extension BadConfiguration {
    /// A name one character too long.
    static let longName = String(repeating: "n", count: 65)

    /// Rows about single values: names, URLs, types, durations and ranges.
    static let values: [BadConfiguration] = [
        .init(
            "duplicate target names",
            "targets: [{name: dashboard, url: ws://h/a}, {name: dashboard, url: ws://h/b}]",
            [#"targets[1].name: duplicate target name "dashboard" (also targets[0])"#]
        ),
        .init(
            "bad names",
            #"targets: [{name: "a\tb", url: ws://h/a}, {name: "", url: ws://h/b}, "#
                + "{name: \(longName), url: ws://h/c}]",
            [
                #"targets[0].name: must contain only printable characters, got "a\tb""#,
                #"targets[1].name: must be 1 to 64 characters, got """#,
                #"targets[2].name: must be 1 to 64 characters, got "\#(longName)""#,
            ]
        ),
        .init(
            "http URL",
            "targets: [{name: a, url: http://x}]",
            [#"targets[0].url: must be a ws:// or wss:// URL, got "http://x""#]
        ),
        .init(
            "URL without host",
            #"targets: [{name: a, url: "ws://"}]"#,
            [#"targets[0].url: not a valid URL, got "ws://""#]
        ),
        .init(
            "URL with spaces",
            "targets: [{name: a, url: 'ws://h/a b'}]",
            [#"targets[0].url: not a valid URL, got "ws://h/a b""#]
        ),
        .init(
            "URL with a bad port",
            "targets: [{name: a, url: 'ws://h:99999/x'}]",
            [#"targets[0].url: port must be between 1 and 65535, got "ws://h:99999/x""#]
        ),
        .init(
            "URL with a fragment",
            "targets: [{name: a, url: 'ws://h/x#top'}]",
            [#"targets[0].url: must not have a fragment, got "ws://h/x#top""#]
        ),
        .init(
            "URL secrets are redacted",
            "targets: [{name: a, url: 'http://u:s3cret@h/x?token=s3cret#top'}]",
            [#"targets[0].url: must be a ws:// or wss:// URL, got "http://u:<redacted>@h/x?<redacted>#top""#]
        ),
        .init(
            "sessions not an integer",
            target("sessions: many"),
            [#"targets[0].sessions: must be an integer, got "many""#]
        ),
        .init(
            "sessions too many",
            target("sessions: 100001"),
            ["targets[0].sessions: must be at most 100000, got 100001"]
        ),
        .init(
            "max_attempts too small",
            target("reconnect: {max_attempts: -3}"),
            ["targets[0].reconnect.max_attempts: must be at least 1, got -3"]
        ),
        .init(
            "max_attempts too large",
            target("reconnect: {max_attempts: 1001}"),
            ["targets[0].reconnect.max_attempts: must be at most 1000, got 1001"]
        ),
        .init(
            "initial_delay above the default max_delay",
            target("reconnect: {initial_delay: 1m}"),
            ["targets[0].reconnect.initial_delay: must be at most max_delay (30s), got 1m"]
        ),
        .init(
            "jitter not a number",
            target("reconnect: {jitter: lots}"),
            [#"targets[0].reconnect.jitter: must be a number, got "lots""#]
        ),
        .init(
            "max_message_bytes zero",
            target("expect: {max_message_bytes: 0}"),
            ["targets[0].expect.max_message_bytes: must be at least 1, got 0"]
        ),
        .init(
            "duration in words",
            target("expect: {interval: 5 seconds}"),
            [#"targets[0].expect.interval: not a duration (like 500ms, 5s, 1m), got "5 seconds""#]
        ),
        .init(
            "duration without unit",
            target("handshake_timeout: 10"),
            ["targets[0].handshake_timeout: not a duration (like 500ms, 5s, 1m), got 10"]
        ),
        .init(
            "fractional duration",
            target("ping: {interval: 1.5s}"),
            [#"targets[0].ping.interval: not a duration (like 500ms, 5s, 1m), got "1.5s""#]
        ),
        .init(
            "negative positive duration",
            target("handshake_timeout: -5s"),
            ["targets[0].handshake_timeout: must be greater than 0, got -5s"]
        ),
        .init(
            "negative duration",
            target("ping: {interval: -5s}"),
            ["targets[0].ping.interval: must not be negative, got -5s"]
        ),
        .init(
            "stale_after shorter than interval",
            target("expect: {interval: 10s, stale_after: 5s}"),
            ["targets[0].expect.stale_after: must be at least expect.interval (10s), got 5s"]
        ),
        .init(
            "quoted boolean",
            target("expect: {json: 'yes'}"),
            [#"targets[0].expect.json: must be a boolean, got "yes""#]
        ),
        .init(
            "on_stale choice",
            target("expect: {on_stale: drop}"),
            [#"targets[0].expect.on_stale: must be one of mark, reconnect, got "drop""#]
        ),
        .init(
            "TLS on ws://",
            target("tls: {insecure_skip_verify: true}"),
            ["targets[0].tls: only valid for a wss:// url"]
        ),
        .init("section not a mapping", target("expect: 5s"), [#"targets[0].expect: must be a mapping, got "5s""#]),
    ]
}
