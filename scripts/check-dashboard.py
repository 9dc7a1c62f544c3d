#!/usr/bin/env python3
"""Checks dashboards/wshealth.json against a real agent and a real Prometheus.

1. Structure: schemaVersion >= 39, uid `wshealth`, no legacy panels, unique panel ids, sane
   and non-overlapping gridPos, every query has `expr` and a unique `refId`, every panel and
   query uses the `${datasource}` variable, the variables `datasource`, `job`, `target` and
   `slo_window` are as documented, and no unknown variable is used anywhere.
2. Live: starts the reference backend (`wshealth backend`), an agent (`wshealth run`) with two
   targets (`healthy`, with a JWT minted from the backend's secret, reading each message's
   `timestamp` with `expect.timestamp`; `unreachable`, a port where nothing listens,
   `max_attempts: 3` and a short `error_retry_after`, so it cycles through reconnecting ->
   error -> retry) and three webhook receivers (one answering 200, one 400, one on a closed
   port), and Prometheus scraping the agent every second and evaluating the rule files
   deploy/prometheus/prometheus.yml loads (the recording rules, the alerts and the SLO rules of
   wshealth.slo.yml, every second). It then injects the backend's faults (garbage, binary,
   drop, close, oversize, bad frame, frozen timestamps, stall, refused tokens, listener down)
   and a failed then a good configuration reload.
3. Every expression of the dashboard (panels and annotations), its variables substituted
   ($job, $target -> .*, $slo_window -> what its query returns, $__rate_interval -> 15s,
   $__interval -> the step, $__range -> the scenario's length), is sent to /api/v1/query (it
   must succeed and return series; annotations are range-only in Grafana, so for them only
   parsing is required) and to /api/v1/query_range over the scenario (at least one finite,
   non-zero sample). Also: every metric an expression names exists in the agent's /metrics,
   and every recorded series (level:metric:operations) in Prometheus, with `job=~"$job"` in its
   selector when the series has a `job` label, and `target=~"$target"` when it has a `target`
   label; every `{{label}}` of a legend exists on the series; `byName`/`byRegexp` overrides
   match a series; a panel's value mappings cover every value it shows; the variable queries
   return the configured names; every rule Prometheus evaluated is healthy.

Every process it starts it stops (also on Ctrl-C or SIGTERM); every wait is bounded. Runs in
about a minute. Exit status 0 when everything passes, 1 otherwise.

    BIN=.build/debug/wshealth PROMETHEUS=/usr/bin/prometheus scripts/check-dashboard.py
"""
import http.server
import json
import math
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), ".."))
DASHBOARD = os.environ.get("DASHBOARD", os.path.join(ROOT, "dashboards", "wshealth.json"))
BIN = os.environ.get("BIN", ".build/debug/wshealth")
PROMETHEUS = os.environ.get("PROMETHEUS", shutil.which("prometheus") or "/usr/bin/prometheus")

# Expressions allowed to have no non-zero sample in the scenario, with the reason (substring of
# the expression -> why). Empty: the scenario makes every panel show something.
ALLOW_ALL_ZERO = {}

PANEL_TYPES = {"row", "timeseries", "state-timeline", "status-history", "stat", "bargauge", "gauge", "table",
               "barchart", "piechart", "heatmap", "histogram", "text", "logs", "alertlist", "news", "dashlist"}
LEGACY_TYPES = {"graph", "singlestat", "table-old", "grafana-piechart-panel"}
BUILTIN_VARIABLES = {"__all", "__interval", "__interval_ms", "__rate_interval", "__rate_interval_ms", "__range",
                     "__range_s", "__range_ms", "__from", "__to", "__dashboard", "__user", "__org", "__name",
                     "__timeFilter", "__auto", "__series", "__field", "__value", "__data", "__cell"}
DS_REF = {"type": "prometheus", "uid": "${datasource}"}
VARIABLE_RE = re.compile(r"\$\{(\w+)(?::[^}]*)?\}|\$(\w+)|\[\[(\w+)(?::[^\]]*)?\]\]")
LEGEND_RE = re.compile(r"\{\{\s*(\w+)\s*\}\}")
# A metric of the agent's; not part of a recorded series' name (level:metric:operations).
METRIC_RE = re.compile(r"(?<![\w:])((?:wshealth|process)_[A-Za-z0-9_]+)(?![\w:])(\s*\{([^}]*)\})?")
RECORDED_RE = re.compile(r"(?<![\w:])([A-Za-z_]\w*:[\w:]*)(\s*\{([^}]*)\})?")
PROMETHEUS_YML = os.path.join(ROOT, "deploy", "prometheus", "prometheus.yml")
SLO_RULES = os.path.join(ROOT, "deploy", "prometheus", "wshealth.slo.yml")


# ---------------------------------------------------------------------------- structure

def walk_strings(value, path="$"):
    if isinstance(value, str):
        yield path, value
    elif isinstance(value, dict):
        for k, v in value.items():
            yield from walk_strings(v, f"{path}.{k}")
    elif isinstance(value, list):
        for i, v in enumerate(value):
            yield from walk_strings(v, f"{path}[{i}]")


def flatten_panels(panels):
    for p in panels:
        yield p
        yield from flatten_panels(p.get("panels") or [])


def variable_query(var):
    q = var.get("query")
    return q.get("query", "") if isinstance(q, dict) else (q or "")


def check_structure(dash):
    """Returns (problems, queries); each query is (label, panel or None, target dict, range_only)."""
    problems, queries = [], []
    if dash.get("uid") != "wshealth":
        problems.append(f"uid is {dash.get('uid')!r}, expected 'wshealth'")
    if not isinstance(dash.get("schemaVersion"), int) or dash["schemaVersion"] < 39:
        problems.append(f"schemaVersion {dash.get('schemaVersion')!r} < 39")
    variables = {v.get("name"): v for v in dash.get("templating", {}).get("list", [])}
    ds = variables.get("datasource")
    if not ds or ds.get("type") != "datasource" or ds.get("query") != "prometheus":
        problems.append("variable datasource: must be type datasource, query prometheus")
    for name in ("job", "target"):
        v = variables.get(name)
        if not v or v.get("type") != "query":
            problems.append(f"variable {name}: missing or not a query variable")
            continue
        if v.get("datasource") != DS_REF:
            problems.append(f"variable {name}: datasource {v.get('datasource')!r} is not the variable")
        if not (v.get("multi") and v.get("includeAll")):
            problems.append(f"variable {name}: must be multi with All")
    if variables.get("target") and variable_query(variables["target"]) != \
            'label_values(wshealth_sessions{job=~"$job"}, target)':
        problems.append(f"variable target: query {variable_query(variables['target'])!r}")
    # The SLO rules' window names the recorded ratios over the whole window (ratio_rate30d).
    v = variables.get("slo_window")
    if not v or v.get("type") != "query" or v.get("datasource") != DS_REF or v.get("multi") or v.get("includeAll") \
            or variable_query(v) != "label_values(wshealth_slo:error_budget:ratio, window)":
        problems.append("variable slo_window: must be a single-valued query variable on ${datasource}: "
                        "label_values(wshealth_slo:error_budget:ratio, window)")

    known = set(variables) | BUILTIN_VARIABLES
    for path, s in walk_strings(dash):
        for m in VARIABLE_RE.finditer(s):
            name = next(g for g in m.groups() if g)
            if name not in known:
                problems.append(f"{path}: unknown variable {m.group(0)!r}")

    panels = list(flatten_panels(dash.get("panels", [])))
    if not panels:
        problems.append("no panels")
    ids, boxes = {}, []
    for p in panels:
        where = f"panel {p.get('id')} {p.get('title')!r}"
        if p.get("type") in LEGACY_TYPES or p.get("type") not in PANEL_TYPES:
            problems.append(f"{where}: type {p.get('type')!r} is legacy or unknown")
        if not isinstance(p.get("id"), int):
            problems.append(f"{where}: id is not an integer")
        elif p["id"] in ids:
            problems.append(f"{where}: id also used by {ids[p['id']]!r}")
        else:
            ids[p["id"]] = p.get("title")
        g = p.get("gridPos") or {}
        if not all(isinstance(g.get(k), int) for k in "hwxy") or g["h"] < 1 or not 1 <= g["w"] <= 24 \
                or g["x"] < 0 or g["y"] < 0 or g["x"] + g["w"] > 24:
            problems.append(f"{where}: bad gridPos {g}")
        else:
            for other, og in boxes:
                if g["x"] < og["x"] + og["w"] and og["x"] < g["x"] + g["w"] and \
                        g["y"] < og["y"] + og["h"] and og["y"] < g["y"] + g["h"]:
                    problems.append(f"{where}: gridPos overlaps {other}")
            boxes.append((where, g))
        if not p.get("title"):
            problems.append(f"{where}: no title")
        if p.get("type") in ("row", "text"):
            continue
        if p.get("datasource") != DS_REF:
            problems.append(f"{where}: datasource {p.get('datasource')!r} is not ${{datasource}}")
        targets = p.get("targets") or []
        if not targets:
            problems.append(f"{where}: no targets")
        refs = set()
        for t in targets:
            if not t.get("refId") or t["refId"] in refs:
                problems.append(f"{where}: missing or duplicate refId {t.get('refId')!r}")
            refs.add(t.get("refId"))
            if not isinstance(t.get("expr"), str) or not t["expr"].strip():
                problems.append(f"{where} [{t.get('refId')}]: no expr")
                continue
            if t.get("datasource") != DS_REF:
                problems.append(f"{where} [{t.get('refId')}]: datasource {t.get('datasource')!r}")
            queries.append((f"#{p['id']} {p.get('title')} [{t.get('refId')}]", p, t, False))
    for a in dash.get("annotations", {}).get("list", []):
        if a.get("builtIn"):
            continue
        where = f"annotation {a.get('name')!r}"
        if a.get("datasource") != DS_REF:
            problems.append(f"{where}: datasource {a.get('datasource')!r}")
        if not a.get("expr"):
            problems.append(f"{where}: no expr")
        else:
            queries.append((where, None, a, True))
    return problems, queries


def substitute(expr, values):
    def repl(m):
        name = next(g for g in m.groups() if g)
        if name not in values:
            raise KeyError(f"no value for variable {name}")
        return values[name]
    return VARIABLE_RE.sub(repl, expr)


def check_selectors(expr, exposition, recorded=None):
    """Every wshealth_/process_ metric must exist and carry the job (and target) matcher; so must
    every recorded series (recorded(name) -> its label names, empty when nothing recorded it)
    that has a job (and target) label."""
    problems = []
    found = [(m.group(1), m.group(3), exposition.get(m.group(1)), "the agent's /metrics")
             for m in METRIC_RE.finditer(expr)]
    if recorded is not None:
        found += [(m.group(1), m.group(3), recorded(m.group(1)) or None, "Prometheus (recorded by no rule)")
                  for m in RECORDED_RE.finditer(expr)]
    for name, matchers, labels, where in found:
        if labels is None:
            problems.append(f"{name} is not in {where}")
            continue
        if (name in exposition or "job" in labels) and (matchers is None or 'job=~"$job"' not in matchers):
            problems.append(f'{name}: selector lacks job=~"$job"')
        if "target" in labels and (matchers is None or 'target=~"$target"' not in matchers):
            problems.append(f'{name}: selector lacks target=~"$target"')
    return problems


def shipped_rule_files():
    """The rule files deploy/prometheus/prometheus.yml loads, as absolute paths."""
    with open(PROMETHEUS_YML) as f:
        text = f.read()
    block = re.search(r"^rule_files:\n((?:[ \t]+.*\n|\n)+)", text, re.M)
    names = re.findall(r"^[ \t]+-[ \t]+(\S+)", block.group(1), re.M) if block else []
    return [os.path.join(os.path.dirname(PROMETHEUS_YML), name) for name in names]


def slo_window():
    """The window of the shipped SLO rules: wshealth_slo:error_budget:ratio's `window` label."""
    with open(SLO_RULES) as f:
        m = re.search(r"record: wshealth_slo:error_budget:ratio\n(?:.*\n)*?\s+window:\s*\"?([0-9a-z]+)", f.read())
    return m.group(1) if m else "?"


def parse_exposition(text):
    """Sample name -> set of label names, from the Prometheus text format."""
    out = {}
    for line in text.splitlines():
        if not line or line.startswith("#"):
            continue
        m = re.match(r"([A-Za-z_:][A-Za-z0-9_:]*)(\{(.*)\})?\s", line)
        if m:
            labels = set(re.findall(r'([A-Za-z_]\w*)="', m.group(3) or ""))
            out.setdefault(m.group(1), set()).update(labels)
    return out


# ---------------------------------------------------------------------------- processes

def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def request(method, url, timeout=5, accept=None):
    req = urllib.request.Request(url, method=method, headers={"Accept": accept} if accept else {})
    try:
        with urllib.request.urlopen(req, timeout=timeout) as r:
            return r.status, r.read()
    except urllib.error.HTTPError as e:
        return e.code, e.read()


def wait_until(what, predicate, timeout):
    deadline = time.monotonic() + timeout
    last = None
    while time.monotonic() < deadline:
        try:
            if predicate():
                return
        except OSError as e:
            last = e
        time.sleep(0.2)
    raise RuntimeError(f"{what}: not within {timeout}s" + (f" ({last})" if last else ""))


class Receivers:
    """Webhook receivers: /ok answers 200, /refuse answers 400 (given up, dropped)."""

    def __init__(self):
        self.received = {"ok": 0, "refuse": 0}
        receivers = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self):
                self.rfile.read(int(self.headers.get("Content-Length", "0")))
                name = self.path.strip("/")
                receivers.received[name] = receivers.received.get(name, 0) + 1
                self.send_response(200 if name == "ok" else 400)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = self.server.server_port
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()


class Scenario:
    """Backend + agent + Prometheus on loopback, free ports, a temporary directory."""

    def __init__(self, healthy_sessions=2, scrape_interval="1s", ping="{interval: 6s, timeout: 3s}",
                 error_retry_after="30s"):
        self.work = tempfile.mkdtemp(prefix="wshealth-dashboard-")
        self.procs = {}
        self.logs = {}
        self.receivers = None
        self.backend_port, self.admin_port = free_port(), free_port()
        self.agent_port, self.prom_port = free_port(), free_port()
        self.closed_target_port, self.closed_receiver_port = free_port(), free_port()
        self.secret = os.path.join(self.work, "jwt-secret")
        self.config = os.path.join(self.work, "wshealth.yml")
        self.healthy_sessions = healthy_sessions
        self.scrape_interval = scrape_interval
        self.ping = ping
        self.error_retry_after = error_retry_after
        self.started_at = None

    # -- configuration
    def config_text(self):
        return f"""targets:
  - name: healthy
    url: ws://127.0.0.1:{self.backend_port}/api/ws/metrics
    sessions: {self.healthy_sessions}
    token: {{jwt: {{secret_file: {self.secret}}}}}
    expect: {{interval: 1s, stale_after: 3s, max_message_bytes: 65536,
              timestamp: {{pointer: /timestamp, format: rfc3339}}}}
    handshake_timeout: 2s
    ping: {self.ping}
    reconnect: {{initial_delay: 200ms, max_delay: 2s}}
    error_retry_after: {self.error_retry_after}
  - name: unreachable
    url: ws://127.0.0.1:{self.closed_target_port}/api/ws/metrics
    expect: {{interval: 1s}}
    handshake_timeout: 2s
    reconnect: {{initial_delay: 500ms, max_delay: 1s, max_attempts: 3}}
    error_retry_after: 4s
alerting:
  instance: dashboard-check
  evaluation_interval: 1s
  receivers:
    - {{name: ok, type: webhook, url: 'http://127.0.0.1:{self.receivers.port}/ok'}}
    - {{name: refusing, type: webhook, url: 'http://127.0.0.1:{self.receivers.port}/refuse'}}
    - {{name: down, type: webhook, url: 'http://127.0.0.1:{self.closed_receiver_port}/', timeout: 2s}}
  rules:
    target_down: {{for: 5s}}
    flapping: {{disconnects: 3, window: 1m}}
    low_success_ratio: {{threshold: 0.9, window: 1m, min_attempts: 3}}
"""

    def write_config(self, text):
        tmp = self.config + ".tmp"
        with open(tmp, "w") as f:
            f.write(text)
        os.replace(tmp, self.config)

    # -- processes
    def spawn(self, name, argv):
        if name in self.logs:
            self.logs[name].close()
        log = open(os.path.join(self.work, f"{name}.log"), "ab")
        self.logs[name] = log
        # A session of its own: Ctrl-C reaches this script only, which stops them in order.
        self.procs[name] = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=log, stderr=log,
                                            start_new_session=True)

    def stop_process(self, name, sig=signal.SIGTERM):
        proc = self.procs.pop(name, None)
        if proc is None:
            return
        if proc.poll() is None:
            proc.send_signal(sig)
            try:
                proc.wait(10)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait(10)

    def start_backend(self):
        self.spawn("backend", [BIN, "backend", f"--jwt-secret-file={self.secret}",
                               f"--listen-address=127.0.0.1:{self.backend_port}",
                               f"--admin-listen-address=127.0.0.1:{self.admin_port}",
                               "--interval=1s", "--log.level=warn"])
        wait_until("backend admin listener", lambda: request("GET", self.admin_url("/status"))[0] == 200, 20)

    def start(self):
        if not os.access(BIN, os.X_OK):
            raise RuntimeError(f"{BIN} is not an executable (set BIN)")
        if not os.access(PROMETHEUS, os.X_OK):
            raise RuntimeError(f"{PROMETHEUS} is not an executable (set PROMETHEUS)")
        with open(self.secret, "w") as f:
            f.write(secrets.token_hex(32))
        self.receivers = Receivers()
        self.write_config(self.config_text())
        check = subprocess.run([BIN, "check-config", self.config], capture_output=True, text=True, timeout=30)
        if check.returncode != 0:
            raise RuntimeError(f"check-config: {check.stdout}{check.stderr}")
        self.start_backend()
        self.spawn("agent", [BIN, "run", f"--config.file={self.config}",
                             f"--web.listen-address=127.0.0.1:{self.agent_port}",
                             f"--storage.path={os.path.join(self.work, 'data')}", "--log.level=error"])
        wait_until("agent /-/ready", lambda: request("GET", self.agent_url("/-/ready"))[0] == 200, 30)
        prom_config = os.path.join(self.work, "prometheus.yml")
        rule_files = "".join(f"  - {json.dumps(path)}\n" for path in shipped_rule_files())
        with open(prom_config, "w") as f:
            f.write(f"""global:
  scrape_interval: {self.scrape_interval}
  scrape_timeout: {self.scrape_interval}
  evaluation_interval: {self.scrape_interval}
rule_files:
{rule_files}scrape_configs:
  - job_name: wshealth
    static_configs:
      - targets: ['127.0.0.1:{self.agent_port}']
""")
        self.spawn("prometheus", [PROMETHEUS, f"--config.file={prom_config}",
                                  f"--storage.tsdb.path={os.path.join(self.work, 'tsdb')}",
                                  f"--web.listen-address=127.0.0.1:{self.prom_port}", "--log.level=warn"])
        wait_until("prometheus /-/ready", lambda: request("GET", self.prom_url("/-/ready"))[0] == 200, 30)
        self.started_at = time.time()
        wait_until("first scrape of the agent",
                   lambda: any(r["value"][1] == "1" for r in self.query('up{job="wshealth"}')), 30)

    def stop(self):
        for name in ("agent", "prometheus", "backend"):
            try:
                self.stop_process(name)
            except Exception as e:  # keep stopping the others
                print(f"stopping {name}: {e}", file=sys.stderr)
        if self.receivers:
            self.receivers.close()
        for log in self.logs.values():
            log.close()
        shutil.rmtree(self.work, ignore_errors=True)

    def __enter__(self):
        try:
            self.start()
        except BaseException:
            self.dump_logs()
            self.stop()
            raise
        return self

    def __exit__(self, *exc):
        if exc[0] is not None:
            self.dump_logs()
        self.stop()

    def dump_logs(self, lines=15):
        for name, log in self.logs.items():
            log.flush()
            try:
                with open(log.name, errors="replace") as f:
                    tail = f.readlines()[-lines:]
            except OSError:
                continue
            if tail:
                print(f"--- {name} log (last {len(tail)} lines)", file=sys.stderr)
                sys.stderr.writelines(tail)

    # -- helpers
    def admin_url(self, path):
        return f"http://127.0.0.1:{self.admin_port}{path}"

    def agent_url(self, path):
        return f"http://127.0.0.1:{self.agent_port}{path}"

    def prom_url(self, path):
        return f"http://127.0.0.1:{self.prom_port}{path}"

    def fault(self, path):
        status, body = request("POST", self.admin_url(path))
        if status != 200:
            raise RuntimeError(f"POST {path}: {status} {body[:200]!r}")

    def agent_post(self, path, expect=200):
        status, body = request("POST", self.agent_url(path), timeout=15)
        if status != expect:
            raise RuntimeError(f"POST {path}: {status}, expected {expect}: {body[:300]!r}")
        return body

    def reload(self, broken=False):
        """POST /-/reload with the configuration as written, or with a broken one (500 expected,
        the old configuration keeps running)."""
        text = self.config_text()
        if broken:
            text = text.replace("max_attempts: 3", "max_attempts: -3")
        self.write_config(text)
        self.agent_post("/-/reload", expect=500 if broken else 200)

    def prom_api(self, path, params):
        url = self.prom_url(path) + "?" + urllib.parse.urlencode(params, doseq=True)
        status, body = request("GET", url, timeout=30)
        try:
            data = json.loads(body)
        except ValueError:
            data = {"status": "error", "error": f"HTTP {status}: {body[:200]!r}"}
        return data

    def query(self, expr, at=None):
        data = self.prom_api("/api/v1/query", {"query": expr, **({"time": at} if at else {})})
        if data.get("status") != "success":
            raise RuntimeError(f"{expr}: {data.get('error')}")
        return data["data"]["result"]


def install_signal_handlers():
    def terminate(signum, frame):
        raise KeyboardInterrupt(f"signal {signum}")
    # SIGINT too: a shell without job control starts background jobs with SIGINT ignored.
    for signum in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
        signal.signal(signum, terminate)


# ---------------------------------------------------------------------------- scenario

def run_faults(s, log=print):
    """About 50 s of faults on the healthy target; the unreachable one cycles by itself."""
    def step(what, action, pause):
        log(f"  t+{time.time() - s.started_at:5.1f}s  {what}")
        action()
        time.sleep(pause)

    def stall():
        s.fault("/faults/stall?enabled=true")
        time.sleep(10)  # stale after 3 s; a ping after 6 s of silence, given up 3 s later
        s.fault("/faults/stall?enabled=false")

    def freeze():
        s.fault("/faults/freeze-timestamp?enabled=true")
        time.sleep(6)  # the data is stale 3 s after the frozen timestamp, messages keep coming
        s.fault("/faults/freeze-timestamp?enabled=false")

    def auth():
        s.fault("/faults/refuse-tokens?enabled=true")
        s.fault("/faults/drop")
        time.sleep(3)
        s.fault("/faults/refuse-tokens?enabled=false")
        s.agent_post("/api/v1/targets/healthy/retry")

    step("garbage + binary messages", lambda: (s.fault("/faults/garbage"), s.fault("/faults/binary")), 2)
    step("drop every connection (no close frame)", lambda: s.fault("/faults/drop"), 3)
    step("close 4000", lambda: s.fault("/faults/close?code=4000&reason=dashboard-check"), 3)
    step("oversize message (100000 bytes > 65536)", lambda: s.fault("/faults/oversize?bytes=100000"), 3)
    step("bad frame (reserved opcode)", lambda: s.fault("/faults/bad-frame?kind=reserved-opcode"), 3)
    step("freeze timestamps for 6 s (data ages while messages flow)", freeze, 2)
    step("stall for 10 s (stale data, then ping timeout)", stall, 2)
    step("refuse tokens + drop, then Retry", auth, 3)
    step("reload a bad configuration (expect 500)", lambda: s.reload(broken=True), 3)
    step("reload the good configuration", s.reload, 2)
    step("listener down for 3 s", lambda: s.fault("/faults/down?seconds=3"), 6)


# ---------------------------------------------------------------------------- checks

def to_float(v):
    try:
        return float(v)
    except ValueError:
        return math.nan


def legend_name(legend, labels, problems, where):
    def repl(m):
        if m.group(1) not in labels:
            problems.append(f"{where}: legend {{{{{m.group(1)}}}}} but the series has only {sorted(labels)}")
            return ""
        return labels[m.group(1)]
    return LEGEND_RE.sub(repl, legend or "")


def mapped_values(panel):
    keys = set()
    for m in panel.get("fieldConfig", {}).get("defaults", {}).get("mappings", []):
        if m.get("type") == "value":
            keys.update(float(k) for k in m.get("options", {}))
    return keys


def check_live(s, dash, queries, end):
    start = s.started_at
    step = 2
    values = {"job": ".*", "target": ".*", "datasource": "prometheus", "__rate_interval": "15s",
              "__interval": f"{step}s", "__interval_ms": str(step * 1000), "__range": f"{int(end - start)}s",
              "__range_s": str(int(end - start)), "__range_ms": str(int(end - start) * 1000)}
    status, body = request("GET", s.agent_url("/metrics"))
    exposition = parse_exposition(body.decode())
    failures = 0

    variables = {v["name"]: v for v in dash["templating"]["list"]}
    expected = {"job": {"wshealth"}, "target": {"healthy", "unreachable"}, "slo_window": {slo_window()}}
    for name in ("job", "target", "slo_window"):
        m = re.fullmatch(r"label_values\((.*),\s*(\w+)\)", variable_query(variables[name]))
        if not m:
            print(f"FAIL  variable {name}: query is not label_values(selector, label)")
            failures += 1
            continue
        data = s.prom_api(f"/api/v1/label/{m.group(2)}/values",
                          {"match[]": substitute(m.group(1), values), "start": start, "end": end})
        got = set(data.get("data") or [])
        ok = data.get("status") == "success" and got == expected[name]
        if name == "slo_window":
            values[name] = min(got) if got else "NO_SLO_WINDOW"
        failures += not ok
        print(f"{'ok  ' if ok else 'FAIL'}  variable {name}: {sorted(got)}"
              + ("" if ok else f", expected {sorted(expected[name])} ({data.get('error', '')})"))

    series_labels = {}  # recorded series -> its label names in Prometheus

    def recorded(name):
        if name not in series_labels:
            data = s.prom_api("/api/v1/series", {"match[]": name, "start": start, "end": end})
            series_labels[name] = {label for series in data.get("data") or [] for label in series}
        return series_labels[name]

    panel_names = {}  # panel id -> rendered series names
    panel_values = {}  # panel id -> observed finite values
    for label, panel, target, range_only in queries:
        problems = []
        raw = target["expr"]
        try:
            # $job and $target stay, to check the selectors; other variables may be part of names.
            problems += check_selectors(substitute(raw, {**values, "job": "$job", "target": "$target"}),
                                        exposition, recorded)
            expr = substitute(raw, values)
        except KeyError as e:
            problems.append(str(e))
            expr = None
        n_instant = n_series = n_finite = n_nonzero = 0
        if expr is not None:
            instant = s.prom_api("/api/v1/query", {"query": expr, "time": end})
            if instant.get("status") != "success":
                problems.append(f"instant query: {instant.get('error')}")
            else:
                n_instant = len(instant["data"]["result"])
                if n_instant == 0 and not range_only:
                    problems.append("instant query: empty result")
            ranged = s.prom_api("/api/v1/query_range", {"query": expr, "start": start, "end": end, "step": step})
            if ranged.get("status") != "success":
                problems.append(f"range query: {ranged.get('error')}")
            else:
                result = ranged["data"]["result"]
                n_series = len(result)
                for series in result:
                    labels = series["metric"]
                    name = legend_name(target.get("legendFormat"), labels, problems, "legendFormat")
                    if panel is not None:
                        panel_names.setdefault(panel["id"], set()).add(name)
                    for _, v in series["values"]:
                        f = to_float(v)
                        if math.isfinite(f):
                            n_finite += 1
                            n_nonzero += f != 0
                            if panel is not None:
                                panel_values.setdefault(panel["id"], set()).add(f)
                if n_nonzero == 0:
                    reason = next((r for k, r in ALLOW_ALL_ZERO.items() if k in raw), None)
                    if reason:
                        print(f"      allowed all-zero: {reason}")
                    else:
                        problems.append("range query: no finite non-zero sample over the scenario")
        ok = not problems
        failures += not ok
        print(f"{'ok  ' if ok else 'FAIL'}  {label}: instant {n_instant} series; "
              f"range {n_series} series, {n_finite} finite samples, {n_nonzero} non-zero")
        for p in dict.fromkeys(problems):
            print(f"        {p}")

    for panel in (p for p in flatten_panels(dash["panels"]) if p.get("type") not in ("row", "text")):
        problems = []
        names = panel_names.get(panel["id"], set())
        for o in panel.get("fieldConfig", {}).get("overrides", []):
            kind, opt = o["matcher"]["id"], o["matcher"].get("options", "")
            if kind == "byName" and opt not in names:
                problems.append(f"override byName {opt!r} matches no series ({sorted(names)})")
            elif kind == "byRegexp":
                rx = re.compile(opt[1:-1] if opt.startswith("/") and opt.endswith("/") else opt)
                if not any(rx.search(n) for n in names):
                    problems.append(f"override byRegexp {opt!r} matches no series")
        keys = mapped_values(panel)
        if keys:
            unmapped = sorted(v for v in panel_values.get(panel["id"], ()) if v not in keys)
            if unmapped:
                problems.append(f"values without a mapping: {unmapped[:5]}")
            texts = {k: t["text"] for m in panel["fieldConfig"]["defaults"]["mappings"] if m.get("type") == "value"
                     for k, t in ((float(k), t) for k, t in m["options"].items())}
            seen = [texts[v] for v in sorted(panel_values.get(panel["id"], ())) if v in texts]
            print(f"      #{panel['id']} {panel['title']}: values shown: {', '.join(seen)}")
        if problems:
            failures += 1
            print(f"FAIL  #{panel['id']} {panel['title']}: " + "; ".join(problems))

    # The shipped rules, evaluated every second on the scenario's data: none may fail.
    data = s.prom_api("/api/v1/rules", {})
    groups = (data.get("data") or {}).get("groups", [])
    rules = [(g["file"], r) for g in groups for r in g["rules"]]
    bad = [f"{os.path.basename(file)} {r.get('name')}: {r.get('health')} {r.get('lastError', '')}"
           for file, r in rules if r.get("health") != "ok"]
    files = sorted({os.path.basename(file) for file, _ in rules})
    wanted = sorted(os.path.basename(path) for path in shipped_rule_files())
    if files != wanted:
        bad.append(f"loaded rule files {files}, expected {wanted}")
    failures += bool(bad)
    print(f"{'FAIL' if bad else 'ok  '}  rules: {len(rules)} rules of {', '.join(files)} evaluated"
          + (":" if bad else " without error"))
    for problem in bad:
        print(f"        {problem}")
    return failures


def main():
    t0 = time.monotonic()
    install_signal_handlers()
    os.chdir(ROOT)
    with open(DASHBOARD) as f:
        dash = json.load(f)
    problems, queries = check_structure(dash)
    panels = [p for p in flatten_panels(dash["panels"])]
    print(f"{os.path.relpath(DASHBOARD)}: {len(panels)} panels, {len(queries)} queries, "
          f"schemaVersion {dash.get('schemaVersion')}")
    for p in problems:
        print(f"FAIL  structure: {p}")
    if problems:
        return 1
    print("ok    structure")
    failures = 0
    with Scenario() as s:
        print(f"scenario: backend :{s.backend_port}, agent :{s.agent_port}, prometheus :{s.prom_port}, "
              f"up after {time.monotonic() - t0:.1f}s")
        time.sleep(3)
        run_faults(s)
        for name, proc in s.procs.items():
            if proc.poll() is not None:
                raise RuntimeError(f"{name} exited with {proc.returncode}")
        end = time.time()
        print(f"scenario done after {time.monotonic() - t0:.1f}s; webhooks received {s.receivers.received}")
        failures += check_live(s, dash, queries, end)
    print(f"{'PASS' if not failures else f'FAIL ({failures})'}: {len(queries)} queries, "
          f"{time.monotonic() - t0:.1f}s")
    return 1 if failures else 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except KeyboardInterrupt as e:
        print(f"interrupted ({e}); everything started was stopped", file=sys.stderr)
        sys.exit(130)
    except RuntimeError as e:
        print(f"FAIL: {e}", file=sys.stderr)
        sys.exit(1)
