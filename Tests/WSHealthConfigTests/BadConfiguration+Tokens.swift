extension BadConfiguration {
    /// Rows about `token:`: sources, placement, and the redaction of secrets.
    static let tokens: [BadConfiguration] = [
        .init(
            "token without source",
            target("token: {param: t}"),
            ["targets[0].token: exactly one of value, file, env, jwt is required"]
        ),
        .init(
            "token with two sources",
            target("token: {value: s3cret, file: /f}"),
            ["targets[0].token: exactly one of value, file, env, jwt is required"]
        ),
        .init(
            "unset environment variable",
            target("token: {env: X}"),
            [#"targets[0].token.env: environment variable "X" is not set"#]
        ),
        .init(
            "empty environment variable",
            target("token: {env: EMPTY}"),
            [#"targets[0].token.env: environment variable "EMPTY" is empty"#]
        ),
        .init(
            "JWT algorithm",
            target("token: {jwt: {secret_file: /s, algorithm: RS256}}"),
            [#"targets[0].token.jwt.algorithm: only HS256 is supported, got "RS256""#]
        ),
        .init(
            "JWT without secret file",
            target("token: {jwt: {ttl: 0s, subject: ''}}"),
            [
                "targets[0].token.jwt.secret_file: is required",
                "targets[0].token.jwt.subject: must not be empty",
                "targets[0].token.jwt.ttl: must be greater than 0, got 0s",
            ]
        ),
        .init("JWT not a mapping", target("token: {jwt: yes}"), ["targets[0].token.jwt: must be a mapping, got yes"]),
        .init(
            "param and header",
            target("token: {file: /f, param: t, header: Authorization}"),
            ["targets[0].token: param and header are mutually exclusive"]
        ),
        .init(
            "bad header name",
            target("token: {file: /f, header: 'X Token'}"),
            [#"targets[0].token.header: not a valid HTTP header name, got "X Token""#]
        ),
        .init(
            "token value not a string",
            target("token: {value: {s3cret: s3cret}}"),
            ["targets[0].token.value: must be a string, got <redacted>"]
        ),
        .init(
            "token value a list",
            target("token: {value: [s3cret]}"),
            ["targets[0].token.value: must be a string, got <redacted>"]
        ),
        .init("token value empty", target("token: {value: ''}"), ["targets[0].token.value: must not be empty"]),
        .init(
            "token written as a string",
            target("token: s3cret"),
            ["targets[0].token: must be a mapping, got <redacted>"]
        ),
        .init(
            "token secret among other problems",
            target("token: {value: s3cret, env: SET, extra: s3cret}"),
            [
                "targets[0].token: exactly one of value, file, env, jwt is required",
                "targets[0].token.extra: unknown key",
            ]
        ),
    ]
}
