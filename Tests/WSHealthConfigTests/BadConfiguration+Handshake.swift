extension BadConfiguration {
    /// Rows about what a handshake carries: compression, subprotocols, Origin, headers.
    static let handshake: [BadConfiguration] = [
        .init(
            "data match with two forms",
            target(#"data: {prefix: '42', regex: 'x'}"#),
            ["targets[0].data: must have one of pointer (with equals, type, …), prefix or regex, got 2"]
        ),
        .init(
            "unknown protocol preset",
            target(#"protocol: stomp"#),
            [#"targets[0].protocol: must be one of graphql-transport-ws, socketio, phoenix, got "stomp""#]
        ),
        .init(
            "graphql preset without a query",
            target(#"protocol: {name: graphql-transport-ws}"#),
            ["targets[0].protocol: graphql-transport-ws needs query, the subscription to run"]
        ),
        .init(
            "phoenix preset with a key of another preset",
            target(#"protocol: {name: phoenix, topic: 'room:1', namespace: /x}"#),
            ["targets[0].protocol.namespace: unknown key"]
        ),
        .init(
            "preset beside an expect that is not a mapping, reported once",
            target(#"protocol: socketio, expect: 5s"#),
            [#"targets[0].expect: must be a mapping, got "5s""#]
        ),
        .init(
            "match listing nothing",
            target(#"data: []"#),
            ["targets[0].data: must list at least one condition, such as {pointer: /type, equals: next}"]
        ),
        .init(
            "on_open step with neither send nor await",
            target(#"on_open: [{}]"#),
            ["targets[0].on_open[0]: needs send (a text to send), await (a reply to wait for), or both"]
        ),
        .init(
            "await without a match",
            target(#"on_open: [{send: x, await: {timeout: 5s}}]"#),
            ["targets[0].on_open[0].await.match: is required, the reply to wait for"]
        ),
        .init(
            "heartbeat reply timeout not shorter than the interval",
            target(#"heartbeat: {interval: 10s, send: ping, expect_reply: {match: {prefix: pong}, timeout: 10s}}"#),
            ["targets[0].heartbeat.expect_reply: timeout must be shorter than the interval (10s), got 10s"]
        ),
        .init(
            "heartbeat without an interval",
            target(#"heartbeat: {send: ping}"#),
            ["targets[0].heartbeat.interval: is required, e.g. 30s"]
        ),
        .init(
            "reply without an answer",
            target(#"replies: [{match: {prefix: '2'}}]"#),
            ["targets[0].replies[0].send: is required, the answer"]
        ),
        .init(
            "data match not a regular expression",
            target(#"data: {regex: '(unclosed'}"#),
            [#"targets[0].data.regex: not a regular expression, got "(unclosed""#]
        ),
        .init(
            "assertion bounds crossed",
            target(#"expect: {assertions: [{pointer: /cpu, min: 10, max: 1}]}"#),
            ["targets[0].expect.assertions[0].max: must be at least min (10), got 1"]
        ),
        .init(
            "assertion absent with a condition",
            target(#"expect: {assertions: [{pointer: /cpu, exists: false, type: number}]}"#),
            ["targets[0].expect.assertions[0].exists: false cannot go with type, equals, min or max"]
        ),
        .init(
            "assertion without a pointer",
            target(#"expect: {assertions: [{type: number}]}"#),
            ["targets[0].expect.assertions[0].pointer: is required, like /status"]
        ),
        .init(
            "assertion equal to a list",
            target(#"expect: {assertions: [{pointer: /a, equals: [1]}]}"#),
            ["targets[0].expect.assertions[0].equals: must be a string, number, boolean or null, got a list"]
        ),
        .init(
            "timestamp pointer not a pointer",
            target(#"expect: {timestamp: {pointer: timestamp, format: rfc3339}}"#),
            [
                #"targets[0].expect.timestamp.pointer: must be a JSON Pointer: empty, or `/` then the keys, like /timestamp; got "timestamp""#
            ]
        ),
        .init(
            "timestamp without format",
            target(#"expect: {timestamp: {pointer: /ts}}"#),
            ["targets[0].expect.timestamp.format: is required: unix_seconds, unix_ms, rfc3339"]
        ),
        .init(
            "timestamp of a format that does not exist",
            target(#"expect: {timestamp: {pointer: /ts, format: iso}}"#),
            [#"targets[0].expect.timestamp.format: must be one of unix_seconds, unix_ms, rfc3339, got "iso""#]
        ),
        .init(
            "timestamp without JSON",
            target(#"expect: {json: false, timestamp: {pointer: /ts, format: unix_ms}}"#),
            ["targets[0].expect.timestamp: needs expect.json: true (the timestamp is read from each JSON message)"]
        ),
        .init(
            "subprotocol not a token",
            target(#"subprotocols: ['two words']"#),
            [#"targets[0].subprotocols[0]: not a valid subprotocol name (an HTTP token), got "two words""#]
        ),
        .init(
            "duplicate subprotocol",
            target(#"subprotocols: [a, a]"#),
            [#"targets[0].subprotocols[1]: duplicate subprotocol "a""#]
        ),
        .init(
            "subprotocols not a list",
            target(#"subprotocols: a"#),
            [#"targets[0].subprotocols: must be a list, got "a""#]
        ),
        .init(
            "origin with a path",
            target(#"origin: 'https://x.example/path'"#),
            [
                #"targets[0].origin: must be an origin like https://dashboard.example.com (scheme, host, port), got "https://x.example/path""#
            ]
        ),
        .init(
            "origin not http",
            target(#"origin: 'ftp://x.example'"#),
            [
                #"targets[0].origin: must be an origin like https://dashboard.example.com (scheme, host, port), got "ftp://x.example""#
            ]
        ),
        .init(
            "header name not a token",
            target(#"headers: {'Bad Name': s3cret}"#),
            [#"targets[0].headers.Bad Name: not a valid HTTP header name, got "Bad Name""#]
        ),
        .init(
            "header set by origin",
            target(#"headers: {Origin: s3cret}"#),
            [#"targets[0].headers.Origin: "Origin" cannot be set here (set by origin)"#]
        ),
        .init(
            "header set by subprotocols",
            target(#"headers: {Sec-WebSocket-Protocol: s3cret}"#),
            [
                #"targets[0].headers.Sec-WebSocket-Protocol: "Sec-WebSocket-Protocol" cannot be set here (set by subprotocols)"#
            ]
        ),
        .init(
            "header with two sources",
            target(#"headers: {X-A: {file: /a, env: SET}}"#),
            [#"targets[0].headers.X-A: exactly one of value, file, env is required"#]
        ),
        .init(
            "header from an unset variable",
            target(#"headers: {X-A: {env: MISSING}}"#),
            [#"targets[0].headers.X-A.env: environment variable "MISSING" is not set"#]
        ),
        .init(
            "header from a JWT",
            target(#"headers: {X-A: {jwt: x}}"#),
            [
                #"targets[0].headers.X-A: exactly one of value, file, env is required"#,
                #"targets[0].headers.X-A.jwt: unknown key"#,
            ]
        ),
        .init(
            "header that is the token's",
            target(#"token: {value: t, header: X-Key}, headers: {x-key: s3cret}"#),
            [#"targets[0].headers: "X-Key" is already the token's header (token.header)"#]
        ),
        .init(
            "compression method",
            target(#"compression: gzip"#),
            [#"targets[0].compression: must be one of deflate, none, got "gzip""#]
        ),
        .init(
            "compression window too large",
            target(#"compression: {server_max_window_bits: 16}"#),
            [#"targets[0].compression.server_max_window_bits: must be at most 15, got 16"#]
        ),
        .init(
            "compression window too small",
            target(#"compression: {server_max_window_bits: 7}"#),
            [#"targets[0].compression.server_max_window_bits: must be at least 8, got 7"#]
        ),
        .init(
            "compression unknown key",
            target(#"compression: {level: 9}"#),
            [#"targets[0].compression.level: unknown key"#]
        ),
        .init(
            "compression as a list",
            target(#"compression: [deflate]"#),
            [#"targets[0].compression: must be a mapping, got a list"#]
        ),
    ]
}
