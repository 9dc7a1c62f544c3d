#!/usr/bin/env python3
"""The structural checks of deploy/ that promtool, amtool and systemd-analyze do not make.

scripts/check-deploy.sh runs this after the tools' own checks; it needs Python 3.9+ and PyYAML
(Debian: python3-yaml) and nothing else, and reads only the repository.

  check-deploy.py check                   every check below; exit 1 on any problem
  check-deploy.py write-prometheusrule    regenerate deploy/kubernetes/prometheusrule.yaml

What `check` covers:
  rules       names and labels in the rule expressions exist in README's metrics table, with
              label values from the documented enumerations; the built-in alerts keep their
              names, severities and `for`; every alert has a firing and a quiet unit test and
              every recording rule an expression test; recording names are level:metric:ops
  kubernetes  only the expected kinds; a strict subset of the schemas kubernetes-validate
              lacks, the Prometheus Operator's and the Kustomization's (unknown or mistyped
              fields fail: check-deploy.sh validates Kubernetes' own kinds with
              kubernetes-validate --strict); namespace-agnostic objects, the kustomization's
              files, and the references between objects (selectors, ports, probes, volumes,
              ConfigMap, Secret, shard count = replicas, flags); PrometheusRule groups =
              deploy/prometheus's groups
  docker      Dockerfile stages, non-root USER, HEALTHCHECK, exec-form ENTRYPOINT; compose
              services, images and builds, mounted files, secrets, volumes, dependencies; the
              Grafana provisioning; prometheus.yml's targets are compose services
  systemd     the unit keeps its hardening, flags and paths agree with wshealth.yml
"""

from __future__ import annotations

import json
import re
import shlex
import sys
from pathlib import Path
from typing import Any, Callable

try:
    import yaml
except ImportError:  # pragma: no cover - reported by check-deploy.sh before we get here
    sys.exit("check-deploy.py: PyYAML is missing (Debian: apt-get install python3-yaml)")

ROOT = Path(__file__).resolve().parent.parent
DEPLOY = ROOT / "deploy"
PROM = DEPLOY / "prometheus"
K8S = DEPLOY / "kubernetes"
DOCKER = DEPLOY / "docker"
SYSTEMD = DEPLOY / "systemd"
RULE_FILES = [PROM / "wshealth.recording.yml", PROM / "wshealth.alerts.yml"]
PROMETHEUSRULE = K8S / "prometheusrule.yaml"

# Files referenced before they exist: written by someone else, checked once they are there.
PENDING_FILES = {ROOT / "dashboards" / "wshealth.json": "the Grafana dashboard"}

# Flags that the README's Commands table does not list: --shard=INDEX/COUNT comes with
# sharding (deploy/kubernetes/statefulset.yaml).
EXTRA_FLAGS = {"run": {"--shard"}, "backend": {"--log.level", "--log.format"}}

# README, "The connection states": the label values of the enumerations.
STATES = {"disconnected", "connecting", "connected", "receiving_data", "reconnecting", "error"}
ENUMS = {
    "state": STATES,
    "from": STATES,
    "to": STATES,
    "reason": {
        "auth_failed", "refused", "timeout", "dns_failure", "tls_failure", "http_error",
        "network_error", "protocol_error",  # connection failures
        "invalid_json", "too_large", "unexpected_binary",  # message errors
        "network", "http_429", "http_5xx", "http_4xx", "http_other",  # notification failures
    },
    "cause": {"network_error", "server_closed", "auth_failed", "stale", "protocol_error", "user_action"},
}

# README, "Alerting": the built-in rules the Prometheus rules mirror.
BUILTIN_ALERTS = {
    "WebSocketAuthFailed": ("critical", "0s"),
    "WebSocketMaxRetriesExceeded": ("critical", "0s"),
    "WebSocketDataStale": ("warning", "0s"),
    "WebSocketTargetDown": ("critical", "1m"),
    "WebSocketFlapping": ("warning", "0s"),
    "WebSocketLowSuccessRatio": ("warning", "0s"),
}
# The end-to-end test relies on this expression: keep it exactly.
TARGET_DOWN_EXPR = 'sum by (job, instance, target) (wshealth_sessions{state="receiving_data"}) == 0'
AGENT_ALERTS = {"WSHealthAgentDown", "WSHealthNotificationsFailing"}


class Report:
    """Collects problems; prints one line per check."""

    def __init__(self) -> None:
        self.failures = 0
        self.passes = 0

    def section(self, name: str) -> None:
        print(f"-- {name}")

    def check(self, ok: bool, what: str, problem: str = "") -> bool:
        if ok:
            self.passes += 1
            print(f"   ok    {what}")
        else:
            self.failures += 1
            print(f"   FAIL  {what}" + (f": {problem}" if problem else ""))
        return ok

    def problems(self, what: str, problems: list[str]) -> None:
        if not problems:
            self.check(True, what)
            return
        self.failures += 1
        print(f"   FAIL  {what}:")
        for problem in problems:
            print(f"           {problem}")

    def note(self, text: str) -> None:
        print(f"   note  {text}")


def rel(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(ROOT))
    except ValueError:
        return str(path)


def load_yaml(path: Path) -> Any:
    with path.open(encoding="utf-8") as handle:
        return yaml.safe_load(handle)


def load_yaml_all(path: Path) -> list[Any]:
    with path.open(encoding="utf-8") as handle:
        return [doc for doc in yaml.safe_load_all(handle) if doc is not None]


# ---------------------------------------------------------------------------------------------
# README: the metrics table and the commands' flags


def readme_metrics() -> dict[str, tuple[str, set[str]]]:
    """name -> (type, labels) from README's metrics table."""
    metrics = {}
    row = re.compile(r"^\|\s*`([a-z_:][a-z0-9_:]*)`\s*\|\s*(counter|gauge|histogram|summary)\s*\|([^|]*)\|")
    for line in (ROOT / "README.md").read_text(encoding="utf-8").splitlines():
        match = row.match(line)
        if match:
            metrics[match.group(1)] = (match.group(2), set(re.findall(r"`([a-z_]+)`", match.group(3))))
    return metrics


def readme_flags() -> dict[str, set[str]]:
    """subcommand -> flags, from README's Commands table."""
    flags: dict[str, set[str]] = {}
    for line in (ROOT / "README.md").read_text(encoding="utf-8").splitlines():
        match = re.match(r"^\|\s*`wshealth ([a-z-]+)([^|]*(?:\\\|[^|]*)*)`\s*\|", line)
        if match:
            flags[match.group(1)] = set(re.findall(r"(--[a-z][a-z.-]*)", match.group(2)))
    for command, extra in EXTRA_FLAGS.items():
        flags.setdefault(command, set()).update(extra)
    return flags


def check_flags(args: list[str], flags: dict[str, set[str]], where: str) -> list[str]:
    """Problems with a wshealth command line (after the binary): unknown subcommand or flags."""
    if not args:
        return [f"{where}: no subcommand"]
    command, rest = args[0], args[1:]
    if command not in flags:
        return [f"{where}: unknown subcommand {command!r}"]
    problems = []
    for arg in rest:
        if arg.startswith("--"):
            name = arg.split("=", 1)[0]
            if name not in flags[command]:
                problems.append(f"{where}: `wshealth {command}` has no flag {name}")
    return problems


def flag_value(args: list[str], name: str) -> str | None:
    for index, arg in enumerate(args):
        if arg.startswith(name + "="):
            return arg.split("=", 1)[1]
        if arg == name and index + 1 < len(args):
            return args[index + 1]
    return None


# ---------------------------------------------------------------------------------------------
# Prometheus rules


def rule_groups() -> list[dict]:
    groups = []
    for path in RULE_FILES:
        groups.extend(load_yaml(path)["groups"])
    return groups


def all_rules() -> list[dict]:
    return [rule for group in rule_groups() for rule in group["rules"]]


SELECTOR = re.compile(r"\b((?:wshealth|process)_[a-z0-9_]+)\s*(\{[^}]*\})?")
MATCHER = re.compile(r'([a-zA-Z_][a-zA-Z0-9_]*)\s*(=~|!~|!=|=)\s*"((?:[^"\\]|\\.)*)"')


def expression_problems(expr: str, metrics: dict[str, tuple[str, set[str]]], where: str) -> list[str]:
    problems = []
    for name, matchers in SELECTOR.findall(expr):
        base = name
        kind = metrics.get(name, (None, set()))[0]
        if kind is None:
            for suffix in ("_bucket", "_sum", "_count"):
                stem = name[: -len(suffix)] if name.endswith(suffix) else None
                if stem and metrics.get(stem, (None,))[0] == "histogram":
                    base, kind = stem, "histogram"
                    break
        if kind is None:
            problems.append(f"{where}: {name} is not in README's metrics table")
            continue
        labels = set(metrics[base][1]) | ({"le"} if name.endswith("_bucket") else set())
        labels |= {"job", "instance"}
        for label, op, value in MATCHER.findall(matchers or ""):
            if label not in labels:
                problems.append(f"{where}: {name} has no label {label!r}")
            elif label in ENUMS and op in ("=", "!="):
                if value not in ENUMS[label]:
                    problems.append(f"{where}: {label}={value!r} is not a documented value")
            elif label in ENUMS and op in ("=~", "!~") and re.fullmatch(r"[a-z_|]+", value):
                for alternative in value.split("|"):
                    if alternative not in ENUMS[label]:
                        problems.append(f"{where}: {label}=~ alternative {alternative!r} is not a documented value")
    return problems


def check_rules(report: Report) -> None:
    report.section("Prometheus rules (beyond promtool)")
    metrics = readme_metrics()
    report.check(len(metrics) >= 30, f"README's metrics table read ({len(metrics)} metrics)")
    rules = all_rules()
    problems = []
    for rule in rules:
        name = rule.get("alert") or rule.get("record")
        problems += expression_problems(rule["expr"], metrics, name)
    report.problems("every metric, label and label value in the expressions is documented in README", problems)

    records = [rule for rule in rules if "record" in rule]
    report.problems(
        "recording rules are named level:metric:operations",
        [
            f"{rule['record']}: not level:metric:operations"
            for rule in records
            if not re.fullmatch(r"[a-z_]+:[a-z0-9_]+:[a-z0-9_]+", rule["record"])
        ],
    )

    alerts = {rule["alert"]: rule for rule in rules if "alert" in rule}
    problems = []
    for name, (severity, hold) in BUILTIN_ALERTS.items():
        rule = alerts.get(name)
        if rule is None:
            problems.append(f"{name}: missing")
            continue
        if rule.get("labels", {}).get("severity") != severity:
            problems.append(f"{name}: severity {rule.get('labels', {}).get('severity')!r}, the agent's is {severity!r}")
        if str(rule.get("for", "0s")) not in {hold, "0m" if hold == "0s" else hold}:
            problems.append(f"{name}: for {rule.get('for', '0s')}, the agent's default is {hold}")
    for name in AGENT_ALERTS:
        if name not in alerts:
            problems.append(f"{name}: missing")
    target_down = alerts.get("WebSocketTargetDown", {})
    if " ".join(str(target_down.get("expr", "")).split()) != TARGET_DOWN_EXPR:
        problems.append(f"WebSocketTargetDown: expr must stay {TARGET_DOWN_EXPR!r} (the end-to-end test)")
    for name, rule in alerts.items():
        if rule.get("labels", {}).get("severity") not in {"critical", "warning"}:
            problems.append(f"{name}: severity must be critical or warning")
        for key in ("summary", "description"):
            if not rule.get("annotations", {}).get(key):
                problems.append(f"{name}: no {key} annotation")
        if name.startswith("WebSocket") and "{{ $labels.target }}" not in rule["annotations"].get("summary", ""):
            problems.append(f"{name}: summary does not name {{{{ $labels.target }}}}")
    report.problems(
        f"the {len(BUILTIN_ALERTS)} built-in alerts (names, severities, `for`) and the agent alerts are there, "
        "with summary and description",
        problems,
    )

    # Coverage of the unit tests.
    fired: set[str] = set()
    quiet: set[str] = set()
    tested_exprs: list[str] = []
    test_files = sorted((PROM / "tests").glob("*.yml"))
    for path in test_files:
        for test in load_yaml(path).get("tests", []):
            for case in test.get("alert_rule_test", []):
                (fired if case.get("exp_alerts") else quiet).add(case["alertname"])
            tested_exprs += [case["expr"] for case in test.get("promql_expr_test", [])]
    problems = []
    for name in alerts:
        if name not in fired:
            problems.append(f"{name}: no test where it fires")
        if name not in quiet:
            problems.append(f"{name}: no test where it stays quiet")
    for rule in records:
        if not any(rule["record"] in expr for expr in tested_exprs):
            problems.append(f"{rule['record']}: no promql_expr_test")
    report.problems(
        f"every alert fires and stays quiet in a test, every recording rule is tested ({len(test_files)} test files)",
        problems,
    )


# ---------------------------------------------------------------------------------------------
# PrometheusRule: generated from the rule files


PROMETHEUSRULE_HEADER = """\
# GENERATED from deploy/prometheus/wshealth.recording.yml and wshealth.alerts.yml by
# `scripts/check-deploy.sh --update-prometheusrule`: edit those files, not this one.
# scripts/check-deploy.sh fails while the groups here differ from theirs.
#
# Prometheus Operator: add the label your Prometheus' ruleSelector wants (kube-prometheus-stack:
# `release: NAME`).
apiVersion: monitoring.coreos.com/v1
kind: PrometheusRule
metadata:
  name: wshealth
  labels:
    app.kubernetes.io/name: wshealth
    app.kubernetes.io/component: agent
spec:
  groups:
"""


def prometheusrule_text() -> str:
    """The PrometheusRule: each rule file's groups, comments included, indented under spec."""
    text = PROMETHEUSRULE_HEADER
    for path in RULE_FILES:
        lines = path.read_text(encoding="utf-8").splitlines()
        start = lines.index("groups:")
        text += f"    # ---- {rel(path)}\n"
        for line in lines[start + 1 :]:
            text += ("  " + line if line.strip() else "") + "\n"
    return text


def check_prometheusrule(report: Report) -> None:
    if not report.check(PROMETHEUSRULE.exists(), f"{rel(PROMETHEUSRULE)} exists", "run scripts/check-deploy.sh --update-prometheusrule"):
        return
    document = load_yaml(PROMETHEUSRULE)
    groups = rule_groups()
    equal = document.get("spec", {}).get("groups") == groups
    report.check(
        equal,
        f"PrometheusRule groups = the groups of {', '.join(path.name for path in RULE_FILES)} "
        f"({len(groups)} groups, {sum(len(group['rules']) for group in groups)} rules)",
        "they differ: run scripts/check-deploy.sh --update-prometheusrule",
    )
    if equal and PROMETHEUSRULE.read_text(encoding="utf-8") != prometheusrule_text():
        report.note("same groups, other formatting than the generator's (--update-prometheusrule rewrites it)")


# ---------------------------------------------------------------------------------------------
# Schemas: Kubernetes' own kinds are kubernetes-validate's (check-deploy.sh runs it with
# --strict), the rest are checked here.

# The Kubernetes kinds deploy/kubernetes may hold. kubernetes-validate only warns, and exits 0,
# on a kind it has no schema for: a misspelt apiVersion or kind would go through unchecked.
KUBERNETES_KINDS = {
    ("apps/v1", "StatefulSet"), ("v1", "Service"), ("policy/v1", "PodDisruptionBudget"),
    ("v1", "Secret"), ("v1", "ConfigMap"),
}

# kubernetes-validate has no schemas for the Prometheus Operator's CRDs nor for kustomize's
# Kustomization: a strict subset of theirs, where unknown fields and wrong types fail.
#
# A schema is a type (str, int, bool), "intstr" (int or string), "map" (string -> string),
# "any", a list [schema], or a dict of field -> schema with optional "!required": [fields].

MAP = "map"
META = {"name": str, "labels": MAP, "annotations": MAP, "!required": ["name"]}
SELECTOR_SCHEMA = {"matchLabels": MAP, "matchExpressions": [{"key": str, "operator": str, "values": [str]}]}
SCHEMAS: dict[tuple[str, str], dict] = {
    ("monitoring.coreos.com/v1", "ServiceMonitor"): {
        "apiVersion": str, "kind": str, "metadata": META,
        "spec": {
            "selector": SELECTOR_SCHEMA, "jobLabel": str, "targetLabels": [str], "podTargetLabels": [str],
            "sampleLimit": int, "namespaceSelector": {"any": bool, "matchNames": [str]},
            "endpoints": [{
                "port": str, "targetPort": "intstr", "path": str, "scheme": str, "interval": str,
                "scrapeTimeout": str, "honorLabels": bool, "tlsConfig": "any", "basicAuth": "any",
                "authorization": "any", "relabelings": "any", "metricRelabelings": "any",
            }],
            "!required": ["selector", "endpoints"],
        },
        "!required": ["apiVersion", "kind", "metadata", "spec"],
    },
    ("monitoring.coreos.com/v1", "PrometheusRule"): {
        "apiVersion": str, "kind": str, "metadata": META,
        "spec": {
            "groups": [{
                "name": str, "interval": str, "limit": int, "partial_response_strategy": str,
                "rules": [{"record": str, "alert": str, "expr": "intstr", "for": str, "keep_firing_for": str,
                           "labels": MAP, "annotations": MAP, "!required": ["expr"]}],
                "!required": ["name", "rules"],
            }],
        },
        "!required": ["apiVersion", "kind", "metadata", "spec"],
    },
    ("kustomize.config.k8s.io/v1beta1", "Kustomization"): {
        "apiVersion": str, "kind": str, "namespace": str, "resources": [str], "components": [str],
        "configMapGenerator": [{"name": str, "files": [str], "literals": [str], "envs": [str], "behavior": str,
                                "options": "any", "!required": ["name"]}],
        "secretGenerator": [{"name": str, "files": [str], "literals": [str], "envs": [str], "type": str,
                             "behavior": str, "options": "any", "!required": ["name"]}],
        "generatorOptions": "any", "images": [{"name": str, "newName": str, "newTag": str, "digest": str,
                                               "!required": ["name"]}],
        "labels": "any", "commonLabels": MAP, "commonAnnotations": MAP, "patches": "any", "replicas": "any",
    },
}


def schema_problems(value: Any, schema: Any, path: str) -> list[str]:
    if schema == "any":
        return []
    if schema == MAP:
        if not isinstance(value, dict) or not all(isinstance(k, str) and isinstance(v, str) for k, v in value.items()):
            return [f"{path}: must map strings to strings (quote numbers and booleans)"]
        return []
    if schema == "intstr":
        return [] if isinstance(value, (int, str)) and not isinstance(value, bool) else [f"{path}: must be an integer or a string"]
    if schema in (str, int, bool):
        ok = isinstance(value, schema) and not (schema is int and isinstance(value, bool))
        return [] if ok else [f"{path}: must be {schema.__name__}, got {type(value).__name__} {value!r}"]
    if isinstance(schema, list):
        if not isinstance(value, list):
            return [f"{path}: must be a list"]
        problems = []
        for index, item in enumerate(value):
            problems += schema_problems(item, schema[0], f"{path}[{index}]")
        return problems
    if isinstance(schema, dict):
        if not isinstance(value, dict):
            return [f"{path}: must be a mapping"]
        problems = [f"{path}.{key}: required" for key in schema.get("!required", []) if key not in value]
        for key, item in value.items():
            if key not in schema or key == "!required":
                problems.append(f"{path}.{key}: unknown field (not in the checked schema)")
            else:
                problems += schema_problems(item, schema[key], f"{path}.{key}")
        return problems
    raise AssertionError(f"bad schema at {path}")


# ---------------------------------------------------------------------------------------------
# Kubernetes


def matches(selector: dict, labels: dict) -> bool:
    wanted = selector.get("matchLabels", {})
    return bool(wanted) and all(labels.get(key) == value for key, value in wanted.items())


def check_kubernetes(report: Report, flags: dict[str, set[str]]) -> None:
    report.section("Kubernetes manifests (deploy/kubernetes)")
    kustomization_path = K8S / "kustomization.yaml"
    kustomization = load_yaml(kustomization_path)
    report.problems("kustomization.yaml matches the schema", schema_problems(
        kustomization, SCHEMAS[("kustomize.config.k8s.io/v1beta1", "Kustomization")], "kustomization.yaml"))

    resources = kustomization.get("resources", [])
    generated_files = [file for generator in kustomization.get("configMapGenerator", []) for file in generator.get("files", [])]
    missing = [name for name in resources + generated_files if not (K8S / name).is_file()]
    report.problems("every resource and generator file of the kustomization exists", [f"{name}: missing" for name in missing])
    known = set(resources) | set(generated_files) | {"kustomization.yaml", "secret.example.yaml"}
    stray = sorted(path.name for path in K8S.iterdir() if path.suffix in (".yaml", ".yml") and path.name not in known)
    report.problems("no manifest outside the kustomization (but secret.example.yaml)", [f"{name}: not listed" for name in stray])

    objects: dict[str, dict] = {}
    problems = []
    for name in resources + ["secret.example.yaml"]:
        path = K8S / name
        if not path.is_file():
            continue
        for index, document in enumerate(load_yaml_all(path)):
            where = f"{name}#{index}"
            key = (document.get("apiVersion"), document.get("kind"))
            if key in SCHEMAS:
                problems += schema_problems(document, SCHEMAS[key], f"{name}:{document['kind']}")
            elif key not in KUBERNETES_KINDS:
                problems.append(f"{where}: unexpected {key[0]}/{key[1]}")
                continue
            if "namespace" in document.get("metadata", {}):
                problems.append(f"{where}: sets metadata.namespace (the manifests are namespace-agnostic)")
            objects[document["kind"]] = document
    report.problems(f"{len(objects)} objects of the expected kinds, the Prometheus Operator's match their schemas, "
                    f"none sets a namespace ({', '.join(sorted(objects))})", problems)

    needed = {"StatefulSet", "Service", "ServiceMonitor", "PrometheusRule", "Secret", "PodDisruptionBudget"}
    if not report.check(needed <= set(objects), "StatefulSet, Service, ServiceMonitor, PrometheusRule, Secret and PDB present",
                        f"missing {sorted(needed - set(objects))}"):
        return
    sts, svc, monitor, secret, pdb = (objects[kind] for kind in ("StatefulSet", "Service", "ServiceMonitor", "Secret", "PodDisruptionBudget"))
    spec = sts["spec"]
    pod = spec["template"]["spec"]
    pod_labels = spec["template"]["metadata"].get("labels", {})
    container = pod["containers"][0]
    args = container.get("args", [])
    ports = {port.get("name"): port["containerPort"] for port in container.get("ports", [])}
    volumes = {volume["name"]: volume for volume in pod.get("volumes", [])}
    claims = {claim["metadata"]["name"] for claim in spec.get("volumeClaimTemplates", [])}
    mounts = {mount["mountPath"]: mount["name"] for mount in container.get("volumeMounts", [])}

    problems = []
    if not matches(spec["selector"], pod_labels):
        problems.append("StatefulSet selector does not match its pod template's labels")
    if svc["metadata"]["name"] != "wshealth":
        problems.append("the Service is not named wshealth: its name is the `job` label, and the rules select up{job=\"wshealth\"}")
    if spec["serviceName"] != svc["metadata"]["name"]:
        problems.append(f"serviceName {spec['serviceName']!r} is not the Service {svc['metadata']['name']!r}")
    if svc["spec"].get("clusterIP") != "None":
        problems.append("the governing Service is not headless (clusterIP: None)")
    if not svc["spec"].get("selector") or any(pod_labels.get(k) != v for k, v in svc["spec"]["selector"].items()):
        problems.append("the Service's selector does not select the pods")
    service_ports = {port.get("name"): port for port in svc["spec"].get("ports", [])}
    if "metrics" not in service_ports:
        problems.append("the Service has no port named `metrics`")
    elif service_ports["metrics"].get("targetPort") not in ports and service_ports["metrics"].get("targetPort") not in ports.values():
        problems.append("the Service's metrics targetPort is no container port")
    if not matches(monitor["spec"]["selector"], svc["metadata"].get("labels", {})):
        problems.append("the ServiceMonitor's selector does not select the Service")
    for endpoint in monitor["spec"]["endpoints"]:
        if endpoint.get("port") not in service_ports:
            problems.append(f"ServiceMonitor endpoint port {endpoint.get('port')!r} is not a Service port name")
        if endpoint.get("path", "/metrics") != "/metrics":
            problems.append("ServiceMonitor path is not /metrics")
    if not matches(pdb["spec"]["selector"], pod_labels):
        problems.append("the PodDisruptionBudget does not select the pods")
    for probe, path in (("livenessProbe", "/-/healthy"), ("readinessProbe", "/-/ready")):
        http = container.get(probe, {}).get("httpGet", {})
        if http.get("path") != path:
            problems.append(f"{probe} is not GET {path}")
        if http.get("port") not in ports and http.get("port") not in ports.values():
            problems.append(f"{probe} port {http.get('port')!r} is no container port")
    if ports.get("metrics") != 10052:
        problems.append("container port `metrics` is not 10052")
    for mount in container.get("volumeMounts", []):
        if mount["name"] not in volumes and mount["name"] not in claims:
            problems.append(f"volumeMount {mount['name']!r} has no volume or volumeClaimTemplate")
    report.problems("selectors, Service, ServiceMonitor, PDB, probes, ports and volumes agree", problems)

    problems = check_flags(args, flags, "StatefulSet args")
    config_file = flag_value(args, "--config.file") or ""
    storage = flag_value(args, "--storage.path")
    config_volume = volumes.get(mounts.get(str(Path(config_file).parent), ""), {})
    generators = {generator["name"] for generator in kustomization.get("configMapGenerator", [])}
    if config_volume.get("configMap", {}).get("name") not in generators:
        problems.append(f"--config.file={config_file}: its directory is not a mounted ConfigMap of the kustomization")
    elif Path(config_file).name not in generated_files:
        problems.append(f"--config.file={config_file}: not a file of the ConfigMap generator")
    if storage is None or mounts.get(storage.rstrip("/")) not in claims:
        problems.append(f"--storage.path={storage}: not a volumeClaimTemplate mount")
    secret_mounts = {path: volumes[name]["secret"]["secretName"] for path, name in mounts.items()
                     if name in volumes and "secret" in volumes[name]}
    if secret["metadata"]["name"] not in secret_mounts.values():
        problems.append(f"the Secret {secret['metadata']['name']!r} (secret.example.yaml) is not mounted")
    if "--shard=$(SHARD_INDEX)/%d" % spec.get("replicas", 1) not in args:
        problems.append(f"args need --shard=$(SHARD_INDEX)/{spec.get('replicas', 1)} (the COUNT must equal replicas)")
    index_env = [env for env in container.get("env", []) if env["name"] == "SHARD_INDEX"]
    if not index_env or index_env[0].get("valueFrom", {}).get("fieldRef", {}).get("fieldPath") != "metadata.labels['apps.kubernetes.io/pod-index']":
        problems.append("env SHARD_INDEX must come from metadata.labels['apps.kubernetes.io/pod-index']")
    images = {image["name"] for image in kustomization.get("images", [])}
    if container["image"] not in images:
        problems.append(f"image {container['image']!r} is not set by the kustomization's images")
    config = load_yaml(K8S / generated_files[0]) if generated_files else {}
    for path in secret_files(config):
        if not any(path.startswith(mount.rstrip("/") + "/") and Path(path).name in secret.get("stringData", {}) | secret.get("data", {})
                   for mount in secret_mounts):
            problems.append(f"wshealth.yml reads {path}: not a key of the mounted Secret")
    report.problems(f"flags, config file, storage, secret files and --shard COUNT = replicas ({spec.get('replicas')})", problems)

    security = container.get("securityContext", {})
    pod_security = pod.get("securityContext", {})
    problems = []
    if not (pod_security.get("runAsNonRoot") or security.get("runAsNonRoot")):
        problems.append("runAsNonRoot is not set")
    if (security.get("runAsUser") or pod_security.get("runAsUser")) in (None, 0):
        problems.append("runAsUser is not a non-root UID")
    if security.get("readOnlyRootFilesystem") is not True:
        problems.append("readOnlyRootFilesystem is not true")
    if security.get("allowPrivilegeEscalation") is not False:
        problems.append("allowPrivilegeEscalation is not false")
    if security.get("capabilities", {}).get("drop") != ["ALL"]:
        problems.append("capabilities do not drop ALL")
    if (security.get("seccompProfile") or pod_security.get("seccompProfile") or {}).get("type") != "RuntimeDefault":
        problems.append("seccompProfile is not RuntimeDefault")
    resources = container.get("resources", {})
    if not resources.get("requests", {}).get("cpu") or not resources.get("requests", {}).get("memory") or not resources.get("limits", {}).get("memory"):
        problems.append("resources need cpu and memory requests and a memory limit")
    report.problems("restricted securityContext and resources", problems)

    check_prometheusrule(report)


def secret_files(config: Any) -> list[str]:
    """Every secret_file / token file path of an agent configuration."""
    paths = []
    for target in (config or {}).get("targets", []):
        token = target.get("token") or {}
        if "file" in token:
            paths.append(token["file"])
        if "jwt" in token:
            paths.append(token["jwt"]["secret_file"])
    return paths


# ---------------------------------------------------------------------------------------------
# Docker


def dockerfile_instructions(path: Path) -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments) pairs, continuation lines joined, comments dropped."""
    instructions, current = [], ""
    for line in path.read_text(encoding="utf-8").splitlines():
        stripped = line.strip()
        if not current and (not stripped or stripped.startswith("#")):
            continue
        if current and stripped.startswith("#"):
            continue
        if stripped.endswith("\\"):
            current += stripped[:-1] + " "
            continue
        current += stripped
        keyword, _, rest = current.partition(" ")
        instructions.append((keyword.upper(), rest.strip()))
        current = ""
    return instructions


def check_dockerfile(report: Report, flags: dict[str, set[str]]) -> None:
    report.section("Dockerfile (deploy/docker/Dockerfile)")
    path = DOCKER / "Dockerfile"
    instructions = dockerfile_instructions(path)
    args = {}
    stages: list[dict] = []
    for keyword, rest in instructions:
        if keyword == "ARG" and not stages:
            name, _, default = rest.partition("=")
            args[name] = default
        elif keyword == "FROM":
            parts = rest.split()
            image = re.sub(r"\$\{(\w+)\}", lambda m: args.get(m.group(1), m.group(0)), parts[0])
            name = parts[2] if len(parts) >= 3 and parts[1].upper() == "AS" else None
            stages.append({"image": image, "name": name, "instructions": []})
        elif stages:
            stages[-1]["instructions"].append((keyword, rest))
    chain = " -> ".join(f"{stage['image']} AS {stage['name']}" for stage in stages)
    report.check(len(stages) >= 2, f"multi-stage build: {chain}", "needs a build and a runtime stage")
    problems = []
    for stage in stages:
        if ":" not in stage["image"] or stage["image"].endswith(":latest"):
            problems.append(f"FROM {stage['image']}: pin a tag (not latest)")
    if not stages or not stages[0]["image"].startswith("swift:"):
        problems.append("the first stage does not build FROM an official swift image")
    if not stages or not stages[-1]["image"].startswith("debian:") or "slim" not in stages[-1]["image"]:
        problems.append("the runtime stage is not a debian slim image")
    report.problems("base images pinned: swift builder, debian slim runtime", problems)

    names = [stage["name"] for stage in stages]
    problems = []
    for index, stage in enumerate(stages):
        for keyword, rest in stage["instructions"]:
            match = re.search(r"--from=(\S+)", rest) if keyword == "COPY" else None
            if match and match.group(1) not in names[:index]:
                problems.append(f"COPY --from={match.group(1)}: no earlier stage of that name")
            if keyword == "COPY" and not match:
                for source in shlex.split(rest)[:-1]:
                    if not source.startswith("--") and not (ROOT / source).exists():
                        problems.append(f"COPY {source}: not in the build context (the repository root)")
            if keyword == "RUN" and "apt-get install" in rest:
                if "--no-install-recommends" not in rest:
                    problems.append("apt-get install without --no-install-recommends")
                if "rm -rf /var/lib/apt/lists" not in rest:
                    problems.append("apt-get install without removing /var/lib/apt/lists in the same RUN")
    build_runs = " ".join(rest for keyword, rest in stages[0]["instructions"] if keyword == "RUN") if stages else ""
    for needed in ("libcurl4-openssl-dev", "scripts/build-release"):
        if needed not in build_runs:
            problems.append(f"the build stage does not run {needed!r}")
    # The image is built the way the benchmarks measure: by scripts/build-release.
    build_script = (ROOT / "scripts/build-release").read_text(encoding="utf-8")
    for needed in ("swift build -c release", "--product wshealth", "--static-swift-stdlib"):
        if needed not in build_script:
            problems.append(f"scripts/build-release does not run {needed!r}")
    report.problems("stages referenced, COPY sources exist, apt-get hygiene, release build of wshealth", problems)

    final = dict()
    for keyword, rest in stages[-1]["instructions"] if stages else []:
        final.setdefault(keyword, []).append(rest)
    problems = []
    user = (final.get("USER") or [""])[-1].split(":")[0]
    if user in ("", "0", "root"):
        problems.append(f"USER {user or '(none)'}: the runtime stage must run as non-root")
    elif not user.isdigit():
        problems.append(f"USER {user}: use a numeric UID (Kubernetes' runAsNonRoot checks it)")
    runtime_packages = " ".join(rest for rest in final.get("RUN", []))
    for package in ("libcurl4", "ca-certificates"):
        if not re.search(rf"\b{re.escape(package)}\b", runtime_packages):
            problems.append(f"the runtime stage does not install {package}")
    healthcheck = " ".join(final.get("HEALTHCHECK", []))
    if "/-/healthy" not in healthcheck:
        problems.append("no HEALTHCHECK calling /-/healthy")
    if re.search(r"\bcurl\b", healthcheck) and not re.search(r"\bcurl\b", runtime_packages):
        problems.append("the HEALTHCHECK uses curl, which the runtime stage does not install")
    if "10052" not in " ".join(final.get("EXPOSE", [])):
        problems.append("EXPOSE 10052 missing")
    if "/var/lib/wshealth" not in " ".join(final.get("VOLUME", [])):
        problems.append("VOLUME /var/lib/wshealth missing")
    entrypoint, cmd = None, None
    try:
        entrypoint = json.loads((final.get("ENTRYPOINT") or ["null"])[-1])
        cmd = json.loads((final.get("CMD") or ["null"])[-1])
    except json.JSONDecodeError:
        problems.append("ENTRYPOINT and CMD must be exec form (JSON arrays): signals reach the agent")
    if entrypoint != ["/usr/local/bin/wshealth"]:
        problems.append(f"ENTRYPOINT {entrypoint}: expected [\"/usr/local/bin/wshealth\"]")
    if isinstance(cmd, list):
        problems += check_flags(cmd, flags, "CMD")
        if flag_value(cmd, "--config.file") != "/etc/wshealth/wshealth.yml":
            problems.append("CMD: --config.file is not /etc/wshealth/wshealth.yml")
        if flag_value(cmd, "--storage.path") != "/var/lib/wshealth":
            problems.append("CMD: --storage.path is not /var/lib/wshealth")
    report.problems(f"runtime stage: USER {user or '?'}, HEALTHCHECK /-/healthy, EXPOSE 10052, VOLUME, exec-form ENTRYPOINT/CMD, flags", problems)

    ignore = DOCKER / "Dockerfile.dockerignore"
    problems = []
    if not ignore.is_file():
        problems.append("deploy/docker/Dockerfile.dockerignore missing")
    else:
        lines = [line.strip() for line in ignore.read_text(encoding="utf-8").splitlines() if line.strip() and not line.startswith("#")]
        if "*" not in lines:
            problems.append("Dockerfile.dockerignore should exclude everything (*) and list what the build needs")
        for needed in ("!Package.swift", "!Sources/", "!Tests/", "!scripts/build-release"):
            if needed not in lines:
                problems.append(f"Dockerfile.dockerignore does not let {needed[1:]} through")
        if not any(".build" in line and not line.startswith("!") for line in lines):
            problems.append("Dockerfile.dockerignore does not exclude .build")
    report.problems("Dockerfile.dockerignore: only Package.swift, Sources/, Tests/ and scripts/build-release are sent", problems)


def check_compose(report: Report, flags: dict[str, set[str]]) -> None:
    report.section("Compose (deploy/docker/compose.yml)")
    path = DOCKER / "compose.yml"
    compose = load_yaml(path)
    services = compose.get("services", {})
    report.check(
        {"backend", "wshealth", "prometheus", "alertmanager", "grafana"} <= set(services),
        f"services: {', '.join(services)}",
        "needs backend, wshealth, prometheus, alertmanager and grafana",
    )
    problems = []
    declared_volumes = set(compose.get("volumes") or {})
    declared_secrets = compose.get("secrets") or {}
    pending = []
    for name, service in services.items():
        where = f"services.{name}"
        unknown = set(service) - {
            "image", "build", "command", "entrypoint", "environment", "volumes", "ports", "secrets",
            "depends_on", "healthcheck", "restart", "read_only", "tmpfs", "cap_drop", "security_opt",
            "user", "init", "networks", "configs", "stop_grace_period", "pull_policy",
        }
        if unknown:
            problems.append(f"{where}: unexpected keys {sorted(unknown)}")
        if "image" not in service and "build" not in service:
            problems.append(f"{where}: neither image nor build")
        image = service.get("image", "")
        if image and (":" not in image or image.endswith(":latest")):
            problems.append(f"{where}: image {image!r} has no pinned tag")
        build = service.get("build")
        if build:
            context = (DOCKER / build.get("context", ".")).resolve()
            if not context.is_dir():
                problems.append(f"{where}: build context {build.get('context')} does not exist")
            elif not (context / build.get("dockerfile", "Dockerfile")).is_file():
                problems.append(f"{where}: dockerfile {build.get('dockerfile')} not found in the context")
        for volume in service.get("volumes", []):
            if isinstance(volume, str):
                source, _, target = volume.partition(":")
                volume = {"type": "bind" if source.startswith((".", "/")) else "volume", "source": source, "target": target}
            if volume.get("type") == "bind":
                source = (DOCKER / volume["source"]).resolve()
                if not source.exists():
                    if source in PENDING_FILES:
                        pending.append(f"{rel(source)} ({PENDING_FILES[source]}, mounted by {name}) does not exist yet")
                    else:
                        problems.append(f"{where}: bind source {volume['source']} does not exist")
                if not volume.get("read_only"):
                    problems.append(f"{where}: bind mount {volume['source']} is not read_only")
            elif volume.get("type") == "volume" and volume.get("source") not in declared_volumes:
                problems.append(f"{where}: volume {volume.get('source')} is not declared under volumes:")
        for secret in service.get("secrets", []):
            secret_name = secret if isinstance(secret, str) else secret.get("source")
            if secret_name not in declared_secrets:
                problems.append(f"{where}: secret {secret_name} is not declared under secrets:")
        depends = service.get("depends_on", {})
        for dependency in depends if isinstance(depends, (list, dict)) else []:
            if dependency not in services:
                problems.append(f"{where}: depends_on unknown service {dependency}")
            elif isinstance(depends, dict) and depends[dependency].get("condition") == "service_healthy" and "healthcheck" not in services[dependency]:
                problems.append(f"{where}: waits for {dependency} to be healthy, which has no healthcheck")
        for port in service.get("ports", []):
            if not re.fullmatch(r"127\.0\.0\.1:\d+:\d+", str(port)):
                problems.append(f"{where}: port {port!r} is not published on 127.0.0.1 only")
        command = service.get("command")
        if "build" in service and isinstance(command, list):
            problems += check_flags(command, flags, f"{where}.command")
    for name, secret in declared_secrets.items():
        source = DOCKER / secret.get("file", "")
        if not source.is_file():
            ignored = (DOCKER / ".gitignore").is_file() and f"/{source.name}" in (DOCKER / ".gitignore").read_text(encoding="utf-8").split()
            if ignored:
                pending.append(f"secret {name}: {rel(source)} not generated here (git-ignored; deploy/README.md says how)")
            else:
                problems.append(f"secret {name}: {rel(source)} does not exist and is not git-ignored")
    report.problems("images/builds, bind sources, volumes, secrets, dependencies, loopback ports, command flags", problems)
    for text in pending:
        report.note(text)

    problems = []
    for name in ("backend", "wshealth"):
        service = services.get(name, {})
        if service.get("read_only") is not True:
            problems.append(f"{name}: read_only is not true")
        if service.get("cap_drop") != ["ALL"]:
            problems.append(f"{name}: cap_drop is not [ALL]")
        if "no-new-privileges:true" not in service.get("security_opt", []):
            problems.append(f"{name}: no no-new-privileges")
    agent = services.get("wshealth", {})
    command = agent.get("command", [])
    config_mount = [v for v in agent.get("volumes", []) if isinstance(v, dict) and v.get("target") == flag_value(command, "--config.file")]
    if not config_mount:
        problems.append("wshealth: --config.file is not a mounted file")
    else:
        config = load_yaml((DOCKER / config_mount[0]["source"]).resolve())
        for target in config.get("targets", []):
            host = re.match(r"wss?://([^/:]+)", target["url"])
            if host and host.group(1) not in services:
                problems.append(f"wshealth.yml target {target['name']}: host {host.group(1)} is not a compose service")
        for secret_path in secret_files(config):
            if not any(secret_path == f"/run/secrets/{secret}" for secret in agent.get("secrets", [])):
                problems.append(f"wshealth.yml reads {secret_path}: not a secret of the wshealth service")
    storage = flag_value(command, "--storage.path")
    if not any(isinstance(v, dict) and v.get("type") == "volume" and v.get("target") == storage for v in agent.get("volumes", [])):
        problems.append(f"wshealth: --storage.path={storage} is not on a named volume")
    backend_command = services.get("backend", {}).get("command", [])
    secret_file = flag_value(backend_command, "--jwt-secret-file") or ""
    if secret_file.removeprefix("/run/secrets/") not in services.get("backend", {}).get("secrets", []):
        problems.append(f"backend: --jwt-secret-file={secret_file} is not one of its secrets")
    listen = flag_value(backend_command, "--listen-address") or ""
    if not listen.startswith("0.0.0.0:"):
        problems.append("backend: --listen-address must listen on 0.0.0.0 for the agent's container to reach it")
    report.problems("hardening of our containers; the agent's config, secrets, targets and storage; the backend's flags", problems)

    problems = []
    prometheus = load_yaml(PROM / "prometheus.yml")
    mounted = {Path(v["target"]).name: (DOCKER / v["source"]).resolve() for v in services.get("prometheus", {}).get("volumes", [])
               if isinstance(v, dict) and v.get("type") == "bind"}
    for rule_file in prometheus.get("rule_files", []):
        if rule_file not in mounted:
            problems.append(f"prometheus.yml loads {rule_file}, which compose does not mount beside it")
    for job in prometheus.get("scrape_configs", []):
        for static in job.get("static_configs", []):
            for target in static.get("targets", []):
                if target.split(":")[0] not in services:
                    problems.append(f"prometheus.yml job {job['job_name']}: target {target} is not a compose service")
    for manager in prometheus.get("alerting", {}).get("alertmanagers", []):
        for static in manager.get("static_configs", []):
            for target in static.get("targets", []):
                if target.split(":")[0] not in services:
                    problems.append(f"prometheus.yml alertmanager {target} is not a compose service")
    if "wshealth" not in [job.get("job_name") for job in prometheus.get("scrape_configs", [])]:
        problems.append("prometheus.yml has no job `wshealth` (the rules select up{job=\"wshealth\"})")
    report.problems("prometheus.yml: job wshealth, rule files mounted, scrape and Alertmanager targets are compose services", problems)

    problems = []
    provisioning = DOCKER / "grafana" / "provisioning"
    datasources = load_yaml(provisioning / "datasources" / "prometheus.yml")
    for source in datasources.get("datasources", []):
        host = re.match(r"https?://([^/:]+)", source.get("url", ""))
        if source.get("type") != "prometheus" or not host or host.group(1) not in services:
            problems.append(f"datasource {source.get('name')}: not a prometheus datasource of a compose service")
    providers = load_yaml(provisioning / "dashboards" / "wshealth.yml")
    grafana_targets = {Path(v["target"]) for v in services.get("grafana", {}).get("volumes", []) if isinstance(v, dict)}
    for provider in providers.get("providers", []):
        directory = Path(provider.get("options", {}).get("path", ""))
        if not any(target.parent == directory for target in grafana_targets):
            problems.append(f"dashboard provider {provider.get('name')}: nothing is mounted in {directory}")
    dashboard = ROOT / "dashboards" / "wshealth.json"
    if dashboard.is_file():
        try:
            json.loads(dashboard.read_text(encoding="utf-8"))
        except json.JSONDecodeError as error:
            problems.append(f"dashboards/wshealth.json is not JSON: {error}")
    report.problems("Grafana provisioning: datasource, dashboard provider and mounts agree", problems)


# ---------------------------------------------------------------------------------------------
# systemd


REQUIRED_UNIT = {
    "DynamicUser": "yes", "NoNewPrivileges": "yes", "ProtectSystem": "strict", "ProtectHome": "yes",
    "PrivateTmp": "yes", "PrivateDevices": "yes", "ProtectKernelTunables": "yes",
    "ProtectKernelModules": "yes", "ProtectKernelLogs": "yes", "ProtectControlGroups": "yes",
    "RestrictAddressFamilies": "AF_INET AF_INET6 AF_UNIX", "RestrictNamespaces": "yes",
    "LockPersonality": "yes", "MemoryDenyWriteExecute": "yes", "SystemCallArchitectures": "native",
    "CapabilityBoundingSet": "", "StateDirectory": "wshealth",
    "ConfigurationDirectory": "wshealth", "Restart": "on-failure", "LimitNOFILE": "65536",
}


def unit_directives(path: Path) -> dict[str, list[str]]:
    directives: dict[str, list[str]] = {}
    current = ""
    for line in path.read_text(encoding="utf-8").splitlines():
        stripped = line.strip()
        if not current and (not stripped or stripped.startswith(("#", ";", "["))):
            continue
        if stripped.endswith("\\"):
            current += stripped[:-1] + " "
            continue
        current += stripped
        key, _, value = current.partition("=")
        directives.setdefault(key.strip(), []).append(" ".join(value.split()))
        current = ""
    return directives


def check_systemd(report: Report, flags: dict[str, set[str]]) -> None:
    report.section("systemd unit (deploy/systemd, beyond systemd-analyze)")
    unit = unit_directives(SYSTEMD / "wshealth.service")
    problems = []
    for key, value in REQUIRED_UNIT.items():
        if value not in unit.get(key, []):
            problems.append(f"{key}={value} missing (found {unit.get(key)})")
    if "@system-service" not in unit.get("SystemCallFilter", []):
        problems.append("SystemCallFilter=@system-service missing")
    if "/bin/kill -HUP $MAINPID" not in unit.get("ExecReload", []):
        problems.append("ExecReload=/bin/kill -HUP $MAINPID missing")
    report.problems("hardening and service directives present", problems)

    problems = []
    exec_start = shlex.split(unit.get("ExecStart", [""])[-1])
    if not exec_start or exec_start[0] != "/usr/local/bin/wshealth":
        problems.append("ExecStart does not run /usr/local/bin/wshealth")
    args = exec_start[1:]
    problems += check_flags(args, flags, "ExecStart")
    if flag_value(args, "--config.file") != "/etc/wshealth/wshealth.yml":
        problems.append("ExecStart: --config.file is not /etc/wshealth/wshealth.yml (ConfigurationDirectory)")
    if flag_value(args, "--storage.path") != "/var/lib/wshealth":
        problems.append("ExecStart: --storage.path is not /var/lib/wshealth (StateDirectory)")
    credentials = {spec.split(":", 1)[0] for spec in unit.get("LoadCredential", [])}
    config = load_yaml(SYSTEMD / "wshealth.yml")
    for path in secret_files(config):
        match = re.fullmatch(r"/run/credentials/wshealth\.service/(.+)", path)
        if path.startswith("/etc/wshealth/"):
            continue
        if not match or match.group(1) not in credentials:
            problems.append(f"wshealth.yml reads {path}: not a LoadCredential= of the unit")
    report.problems("ExecStart flags and paths, wshealth.yml's secret files are the unit's credentials", problems)


# ---------------------------------------------------------------------------------------------


def main(argv: list[str]) -> int:
    command = argv[1] if len(argv) > 1 else "check"
    if command == "write-prometheusrule":
        PROMETHEUSRULE.write_text(prometheusrule_text(), encoding="utf-8")
        print(f"wrote {rel(PROMETHEUSRULE)} from {', '.join(rel(path) for path in RULE_FILES)}")
        return 0
    if command != "check":
        print(__doc__, file=sys.stderr)
        return 64
    report = Report()
    flags = readme_flags()
    sections: list[Callable[[Report], None]] = [
        check_rules,
        lambda r: check_kubernetes(r, flags),
        lambda r: check_dockerfile(r, flags),
        lambda r: check_compose(r, flags),
        lambda r: check_systemd(r, flags),
    ]
    for section in sections:
        try:
            section(report)
        except Exception as error:  # a malformed file: report it, go on with the next section
            report.check(False, "the section above could not finish", f"{type(error).__name__}: {error}")
    print(f"check-deploy.py: {report.passes} passed, {report.failures} failed")
    return 1 if report.failures else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
