#!/usr/bin/env python3
"""Macro performance figures of the agent at N sessions, end to end, on loopback.

Starts the reference backend and agents (`wshealth backend`, `wshealth run`, release build) as
separate processes, because one process cannot hold both ends of N sockets under the fd limit,
and measures:

  1. start-up: spawning the agent (N sessions) -> first HTTP 200 of /metrics (polled every 2 ms);
  2. time until all N sessions are connected, and until all are in `receiving_data`;
  3. steady state at N over --window seconds after --settle, --runs times: the agent's resident
     memory (VmRSS) and CPU (% of one core, utime + stime), the backend's CPU for context;
  4. idle resident memory (1 target x 1 session); per-session memory = (RSS at N - idle) / N;
  5. the backend closes (close frame 1001) or dies (SIGKILL) -> the sessions' new state visible
     in /metrics (1 target x 10 sessions, polled every 1 ms), --rounds times each;
  6. silent dead path: SIGSTOP the backend (TCP open, nothing answers; ping 1s/1s) -> the sessions
     leave `receiving_data`, against ping.interval + ping.timeout;
  7. reconnect storm at N: SIGKILL the backend, start it again on the same port after each
     --storm-pause; time until all N are back, against the backoff schedule; no session may be
     left in `error`; RSS after settling against RSS before.

Memory is reported in KiB/MiB (1 KiB = 1024 B, 1 MiB = 1024 KiB). Every process it starts it
stops, on success, failure, Ctrl-C or SIGTERM; every wait is bounded.

    scripts/bench-sessions.py --quick               # checks the tool: 200 sessions, short windows
    scripts/bench-sessions.py --sessions 2000 --json out.json
    scripts/bench-sessions.py                       # 10 targets x 1,000 sessions, 3 runs of 60 s
"""
import argparse
import collections
import http.client
import json
import math
import os
import random
import re
import resource
import secrets
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "lib"))
from child_processes import HOST, Process, ToolError, free_port  # noqa: E402

STATES = ("disconnected", "connecting", "connected", "receiving_data", "reconnecting", "error")
# The agent's defaults (README, Configuration): the storm bound and its polling limit use them.
RECONNECT_INITIAL, RECONNECT_MAX, MAX_ATTEMPTS = 1.0, 30.0, 10
SMALL_SESSIONS = 10  # the agent of steps 5 and 6
PING = (1.0, 1.0)  # step 6's ping interval and timeout, seconds
VISIBLE_MS = 50  # the target from a state change to /metrics showing it
STEPS = {"1": "startup", "2": "startup", "3": "steady", "4": "idle", "5": "close", "6": "silent", "7": "storm"}
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


class BenchError(ToolError):
    """A measurement could not be taken: a timeout, a process that died, a bad answer."""


def _raise_on_signal(signum, _frame):
    # Turns SIGTERM/SIGHUP into an exception so that the finally blocks stop the children.
    raise SystemExit(128 + signum)


# --- /proc -------------------------------------------------------------------------------------

def memory_kib(pid):
    """VmRSS and its parts: RssAnon (the heap, stacks) and RssFile (mapped binary and libraries,
    which an idle figure is mostly made of), KiB."""
    with open(f"/proc/{pid}/status") as f:
        fields = dict(line.split(":", 1) for line in f if ":" in line)
    try:
        return {key: int(fields[key].split()[0]) for key in ("VmRSS", "RssAnon", "RssFile")}
    except KeyError as missing:
        raise BenchError(f"no {missing} in /proc/{pid}/status") from None


def rss_kib(pid):
    return memory_kib(pid)["VmRSS"]


def cpu_ticks(pid):
    with open(f"/proc/{pid}/stat") as f:
        # The command name may hold spaces and parentheses: the fields start after the last ')'.
        fields = f.read().rsplit(")", 1)[1].split()
    return int(fields[11]) + int(fields[12])  # utime, stime (fields 14 and 15 of proc(5))


# --- HTTP ----------------------------------------------------------------------------------------

class Scraper:
    """GETs over one kept-alive connection, so that polling every millisecond measures the agent,
    not TCP set-up; reconnects after any error."""

    def __init__(self, port, timeout=5):
        self.port, self.timeout, self.conn = port, timeout, None

    def get(self, path="/metrics"):
        """The body of a 200, or None (refused, reset, other status)."""
        # The server closes a connection idle for 30 s: a kept one gets a second chance.
        for _ in range(2 if self.conn is not None else 1):
            try:
                if self.conn is None:
                    self.conn = http.client.HTTPConnection(HOST, self.port, timeout=self.timeout)
                self.conn.request("GET", path)
                response = self.conn.getresponse()
                body = response.read()
                return body.decode() if response.status == 200 else None
            except (OSError, http.client.HTTPException):
                self.close()
        return None

    def close(self):
        if self.conn is not None:
            self.conn.close()
            self.conn = None


def http_status(port, path, method="GET", timeout=2):
    conn = http.client.HTTPConnection(HOST, port, timeout=timeout)
    try:
        conn.request(method, path)
        response = conn.getresponse()
        response.read()
        return response.status
    finally:
        conn.close()


SAMPLE = re.compile(r'^(\w+)\{([^}]*)\} (\S+)$')


def metric_sums(text, name, label):
    """{value of `label`: sum over the other labels} for the samples of `name`."""
    sums = {}
    for line in text.splitlines():
        if not line.startswith(name + "{"):
            continue
        match = SAMPLE.match(line)
        if not match or match.group(1) != name:
            continue
        labels = dict(re.findall(r'(\w+)="([^"]*)"', match.group(2)))
        key = labels.get(label)
        sums[key] = sums.get(key, 0) + float(match.group(3))
    return sums


def session_states(text):
    counts = metric_sums(text, "wshealth_sessions", "state")
    return {state: int(counts.get(state, 0)) for state in STATES}


def metric_max(text, name):
    values = metric_sums(text, name, "target")
    return max(values.values(), default=0)


# --- waiting ---------------------------------------------------------------------------------

def poll(check, timeout, period, what, watch=()):
    """Calls `check()` every `period` s until it returns a non-None value, for at most `timeout` s
    (and so a bounded number of times); fails naming `what`, or a watched process that died."""
    deadline = time.monotonic() + timeout
    for _ in range(int(timeout / max(period, 0.0005)) + 2):
        result = check()
        if result is not None:
            return result
        for process in watch:
            process.check_alive()
        if time.monotonic() >= deadline:
            break
        time.sleep(period)
    raise BenchError(f"timed out after {timeout:g}s waiting for {what}")


def wait_states(scraper, predicate, timeout, what, watch=(), period=0.02):
    """Polls /metrics until `predicate(states)`; returns (monotonic time, states)."""
    def check():
        text = scraper.get()
        if text is None:
            return None
        states = session_states(text)
        return (time.monotonic(), states) if predicate(states) else None
    return poll(check, timeout, period, what, watch)


# --- the system under test ---------------------------------------------------------------------

class Bench:
    """The work directory, the binary and the fixed settings shared by every step."""

    def __init__(self, args, work):
        self.args, self.work = args, work
        self.secret = os.path.join(work, "secret")
        with open(self.secret, "w") as f:
            f.write(secrets.token_hex(32))
        self.count = 0
        # A snapshot: others may rebuild the binary while the rounds restart processes.
        self.bin = os.path.join(work, "wshealth")
        shutil.copy2(args.bin, self.bin)
        version = subprocess.run([self.bin, "--version"], capture_output=True, text=True, timeout=30)
        if version.returncode != 0:
            raise BenchError(f"{args.bin} --version failed (being rebuilt?): {version.stderr.strip()}")
        self.version = version.stdout.strip()

    def path(self, name):
        self.count += 1
        return os.path.join(self.work, f"{self.count:02d}-{name}")


class Backend:
    """The reference backend; it can be killed and started again on the same ports."""

    def __init__(self, bench, name="backend"):
        self.bench, self.name = bench, name
        self.port, self.admin_port = free_port(), free_port()
        self.process = None
        self.start()

    def start(self, ready_timeout=20):
        b = self.bench
        self.process = Process(self.name, [
            b.bin, "backend", f"--jwt-secret-file={b.secret}", f"--listen-address={HOST}:{self.port}",
            f"--admin-listen-address={HOST}:{self.admin_port}", f"--interval={round(b.args.backend_interval * 1000)}ms",
            f"--compression={b.args.compression}", "--log.level=warn"], b.path(f"{self.name}.log"))
        poll(self._ready, ready_timeout, 0.005, f"{self.name} admin /status", [self.process])

    def _ready(self):
        try:
            return True if http_status(self.admin_port, "/status") == 200 else None
        except OSError:
            return None

    def kill(self):
        self.process.kill()

    def fault(self, path):
        status = http_status(self.admin_port, f"/faults/{path}", method="POST", timeout=10)
        if status != 200:
            raise BenchError(f"POST /faults/{path}: HTTP {status}")

    @property
    def url(self):
        return f"ws://{HOST}:{self.port}/api/ws/metrics"


class WebsocketsServer:
    """Python's `websockets` as uvicorn runs it (scripts/lib/websockets_server.py): a server
    that is not ours, at its defaults, for the memory of compressed sessions against it."""

    def __init__(self, bench, name="websockets"):
        self.bench, self.name = bench, name
        self.port = free_port()
        root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
        python = os.path.join(root, ".build", "tools-venv", "bin", "python")
        self.process = Process(name, [
            python, os.path.join(root, "scripts", "lib", "websockets_server.py"), f"--port={self.port}",
            f"--interval={bench.args.backend_interval:g}", f"--compression={bench.args.compression}"],
            bench.path(f"{name}.log"))
        poll(self._ready, 20, 0.02, f"{name} listening", [self.process])

    def _ready(self):
        try:
            with socket.create_connection((HOST, self.port), timeout=1):
                return True
        except OSError:
            return None

    @property
    def url(self):
        return f"ws://{HOST}:{self.port}/api/ws/metrics"


def spread(sessions, targets):
    """Sessions per target, as even as possible."""
    targets = max(1, min(targets, sessions))
    base, extra = divmod(sessions, targets)
    return [base + (1 if i < extra else 0) for i in range(targets)]


class Agent:
    """An agent watching `backend` with `sessions` spread over `targets` targets."""

    def __init__(self, bench, backend, sessions, targets, name, extra=""):
        self.bench, self.sessions, self.name = bench, sessions, name
        self.port = free_port()
        config = bench.path(f"{name}.yml")
        with open(config, "w") as f:
            f.write("targets:\n")
            for i, count in enumerate(spread(sessions, targets)):
                f.write(f"  - name: t{i}\n    url: {backend.url}\n    sessions: {count}\n"
                        f"    token: {{jwt: {{secret_file: {bench.secret}}}}}\n{extra}")
        storage = bench.path(f"{name}-data")
        self.spawned_at = time.monotonic()
        self.process = Process(name, [
            bench.bin, "run", f"--config.file={config}", f"--web.listen-address={HOST}:{self.port}",
            f"--storage.path={storage}", "--log.level=warn"], bench.path(f"{name}.log"))
        self.scraper = Scraper(self.port)

    def first_metrics(self, timeout=30):
        """Monotonic time of the first 200 of /metrics, polling every 2 ms on fresh connections."""
        def check():
            try:
                return time.monotonic() if http_status(self.port, "/metrics", timeout=1) == 200 else None
            except OSError:
                return None
        return poll(check, timeout, 0.002, f"{self.name} /metrics", [self.process])

    def wait_states(self, predicate, timeout, what, period=0.02, watch=()):
        return wait_states(self.scraper, predicate, timeout, what, [self.process, *watch], period)

    def all_receiving(self, timeout, watch=()):
        n = self.sessions
        return self.wait_states(lambda s: s["receiving_data"] == n, timeout,
                                f"{n} sessions of {self.name} in receiving_data", watch=watch)

    def metrics(self):
        text = self.scraper.get()
        if text is None:
            self.process.check_alive()
            raise BenchError(f"{self.name}: /metrics did not answer 200")
        return text

    def stop(self):
        self.scraper.close()
        self.process.stop()


# --- measurements --------------------------------------------------------------------------------

def cpu_percent(processes, seconds, memory_of):
    """CPU % of one core of each process over `seconds`, and the last memory_kib of `memory_of`;
    sampled every second, so that a process dying mid-window is noticed."""
    start = time.monotonic()
    ticks = [cpu_ticks(p.pid) for p in processes]
    memory = None
    for _ in range(int(seconds) + 2):
        left = start + seconds - time.monotonic()
        if left <= 0:
            break
        time.sleep(min(1.0, left))
        for p in processes:
            p.check_alive()
        memory = memory_kib(memory_of.pid)
    wall = time.monotonic() - start
    shares = [(cpu_ticks(p.pid) - t) / CLOCK_TICKS / wall * 100 for p, t in zip(processes, ticks)]
    return shares, memory


def summary(values):
    return {"median": statistics.median(values), "min": min(values), "max": max(values), "runs": len(values)}


def percentiles(values_ms):
    """p50 (median), p99 (nearest rank: the maximum below 100 samples) and max, in ms."""
    ordered = sorted(values_ms)
    p99 = ordered[max(0, math.ceil(0.99 * len(ordered)) - 1)]
    return {"p50": statistics.median(ordered), "p99": p99, "max": ordered[-1], "n": len(ordered)}


def measure_startup(agent, args):
    """Steps 1 and 2 for an agent just spawned."""
    served = agent.first_metrics()
    connected_at, _ = agent.wait_states(
        lambda s: s["connected"] + s["receiving_data"] == agent.sessions, args.ready_timeout,
        f"{agent.sessions} sessions connected")
    receiving_at, _ = agent.all_receiving(args.ready_timeout)
    return {
        "startup_to_metrics_ms": (served - agent.spawned_at) * 1000,
        "all_connected_s": connected_at - agent.spawned_at,
        "all_receiving_s": receiving_at - agent.spawned_at,
    }


def measure_steady(agent, backend, args):
    """Step 3: after the settle period, `runs` consecutive windows without scraping the agent."""
    time.sleep(args.settle)
    runs = []
    for run in range(args.runs):
        (agent_cpu, backend_cpu), memory = cpu_percent([agent.process, backend.process], args.window,
                                                       agent.process)
        states = session_states(agent.metrics())
        runs.append({"agent_cpu_percent": agent_cpu, "backend_cpu_percent": backend_cpu,
                     "agent_rss_kib": memory["VmRSS"], "agent_rss_anon_kib": memory["RssAnon"],
                     "receiving_data": states["receiving_data"]})
        log(f"  run {run + 1}/{args.runs}: agent {agent_cpu:.2f} % CPU, {memory['VmRSS'] / 1024:.1f} MiB "
            f"(anon {memory['RssAnon'] / 1024:.1f}); "
            f"backend {backend_cpu:.2f} % CPU; receiving_data {states['receiving_data']}/{agent.sessions}")
    return {
        "runs": runs,
        "agent_cpu_percent": summary([r["agent_cpu_percent"] for r in runs]),
        "backend_cpu_percent": summary([r["backend_cpu_percent"] for r in runs]),
        "agent_rss_kib": summary([r["agent_rss_kib"] for r in runs]),
    }


def measure_idle(bench, backend, args):
    """Step 4: one target, one session, settled."""
    agent = Agent(bench, backend, 1, 1, "agent-idle")
    try:
        result = measure_startup(agent, args)
        time.sleep(args.settle)
        agent.process.check_alive()
        memory = memory_kib(agent.process.pid)
        result["rss_kib"], result["rss_anon_kib"], result["rss_file_kib"] = (
            memory["VmRSS"], memory["RssAnon"], memory["RssFile"])
        return result
    finally:
        agent.stop()


def visible_latency(agent, trigger, timeout):
    """Calls `trigger()`, then polls /metrics every 1 ms: ms until the first session left
    `receiving_data`, and until all of them had."""
    n = agent.sessions
    start = time.monotonic()
    trigger()
    first = None
    for _ in range(int(timeout / 0.001) + 1):
        text = agent.scraper.get()
        now = time.monotonic()
        receiving = session_states(text)["receiving_data"] if text is not None else n
        if first is None and receiving < n:
            first = now
        if receiving == 0:
            return (first - start) * 1000, (now - start) * 1000
        if now - start > timeout:
            break
        time.sleep(0.001)
    agent.process.check_alive()
    raise BenchError(f"sessions of {agent.name} still in receiving_data {timeout:g}s after the fault")


def counters(agent, name, label):
    return metric_sums(agent.metrics(), name, label)


def increase(before, after):
    """The counters that grew, by how much."""
    return collections.Counter({k: int(v - before.get(k, 0)) for k, v in after.items() if v > before.get(k, 0)})


def fault_rounds(agent, backend, rounds, trigger, recover, args, timeout=10, phase=0.0):
    """`rounds` times from all sessions receiving: wait up to `phase` s, `trigger()`, time the
    visibility, `recover()` whatever happened. Returns the latencies and the disconnect causes."""
    firsts, alls, causes = [], [], collections.Counter()
    for _ in range(rounds):
        agent.all_receiving(args.recover_timeout, watch=[backend.process])
        time.sleep(random.uniform(0, phase))
        before = counters(agent, "wshealth_disconnects_total", "cause")
        try:
            first, all_left = visible_latency(agent, trigger, timeout)
        finally:
            recover()
        firsts.append(first)
        alls.append(all_left)
        causes += increase(before, counters(agent, "wshealth_disconnects_total", "cause"))
    agent.all_receiving(args.recover_timeout, watch=[backend.process])
    return {"first_ms": percentiles(firsts), "all_ms": percentiles(alls), "samples_all_ms": alls,
            "disconnect_causes": dict(causes)}


def measure_close(bench, args):
    """Step 5 on its own backend, since killing it would disturb the N-session agent."""
    backend = Backend(bench, "backend-close")
    agent = Agent(bench, backend, SMALL_SESSIONS, 1, "agent-close")
    faults = {
        "close": (lambda: backend.fault("close?code=1001&reason=bench"), lambda: None),
        "kill": (backend.kill, backend.start),  # the same port again, for the next round
    }
    try:
        agent.first_metrics()
        result = {}
        for kind, (trigger, recover) in faults.items():
            result[kind] = fault_rounds(agent, backend, args.rounds, trigger, recover, args)
            log(f"  {kind}: all out of receiving_data {fmt_latency(result[kind]['all_ms'])}; "
                f"causes {result[kind]['disconnect_causes']}")
        return result
    finally:
        agent.stop()
        backend.process.stop()


def measure_silent(bench, args):
    """Step 6: SIGSTOP leaves the TCP connections open and unanswered; only the ping can tell."""
    backend = Backend(bench, "backend-silent")
    ping = f"    ping: {{interval: {PING[0]:g}s, timeout: {PING[1]:g}s}}\n"
    agent = Agent(bench, backend, SMALL_SESSIONS, 1, "agent-silent", extra=ping)
    try:
        agent.first_metrics()
        # A session enters receiving_data on a message, so stopping right away would always hit
        # the worst phase of the ping cycle: a random delay up to ping.interval samples them all.
        result = fault_rounds(agent, backend, args.silent_rounds, lambda: backend.process.signal(signal.SIGSTOP),
                              lambda: backend.process.signal(signal.SIGCONT), args,
                              timeout=sum(PING) * 5, phase=PING[0])
        return {"ping_interval_s": PING[0], "ping_timeout_s": PING[1], **result}
    finally:
        agent.stop()
        backend.process.stop()


def backoff_sum(attempts):
    """Seconds of backoff up to attempt `attempts`: initial x 2^(k-1), capped, k = 1..attempts."""
    return sum(min(RECONNECT_INITIAL * 2 ** (k - 1), RECONNECT_MAX) for k in range(1, attempts + 1))


def follow_recovery(agent, watch):
    """Polls /metrics every 50 ms until all sessions receive data again; returns that time and
    the peaks seen on the way: reconnect attempt, sessions in `error`, RSS."""
    peak = {"attempt": 0, "error": 0, "rss_kib": 0}

    def check():
        text = agent.scraper.get()
        if text is None:
            return None
        states = session_states(text)
        peak["attempt"] = max(peak["attempt"], int(metric_max(text, "wshealth_reconnect_attempt")))
        peak["error"] = max(peak["error"], states["error"])
        peak["rss_kib"] = max(peak["rss_kib"], rss_kib(agent.process.pid))
        return time.monotonic() if states["receiving_data"] == agent.sessions else None
    # However it goes, a session has given up once the whole schedule has passed.
    limit = backoff_sum(MAX_ATTEMPTS) + MAX_ATTEMPTS * 10 + 60
    back = poll(check, limit, 0.05, f"{agent.sessions} sessions back in receiving_data", [agent.process, *watch])
    return back, peak


def storm(agent, backend, pause, args):
    """Step 7, one storm: SIGKILL, `pause` seconds, start again on the same port; follow the
    sessions until all receive data, settle, compare."""
    rss_before = rss_kib(agent.process.pid)
    failures_before = counters(agent, "wshealth_connection_failures_total", "reason")
    retries_before = counters(agent, "wshealth_max_retries_exceeded_total", "target")
    start = time.monotonic()
    backend.kill()
    time.sleep(pause)
    backend.start()
    restarted = time.monotonic() - start
    back, peak = follow_recovery(agent, [backend.process])
    time.sleep(args.settle)
    # Each session waits out every backoff up to the attempt that succeeds, each attempt takes a
    # handshake (the slack), and the first message comes at the backend's next broadcast tick.
    bound = backoff_sum(max(peak["attempt"], 1)) + args.backend_interval + args.storm_slack
    return {
        "pause_s": pause, "backend_restart_s": restarted, "all_back_s": back - start, "bound_s": bound,
        "max_attempt": peak["attempt"], "max_error_sessions": peak["error"],
        "max_retries_exceeded": sum(increase(retries_before, counters(
            agent, "wshealth_max_retries_exceeded_total", "target")).values()),
        "connection_failures": dict(increase(failures_before, counters(
            agent, "wshealth_connection_failures_total", "reason"))),
        "states_after": session_states(agent.metrics()),
        "rss_before_kib": rss_before, "rss_peak_kib": max(peak["rss_kib"], rss_before),
        "rss_after_kib": rss_kib(agent.process.pid),
    }


def measure_storms(agent, backend, args):
    results = []
    for pause in args.storm_pause:
        r = storm(agent, backend, pause, args)
        results.append(r)
        log(f"  pause {pause:g}s: all back after {r['all_back_s']:.2f} s (bound {r['bound_s']:g} s, "
            f"max attempt {r['max_attempt']}), error peak {r['max_error_sessions']}, "
            f"failures {r['connection_failures']}, RSS {r['rss_before_kib'] / 1024:.1f} -> peak "
            f"{r['rss_peak_kib'] / 1024:.1f} -> {r['rss_after_kib'] / 1024:.1f} MiB")
    return results


# --- the report ----------------------------------------------------------------------------------

def fmt_summary(s, unit, scale=1.0, digits=1):
    if s["runs"] == 1:
        return f"{s['median'] * scale:.{digits}f} {unit}"
    return (f"{s['median'] * scale:.{digits}f} {unit} ({s['min'] * scale:.{digits}f}–"
            f"{s['max'] * scale:.{digits}f}, {s['runs']} runs)")


def fmt_latency(p):
    return f"p50 {p['p50']:.1f} / p99 {p['p99']:.1f} / max {p['max']:.1f} ms ({p['n']} rounds)"


def yes(condition):
    return "yes" if condition else "**no**"


def startup_rows(start, args):
    n = args.sessions
    return [(f"start-up → /metrics 200 ({n} sessions)", f"{start['startup_to_metrics_ms']:.1f} ms", "≤ 200 ms",
             yes(start["startup_to_metrics_ms"] <= 200)),
            (f"all {n} connected / receiving_data",
             f"{start['all_connected_s']:.2f} s / {start['all_receiving_s']:.2f} s",
             f"– (first message ≤ {args.backend_interval:g} s after connecting)", "–")]


def steady_rows(steady, args):
    n = args.sessions
    cpu = steady["agent_cpu_percent"]
    at = "" if n == 10000 else f" (measured at {n})"
    return [(f"agent CPU at {n} sessions", fmt_summary(cpu, "% of one core", digits=2), f"≤ 3 % at 10,000{at}",
             yes(cpu["median"] <= 3)),
            (f"agent RSS at {n} sessions", fmt_summary(steady["agent_rss_kib"], "MiB", 1 / 1024), "–", "–"),
            (f"backend CPU at {n} sessions (context)",
             fmt_summary(steady["backend_cpu_percent"], "% of one core", digits=2), "–", "–")]


def memory_rows(results):
    idle = results["idle"]
    mib = idle["rss_kib"] / 1024
    parts = f"anon {idle['rss_anon_kib'] / 1024:.1f} + file {idle['rss_file_kib'] / 1024:.1f}"
    rows = [("idle agent RSS (1 session)", f"{mib:.1f} MiB ({parts})", "≤ 30 MB (read as MiB)", yes(mib <= 30))]
    if "per_session_kib" in results:
        per = results["per_session_kib"]
        anon = results["per_session_anon_kib"]["median"]
        rows.append(("memory per session (RSS at N − idle) / N", fmt_summary(per, "KiB", digits=2) +
                     f"; anon only {anon:.2f} KiB", "≤ 10 KB (KiB)", yes(per["median"] <= 10)))
    return rows


def fault_rows(results):
    rows = []
    for kind, label in (("close", "server close frame"), ("kill", "backend SIGKILL")):
        if kind in results.get("close", {}):
            p = results["close"][kind]["all_ms"]
            rows.append((f"{label} → all {SMALL_SESSIONS} out of receiving_data in /metrics", fmt_latency(p),
                         f"≤ {VISIBLE_MS} ms (p99)", yes(p["p99"] <= VISIBLE_MS)))
    silent = results.get("silent")
    if silent:
        limit = (silent["ping_interval_s"] + silent["ping_timeout_s"]) * 1000
        p = silent["all_ms"]
        rows.append(("silent dead path (SIGSTOP) → all out of receiving_data", fmt_latency(p),
                     f"≤ ping.interval + ping.timeout = {limit:.0f} ms (+ {VISIBLE_MS} ms to be visible)",
                     yes(p["max"] <= limit + VISIBLE_MS)))
    return rows


def storm_row(s, args):
    ratio = s["rss_after_kib"] / s["rss_before_kib"]
    value = (f"back in {s['all_back_s']:.2f} s (bound {s['bound_s']:g} s, attempt ≤ {s['max_attempt']}); "
             f"error peak {s['max_error_sessions']}, after {s['states_after']['error']}; "
             f"RSS {s['rss_before_kib'] / 1024:.1f} → {s['rss_after_kib'] / 1024:.1f} MiB (×{ratio:.2f})")
    met = (s["all_back_s"] <= s["bound_s"] and s["max_error_sessions"] == 0 and s["max_retries_exceeded"] == 0
           and ratio <= 1 + args.memory_tolerance)
    return (f"reconnect storm at {args.sessions}, restart after {s['pause_s']:g} s", value,
            f"within the bound, none in error, RSS ≤ +{args.memory_tolerance:.0%}", yes(met))


def table_rows(results, args):
    """(figure, value, target, met?) for every figure measured."""
    rows = []
    if "startup" in results:
        rows += startup_rows(results["startup"], args)
    if "steady" in results:
        rows += steady_rows(results["steady"], args)
    if "idle" in results:
        rows += memory_rows(results)
    rows += fault_rows(results)
    rows += [storm_row(s, args) for s in results.get("storm", [])]
    return rows


def print_table(rows):
    print("\n| figure | value (median, spread) | target | met? |\n|---|---|---|---|")
    for row in rows:
        print("| " + " | ".join(row) + " |")


def log(message):
    print(message, flush=True)


# --- main ----------------------------------------------------------------------------------------

def parse_args(argv):
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--bin", help="the wshealth binary, never built here (.build/release/wshealth of the repo, from scripts/build-release)")
    p.add_argument("--sessions", type=int, default=10000, help="N (default 10000)")
    p.add_argument("--targets", type=int, default=10, help="targets the N sessions are spread over (10)")
    p.add_argument("--window", type=float, default=60, help="steady-state window, seconds (60)")
    p.add_argument("--settle", type=float, default=10, help="settle period before measuring, seconds (10)")
    p.add_argument("--runs", type=int, default=3, help="steady-state windows (3)")
    p.add_argument("--rounds", type=int, default=20, help="rounds of each fault of step 5 (20)")
    p.add_argument("--silent-rounds", type=int, default=5, help="rounds of step 6 (5)")
    p.add_argument("--storm-pause", default="0,3",
                   help="comma-separated pauses between SIGKILL and restart, one storm each (0,3)")
    p.add_argument("--storm-slack", type=float, default=1.0,
                   help="seconds allowed on top of the backoff sum and one message interval for handshakes (1)")
    p.add_argument("--memory-tolerance", type=float, default=0.10,
                   help="RSS after a storm may exceed RSS before by this fraction (0.10)")
    p.add_argument("--backend-interval", type=float, default=5, help="the backend's --interval, seconds (5)")
    p.add_argument("--compression", choices=["deflate", "none"], default="deflate",
                   help="the backend's --compression: whether it agrees to the agent's permessage-deflate offer (deflate)")
    p.add_argument("--server", choices=["reference", "websockets"], default="reference",
                   help="the server: the reference backend, or Python's websockets as uvicorn runs it (steps 1-4 only)")
    p.add_argument("--ready-timeout", type=float, default=180, help="limit for all N to connect, seconds (180)")
    p.add_argument("--recover-timeout", type=float, default=30,
                   help="limit for the small agents to recover between rounds, seconds (30)")
    p.add_argument("--quick", action="store_true",
                   help="check the tool: 200 sessions, 2 targets, 5 s window, 1 run, 3 rounds")
    p.add_argument("--skip", action="append", default=[],
                   help="skip a step: 1-7 or startup, steady, idle, close, silent, storm (repeatable, or comma list)")
    p.add_argument("--json", help="write the results to this file")
    args = p.parse_args(argv)
    if args.quick:
        args.sessions, args.targets, args.window, args.settle, args.runs = 200, 2, 5, 2, 1
        args.rounds, args.silent_rounds, args.storm_pause = 3, 2, "0"
    args.storm_pause = [float(x) for x in args.storm_pause.split(",") if x.strip()]
    args.skip = {STEPS.get(s.strip(), s.strip()) for item in args.skip for s in item.split(",") if s.strip()}
    if args.server == "websockets":
        args.skip |= {"storm", "close", "silent"}  # these need the reference backend's faults
    unknown = args.skip - set(STEPS.values())
    if unknown:
        p.error(f"--skip: unknown step(s) {', '.join(sorted(unknown))}")
    return args


def check_environment(args):
    if not os.access(args.bin, os.X_OK):
        raise BenchError(f"{args.bin} is missing or not executable: build it (scripts/build-release) first")
    _, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if hard != resource.RLIM_INFINITY and hard < args.sessions + 1000:
        raise BenchError(f"the hard fd limit {hard} is too low for {args.sessions} sessions (+1000)")


def run_n_agent(bench, backend, args, results):
    """Steps 1, 2, 3 and 7 share the N-session agent."""
    log(f"agent: {args.targets} targets × {args.sessions} sessions")
    agent = Agent(bench, backend, args.sessions, args.targets, "agent-n")
    try:
        startup = measure_startup(agent, args)
        if "startup" not in args.skip:
            results["startup"] = startup
            log(f"  /metrics after {startup['startup_to_metrics_ms']:.1f} ms; all connected after "
                f"{startup['all_connected_s']:.2f} s, all receiving_data after {startup['all_receiving_s']:.2f} s")
        if "steady" not in args.skip:
            log(f"steady state: settle {args.settle:g} s, {args.runs} × {args.window:g} s")
            results["steady"] = measure_steady(agent, backend, args)
        if "storm" not in args.skip:
            log("reconnect storm")
            results["storm"] = measure_storms(agent, backend, args)
    finally:
        agent.stop()


def add_per_session(results, sessions):
    """(RSS at N - idle RSS) / N per steady run; also from RssAnon alone, which leaves out the
    file-backed pages (binary, libraries) whose residency varies between processes."""
    for key, idle_key, run_key in (("per_session_kib", "rss_kib", "agent_rss_kib"),
                                   ("per_session_anon_kib", "rss_anon_kib", "agent_rss_anon_kib")):
        idle = results["idle"][idle_key]
        results[key] = summary([(r[run_key] - idle) / sessions for r in results["steady"]["runs"]])


def run(args, results):
    work = tempfile.mkdtemp(prefix="wshealth-bench-sessions-")
    failed = True
    try:
        bench = Bench(args, work)
        results["version"] = bench.version
        log(f"wshealth {bench.version}; {os.cpu_count()} CPUs; load average {os.getloadavg()[0]:.2f}")
        backend = Backend(bench) if args.server == "reference" else WebsocketsServer(bench)
        if "idle" not in args.skip:
            log("idle agent: 1 target × 1 session")
            results["idle"] = measure_idle(bench, backend, args)
            log(f"  RSS {results['idle']['rss_kib'] / 1024:.1f} MiB, anon {results['idle']['rss_anon_kib'] / 1024:.1f} "
                f"(/metrics after {results['idle']['startup_to_metrics_ms']:.1f} ms)")
        if not {"startup", "steady", "storm"} <= args.skip:
            run_n_agent(bench, backend, args, results)
        backend.process.stop()
        if "idle" in results and "steady" in results:
            add_per_session(results, args.sessions)
        if "close" not in args.skip:
            log(f"close → visible: 1 target × {SMALL_SESSIONS} sessions, {args.rounds} rounds per fault")
            results["close"] = measure_close(bench, args)
        if "silent" not in args.skip:
            log(f"silent dead path: ping {PING[0]:g}s/{PING[1]:g}s, {args.silent_rounds} rounds")
            results["silent"] = measure_silent(bench, args)
            log(f"  all out of receiving_data: {fmt_latency(results['silent']['all_ms'])}; "
                f"causes {results['silent']['disconnect_causes']}")
        failed = False
    finally:
        Process.stop_all()
        if failed:
            if os.path.exists(os.path.join(work, "wshealth")):
                os.remove(os.path.join(work, "wshealth"))  # the snapshot of the binary is large
            print(f"logs kept in {work}", file=sys.stderr)
        else:
            shutil.rmtree(work, ignore_errors=True)


def main(argv):
    args = parse_args(argv)
    repo = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
    args.bin = os.path.abspath(args.bin or os.path.join(repo, ".build/release/wshealth"))
    if args.json:
        args.json = os.path.abspath(args.json)
    for sig in (signal.SIGTERM, signal.SIGHUP):
        signal.signal(sig, _raise_on_signal)
    # Also when started in the background, where a shell leaves SIGINT ignored.
    signal.signal(signal.SIGINT, signal.default_int_handler)
    results = {"settings": {k: v for k, v in vars(args).items() if k != "skip"} | {"skip": sorted(args.skip)}}
    started = time.monotonic()
    try:
        check_environment(args)
        run(args, results)
    except ToolError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    finally:
        results["runtime_s"] = time.monotonic() - started
        if args.json:
            with open(args.json, "w") as f:
                json.dump(results, f, indent=2)
    print_table(table_rows(results, args))
    log(f"\nruntime {results['runtime_s']:.0f} s; memory in KiB/MiB (1 KiB = 1024 B); CPU in % of one core")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
