internal import Foundation

extension AlertingConfiguration: ConfigSection {
    /// Decodes `alerting:`: `instance`, `external_url`, `evaluation_interval`, `receivers`, `rules`.
    init(decoding mapping: ConfigMapping) {
        self.init()
        instance = mapping["instance"]?.nonEmptyString()
        if let node = mapping["external_url"], let url = node.nonEmptyString() {
            if ReceiverConfiguration.isHTTPURL(url) {
                externalURL = url
            } else {
                node.report("must be an http:// or https:// URL, got \(url.quoted)")
            }
        }
        if let interval = mapping["evaluation_interval"]?.positiveDuration() {
            evaluationInterval = interval
        }
        if let list = mapping["receivers"]?.list() {
            var names: [String: String] = [:]
            receivers = list.compactMap { ReceiverConfiguration.decode($0, names: &names) }
        }
        if let rules = mapping.section("rules", as: AlertRulesConfiguration.self) {
            self.rules = rules
        }
        mapping.reportUnknownKeys()
    }
}

extension ReceiverConfiguration {
    /// Decodes one element of `alerting.receivers`; nil when it has any problem (all reported).
    /// URLs and credentials are secrets: webhook URLs carry keys, so no message shows them.
    static func decode(_ node: ConfigNode, names: inout [String: String]) -> ReceiverConfiguration? {
        guard let mapping = node.mapping() else { return nil }
        let problemCount = mapping.decoder.problems.count
        var name: String?
        if let node = mapping["name"] {
            if let value = node.nonEmptyString() {
                if let first = names[value] {
                    node.report("duplicate receiver name \(value.quoted) (also \(first))")
                } else {
                    names[value] = mapping.path
                    name = value
                }
            }
        } else {
            mapping.report("name", "is required")
        }
        var kind: Kind?
        if let node = mapping["type"] {
            kind = node.choice(Kind.self)
        } else {
            mapping.report("type", "is required")
        }
        let url = decodeURLSource(mapping)
        var receiver = ReceiverConfiguration(name: name ?? "", kind: kind ?? .webhook, url: url ?? .urls([]))
        if let headers = mapping["headers", secret: true]?.mapping() {
            for (key, value) in headers.entries(secret: true) {
                guard let text = value.string() else { continue }
                guard isHeaderName(key) else {
                    headers.report(key, "not a valid header name")
                    continue
                }
                receiver.headers[key] = text
            }
        }
        receiver.bearerTokenFile = mapping["bearer_token_file"]?.nonEmptyString()
        if let auth = mapping["basic_auth"]?.mapping() {
            receiver.basicAuth = decodeBasicAuth(auth)
        }
        if mapping["bearer_token_file"] != nil && mapping["basic_auth"] != nil {
            mapping.report("at most one of bearer_token_file and basic_auth")
        }
        receiver.tls = mapping.section("tls", as: TLSConfiguration.self)
        if let node = mapping["resend_interval"], let interval = node.positiveDuration() {
            if kind != .alertmanager { node.report("only valid for type alertmanager") }
            receiver.resendInterval = interval
        }
        if let timeout = mapping["timeout"]?.positiveDuration() {
            receiver.timeout = timeout
        }
        if let sendResolved = mapping["send_resolved"]?.bool() {
            receiver.sendResolved = sendResolved
        }
        if let capacity = mapping["queue_capacity"]?.integer(in: 1...1_000_000) {
            receiver.queueCapacity = capacity
        }
        mapping.reportUnknownKeys()
        guard mapping.decoder.problems.count == problemCount, name != nil, kind != nil, url != nil else { return nil }
        return receiver
    }

    /// Exactly one of `url`, `urls` and `url_file`.
    private static func decodeURLSource(_ mapping: ConfigMapping) -> URLSource? {
        var sources: [URLSource?] = []
        if let node = mapping["url", secret: true] {
            sources.append(node.nonEmptyString().flatMap { checkedURL($0, node) }.map { .urls([$0]) })
        }
        if let node = mapping["urls", secret: true] {
            if let list = node.list() {
                if list.isEmpty { node.report("must not be empty") }
                let urls = list.compactMap { element in element.nonEmptyString().flatMap { checkedURL($0, element) } }
                sources.append(urls.count == list.count && !list.isEmpty ? .urls(urls) : nil)
            } else {
                sources.append(nil)
            }
        }
        if let node = mapping["url_file"] {
            sources.append(node.nonEmptyString().map(URLSource.file))
        }
        guard sources.count == 1 else {
            mapping.report("exactly one of url, urls, url_file is required")
            return nil
        }
        return sources[0]
    }

    /// `url` itself, when it is an http(s) URL with a host; reported without its text otherwise.
    private static func checkedURL(_ url: String, _ node: ConfigNode) -> String? {
        guard isHTTPURL(url) else {
            node.report("must be an http:// or https:// URL with a host, got <redacted>")
            return nil
        }
        return url
    }

    /// Whether `text` is an absolute http or https URL with a host.
    static func isHTTPURL(_ text: String) -> Bool {
        guard let url = URL(string: text), let scheme = url.scheme?.lowercased(), let host = url.host else {
            return false
        }
        return (scheme == "http" || scheme == "https") && !host.isEmpty
    }

    /// `basic_auth: {username, password | password_file}`.
    private static func decodeBasicAuth(_ mapping: ConfigMapping) -> BasicAuth? {
        let username = mapping["username"]?.nonEmptyString()
        if username == nil && mapping["username"] == nil { mapping.report("username", "is required") }
        var secrets: [Secret?] = []
        if let node = mapping["password", secret: true] { secrets.append(node.nonEmptyString().map(Secret.value)) }
        if let node = mapping["password_file"] { secrets.append(node.nonEmptyString().map(Secret.file)) }
        if secrets.count != 1 { mapping.report("exactly one of password, password_file is required") }
        mapping.reportUnknownKeys()
        guard let username, secrets.count == 1, let secret = secrets[0] else { return nil }
        return BasicAuth(username: username, password: secret)
    }

    /// RFC 9110 token characters.
    private static func isHeaderName(_ name: String) -> Bool {
        !name.isEmpty
            && name.unicodeScalars.allSatisfy { scalar in
                scalar.isASCII
                    && (CharacterSet.alphanumerics.contains(scalar)
                        || "!#$%&'*+-.^_`|~".unicodeScalars.contains(scalar))
            }
    }
}

extension AlertRulesConfiguration: ConfigSection {
    /// Decodes `rules:`: one optional section per built-in rule.
    init(decoding mapping: ConfigMapping) {
        self.init()
        if let rule = mapping["auth_failed"]?.mapping() { authFailed = Self.rule(rule, default: authFailed) }
        if let rule = mapping["max_retries_exceeded"]?.mapping() {
            maxRetriesExceeded = Self.rule(rule, default: maxRetriesExceeded)
        }
        if let rule = mapping["data_stale"]?.mapping() { dataStale = Self.rule(rule, default: dataStale) }
        if let rule = mapping["target_down"]?.mapping() { targetDown = Self.rule(rule, default: targetDown) }
        if let rule = mapping["flapping"]?.mapping() {
            if let count = rule["disconnects"]?.integer(in: 1...100_000) { flappingDisconnects = count }
            if let window = rule["window"]?.positiveDuration() { flappingWindow = window }
            flapping = Self.rule(rule, default: flapping)
        }
        if let rule = mapping["low_success_ratio"]?.mapping() {
            if let node = rule["threshold"], let threshold = node.number() {
                if threshold > 0 && threshold <= 1 {
                    successRatioThreshold = threshold
                } else {
                    node.report("must be greater than 0 and at most 1, got \(node.text)")
                }
            }
            if let window = rule["window"]?.positiveDuration() { successRatioWindow = window }
            if let count = rule["min_attempts"]?.integer(in: 1...1_000_000) { successRatioMinAttempts = count }
            lowSuccessRatio = Self.rule(rule, default: lowSuccessRatio)
        }
        if let rule = mapping["resource_exhausted"]?.mapping() {
            if let window = rule["window"]?.positiveDuration() { resourceExhaustedWindow = window }
            resourceExhausted = Self.rule(rule, default: resourceExhausted)
        }
        mapping.reportUnknownKeys()
    }

    /// `enabled`, `for`, `runbook_url`; then the rule's unknown keys are reported.
    private static func rule(_ mapping: ConfigMapping, default rule: Rule) -> Rule {
        var rule = rule
        if let enabled = mapping["enabled"]?.bool() { rule.enabled = enabled }
        if let holdFor = mapping["for"]?.duration() { rule.holdFor = holdFor }
        if let node = mapping["runbook_url"], let url = node.nonEmptyString() {
            if ReceiverConfiguration.isHTTPURL(url) {
                rule.runbookURL = url
            } else {
                node.report("must be an http:// or https:// URL, got \(url.quoted)")
            }
        }
        mapping.reportUnknownKeys()
        return rule
    }
}
