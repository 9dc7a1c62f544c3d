extension BadConfiguration {
    /// Rows about the document's structure: syntax, unknown keys, lists and mappings, many problems at once.
    static let documents: [BadConfiguration] = [
        .init("unknown key in a target", target("reconect: {}"), ["targets[0].reconect: unknown key"]),
        .init("unknown top-level key", "alerts: {}\n" + target("sessions: 1"), ["alerts: unknown key"]),
        .init("empty targets", "targets: []", ["targets: at least one target is required"]),
        .init("empty document", "", ["targets: at least one target is required"]),
        .init("targets not a list", "targets: {name: a}", ["targets: must be a list, got a mapping"]),
        .init("document not a mapping", "just text", [#"(root): must be a mapping, got "just text""#]),
        .init(
            "targets not mappings",
            "targets: [a, ~]",
            [#"targets[0]: must be a mapping, got "a""#, "targets[1]: must be a mapping, got null"]
        ),
        .init(
            "missing name and url",
            "targets: [{sessions: 2}]",
            ["targets[0].name: is required", "targets[0].url: is required"]
        ),
        .init(
            "merge key of a scalar",
            target("<<: 5"),
            ["targets[0].<<: must be a mapping or a list of mappings, got 5"]
        ),
        .init("key that is a collection", target("[x]: 1"), ["targets[0]: keys must be strings, got a list"]),
        .init(
            "YAML syntax error",
            "targets:\n  - name: a\n    url: [ws://h/x\n",
            [
                "yaml: line 4, column 1: did not find expected ',' or ']' "
                    + "(while parsing a flow sequence at line 3, column 10)"
            ]
        ),
        .init(
            "YAML duplicate key",
            "targets:\n  - name: a\n    url: ws://h/x\n    url: ws://h/y\n",
            [#"yaml: line 3, column 5: duplicate key "url""#]
        ),
        .init(
            "many problems at once",
            """
            targets:
              - name: a
                url: wss://h/x
                sessions: 0
                extra: 1
                expect: {interval: 0s, stale_after: -1s, max_message_bytes: 67108865, nope: 1}
                ping: {timeout: 0s}
                reconnect: {initial_delay: 2s, max_delay: 1s, jitter: 1.5}
                error_retry_after: forever
                tls: {ca_file: "", server_name: [x]}
              - name: b
                url: ws://h/y
                token: {file: "", param: ""}
              - name: a
                url: ws://h/z
                tls: {}
            alerts: {}
            """,
            [
                "targets[0].sessions: must be at least 1, got 0",
                "targets[0].expect.interval: must be greater than 0, got 0s",
                "targets[0].expect.stale_after: must be greater than 0, got -1s",
                "targets[0].expect.max_message_bytes: must be at most 67108864, got 67108865",
                "targets[0].expect.nope: unknown key",
                "targets[0].ping.timeout: must be greater than 0, got 0s",
                "targets[0].reconnect.max_delay: must be at least initial_delay (2s), got 1s",
                "targets[0].reconnect.jitter: must be between 0 and 1, got 1.5",
                #"targets[0].error_retry_after: not a duration (like 500ms, 5s, 1m), got "forever""#,
                "targets[0].tls.ca_file: must not be empty",
                "targets[0].tls.server_name: must be a string, got a list",
                "targets[0].extra: unknown key",
                "targets[1].token.file: must not be empty",
                "targets[1].token.param: must not be empty",
                #"targets[2].name: duplicate target name "a" (also targets[0])"#,
                "targets[2].tls: only valid for a wss:// url",
                "alerts: unknown key",
            ]
        ),
    ]
}
