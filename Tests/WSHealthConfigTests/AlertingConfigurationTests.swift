import Testing
import WSHealthConfig

/// Decoding of the `alerting:` section: every key, and the defaults.
struct AlertingConfigurationTests {
    /// Without `alerting:` the rules run with the defaults and nothing is sent.
    @Test func defaults() throws {
        let configuration = try AgentConfiguration.parse(yaml: "targets: [{name: a, url: ws://h/x}]", environment: [:])
        #expect(configuration.alerting == AlertingConfiguration())
        let rules = configuration.alerting.rules
        #expect(rules.targetDown.holdFor == .seconds(60))
        #expect(rules.authFailed == .init(enabled: true, holdFor: .zero))
        #expect((rules.flappingDisconnects, rules.flappingWindow) == (5, .seconds(600)))
        #expect(rules.successRatioThreshold == 0.9)
        #expect((rules.successRatioWindow, rules.successRatioMinAttempts) == (.seconds(900), 5))
    }

    /// Every key lands in the model.
    @Test func everyKey() throws {
        let yaml = """
            targets: [{name: a, url: ws://h/x}]
            alerting:
              instance: agent-1
              external_url: http://wshealth.internal:10052
              evaluation_interval: 500ms
              receivers:
                - name: am
                  type: alertmanager
                  urls: [http://127.0.0.1:9093, http://127.0.0.1:9094]
                  resend_interval: 2m
                - name: hook
                  type: webhook
                  url: https://hooks.example/wshealth?key=s3cret
                  headers: {X-Team: ops}
                  basic_auth: {username: u, password_file: /run/secrets/p}
                  tls: {ca_file: /etc/ca.pem}
                  timeout: 3s
                  send_resolved: false
                  queue_capacity: 50
                - name: chat
                  type: slack
                  url_file: /run/secrets/slack-url
                  bearer_token_file: /run/secrets/t
              rules:
                data_stale: {for: 30s, runbook_url: 'https://runbooks.example/stale'}
                target_down: {enabled: false}
                flapping: {disconnects: 3, window: 5m}
                low_success_ratio: {threshold: 0.5, window: 1h, min_attempts: 10, for: 1m}
                resource_exhausted: {window: 2m, runbook_url: 'https://runbooks.example/agent'}
            """
        let alerting = try AgentConfiguration.parse(yaml: yaml, environment: [:]).alerting
        #expect(alerting.instance == "agent-1")
        #expect(alerting.externalURL == "http://wshealth.internal:10052")
        #expect(alerting.evaluationInterval == .milliseconds(500))
        #expect(
            alerting.receivers == [
                ReceiverConfiguration(
                    name: "am",
                    kind: .alertmanager,
                    url: .urls(["http://127.0.0.1:9093", "http://127.0.0.1:9094"]),
                    resendInterval: .seconds(120)
                ),
                ReceiverConfiguration(
                    name: "hook",
                    kind: .webhook,
                    url: .urls(["https://hooks.example/wshealth?key=s3cret"]),
                    headers: ["X-Team": "ops"],
                    basicAuth: .init(username: "u", password: .file("/run/secrets/p")),
                    tls: TLSConfiguration(caFile: "/etc/ca.pem"),
                    timeout: .seconds(3),
                    sendResolved: false,
                    queueCapacity: 50
                ),
                ReceiverConfiguration(
                    name: "chat",
                    kind: .slack,
                    url: .file("/run/secrets/slack-url"),
                    bearerTokenFile: "/run/secrets/t"
                ),
            ]
        )
        var rules = AlertRulesConfiguration()
        rules.dataStale = .init(holdFor: .seconds(30), runbookURL: "https://runbooks.example/stale")
        rules.targetDown.enabled = false
        rules.flappingDisconnects = 3
        rules.flappingWindow = .seconds(300)
        rules.lowSuccessRatio.holdFor = .seconds(60)
        rules.successRatioThreshold = 0.5
        rules.successRatioWindow = .seconds(3600)
        rules.successRatioMinAttempts = 10
        rules.resourceExhaustedWindow = .seconds(120)
        rules.resourceExhausted.runbookURL = "https://runbooks.example/agent"
        #expect(alerting.rules == rules)
    }
}
