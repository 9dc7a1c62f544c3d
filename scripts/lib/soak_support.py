"""Helpers of scripts/soak: child processes, /proc readings, the Prometheus text format, a
webhook receiver that is down half the time, and an SVG line chart. Standard library only.

Child processes come from child_processes.py, shared with scripts/bench-sessions.py.
"""
import http.client
import http.server
import json
import math
import os
import re
import threading
import time
from xml.sax.saxutils import escape as xml_escape

from child_processes import HOST, Process, ToolError, free_port, raise_fd_limit  # noqa: F401 (re-exported)

CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


class SoakError(ToolError):
    """The run cannot go on, or a check failed: the message names what."""


def poll(check, timeout, period, what, watch=()):
    """Calls `check()` every `period` s until it returns a non-None value, for at most `timeout` s;
    fails naming `what`, or a watched process that died."""
    deadline = time.monotonic() + timeout
    for _ in range(int(timeout / max(period, 0.001)) + 2):
        result = check()
        if result is not None:
            return result
        for process in watch:
            process.check_alive()
        if time.monotonic() >= deadline:
            break
        time.sleep(period)
    raise SoakError(f"timed out after {timeout:g}s waiting for {what}")


# --- /proc -------------------------------------------------------------------------------------

def rss_kib(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    raise SoakError(f"no VmRSS in /proc/{pid}/status")


def cpu_seconds(pid):
    with open(f"/proc/{pid}/stat") as f:
        # The command name may hold spaces and parentheses: the fields start after the last ')'.
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / CLOCK_TICKS  # utime + stime


def open_fds(pid):
    return len(os.listdir(f"/proc/{pid}/fd"))


def usage(pid):
    """(RSS KiB, open fds, CPU seconds) of a live process, or None if it is gone."""
    try:
        return rss_kib(pid), open_fds(pid), cpu_seconds(pid)
    except (OSError, SoakError):
        return None


# --- HTTP ----------------------------------------------------------------------------------------

class Scraper:
    """GETs over one kept-alive connection; reconnects after any error."""

    def __init__(self, port, timeout=10):
        self.port, self.timeout, self.conn = port, timeout, None

    def get(self, path="/metrics"):
        """The body of a 200, or None (refused, reset, other status)."""
        for _ in range(2 if self.conn is not None else 1):  # a kept connection gets a second chance
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


def http_request(port, path, method="GET", timeout=10):
    """(status, body) of one request on a fresh connection."""
    conn = http.client.HTTPConnection(HOST, port, timeout=timeout)
    try:
        conn.request(method, path)
        response = conn.getresponse()
        return response.status, response.read().decode(errors="replace")
    finally:
        conn.close()


# --- the Prometheus text format ------------------------------------------------------------------

_SAMPLE = re.compile(r'^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})?\s+(\S+)(?:\s+\S+)?$')
_LABEL = re.compile(r'([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"\s*,?\s*')
_UNESCAPE = {"\\\\": "\\", '\\"': '"', "\\n": "\n"}


def _labels(text):
    labels, position = [], 0
    while position < len(text):
        match = _LABEL.match(text, position)
        if not match:
            raise ValueError(f"bad label set {{{text}}}")
        value = re.sub(r'\\[\\"n]', lambda m: _UNESCAPE[m.group(0)], match.group(2))
        labels.append((match.group(1), value))
        position = match.end()
    return tuple(sorted(labels))


class Exposition:
    """One scrape: `types` {family: type} and `samples` {(name, labels): value}, labels a sorted
    tuple of (name, value) pairs."""

    def __init__(self, text):
        self.types, self.samples = {}, {}
        self.by_name = {}  # name -> [(labels dict, value)]
        for line in text.splitlines():
            if not line or line.startswith("#"):
                if line.startswith("# TYPE "):
                    _, _, family, kind = line.split(None, 3)
                    self.types[family] = kind.strip()
                continue
            match = _SAMPLE.match(line)
            if not match:
                raise ValueError(f"unparsable sample line: {line!r}")
            labels = _labels(match.group(2) or "")
            value = float(match.group(3))
            self.samples[(match.group(1), labels)] = value
            self.by_name.setdefault(match.group(1), []).append((dict(labels), value))

    def family_of(self, name):
        """The family of a sample name (a histogram's `_bucket`, `_sum` and `_count` included)."""
        if name in self.types:
            return name
        for suffix in ("_bucket", "_sum", "_count"):
            if name.endswith(suffix) and self.types.get(name[:-len(suffix)]) == "histogram":
                return name[:-len(suffix)]
        return name

    def monotonic(self):
        """The samples that may never decrease: counters and histograms' buckets, sums and counts."""
        return {key: value for key, value in self.samples.items()
                if self.types.get(self.family_of(key[0])) in ("counter", "histogram")}

    def select(self, name, **match):
        """[(labels dict, value)] of the samples of `name` whose labels include `match`."""
        return [(labels, value) for labels, value in self.by_name.get(name, ())
                if all(labels.get(k) == v for k, v in match.items())]

    def value(self, name, default=None, **match):
        found = self.select(name, **match)
        return found[0][1] if found else default

    def by(self, name, label, **match):
        """{value of `label`: sum over the other labels}."""
        sums = {}
        for labels, value in self.select(name, **match):
            sums[labels.get(label)] = sums.get(labels.get(label), 0) + value
        return sums


# --- the webhook receiver --------------------------------------------------------------------------

class Receiver:
    """A webhook receiver (Alertmanager's webhook payload) on a fixed port that records every
    POST, and that can be taken down (its listening socket closed: connections are refused) and
    brought up again on the same port. Requests are answered `Connection: close`, so a down
    receiver holds no connection that would still take notifications."""

    def __init__(self):
        self.port = free_port()
        self.lock = threading.Lock()
        self.requests = []  # dicts: seq, at (monotonic), acked, alerts [dicts], status
        self.server = None
        self.thread = None
        self.toggles = 0
        self.down_seconds = 0.0
        self._down_since = None
        self.start()

    # The handler is a class per receiver, so that it can reach this instance.
    def _handler(self):
        receiver = self

        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.0"  # one request per connection

            def do_POST(self):
                at = time.monotonic()
                body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
                try:
                    payload = json.loads(body)
                    alerts = [{"fingerprint": a["fingerprint"], "status": a["status"], "startsAt": a["startsAt"],
                               "endsAt": a["endsAt"], "alertname": a["labels"].get("alertname"),
                               "target": a["labels"].get("target")} for a in payload["alerts"]]
                    status = payload.get("status")
                except (ValueError, KeyError, TypeError, AttributeError):
                    alerts, status = None, None
                entry = {"at": at, "acked": False, "alerts": alerts, "status": status, "path": self.path}
                with receiver.lock:
                    entry["seq"] = len(receiver.requests)
                    receiver.requests.append(entry)
                try:
                    self.send_response(200 if alerts is not None else 400)
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                    self.wfile.flush()
                    entry["acked"] = alerts is not None  # the answer left; the agent knows it arrived
                except OSError:
                    pass

            def log_message(self, *args):
                pass

        return Handler

    @property
    def up(self):
        return self.server is not None

    def start(self, timeout=10):
        """Listens on the port again (bounded retries: the port may linger for a moment)."""
        if self.server is not None:
            return
        deadline = time.monotonic() + timeout
        while True:
            try:
                server = http.server.ThreadingHTTPServer((HOST, self.port), self._handler())
                break
            except OSError as error:
                if time.monotonic() > deadline:
                    raise SoakError(f"receiver: cannot listen on {HOST}:{self.port} again: {error}") from None
                time.sleep(0.1)
        server.daemon_threads = True
        self.server = server
        self.thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.1},
                                       name="receiver", daemon=True)
        self.thread.start()
        if self._down_since is not None:
            self.down_seconds += time.monotonic() - self._down_since
            self._down_since = None

    def stop(self):
        """Closes the listening socket: new connections are refused until start()."""
        if self.server is None:
            return
        server, self.server = self.server, None
        server.shutdown()  # returns within the poll interval
        server.server_close()
        self.thread.join(5)
        self._down_since = time.monotonic()

    @property
    def down_total(self):
        """Seconds spent down so far, the current stretch included."""
        current = time.monotonic() - self._down_since if self._down_since is not None else 0.0
        return self.down_seconds + current

    def toggle(self):
        self.toggles += 1
        if self.up:
            self.stop()
        else:
            self.start()

    def snapshot(self):
        with self.lock:
            return list(self.requests)


class Toggler:
    """Calls `action()` every `period` seconds on its own thread until stopped."""

    def __init__(self, period, action, name):
        self.period, self.action = period, action
        self.stopped = threading.Event()
        self.error = None
        self.thread = threading.Thread(target=self._run, name=name, daemon=True)
        self.thread.start()

    def _run(self):
        while not self.stopped.wait(self.period):
            try:
                self.action()
            except Exception as error:  # reported by the main thread
                self.error = error
                return

    def stop(self):
        self.stopped.set()
        self.thread.join(15)


# --- an SVG line chart -------------------------------------------------------------------------------

def _nice_ticks(low, high, count=4):
    if not math.isfinite(low) or not math.isfinite(high) or high <= low:
        high = low + 1
    raw = (high - low) / count
    magnitude = 10 ** math.floor(math.log10(raw))
    step = next(m * magnitude for m in (1, 2, 2.5, 5, 10) if m * magnitude >= raw)
    start = math.floor(low / step) * step
    ticks = []
    value = start
    while value <= high + step * 0.5 and len(ticks) < 20:
        ticks.append(value)
        value += step
    return ticks


def _label(value):
    return f"{value:,.0f}" if abs(value) >= 100 or value == int(value) else f"{value:.2g}"


def svg_chart(title, x, panels, x_label="minutes", markers=(), width=960, panel_height=170):
    """An SVG document: one panel per entry of `panels`, stacked, sharing the x axis `x`.

    Each panel is (heading, [(series name, values, colour)]); values may hold None for gaps.
    `markers` are (x, text) vertical lines drawn on every panel (phase boundaries)."""
    left, right, top, gap = 70, 20, 40, 46
    plot_w = width - left - right
    height = top + len(panels) * (panel_height + gap) + 10
    xs = [v for v in x if v is not None]
    x0, x1 = (min(xs), max(xs)) if xs else (0, 1)
    if x1 <= x0:
        x1 = x0 + 1
    sx = lambda v: left + (v - x0) / (x1 - x0) * plot_w
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
           f'font-family="sans-serif" font-size="11">',
           f'<rect width="{width}" height="{height}" fill="white"/>',
           f'<text x="{left}" y="22" font-size="15" font-weight="bold">{xml_escape(title)}</text>']
    for index, (heading, series) in enumerate(panels):
        y_top = top + index * (panel_height + gap) + 18
        values = [v for _, vs, _ in series for v in vs if v is not None]
        low, high = (min(values), max(values)) if values else (0, 1)
        low = 0 if low >= 0 else low - (high - low) * 0.05  # counts and sizes: from zero
        high = high + (high - low) * 0.05 if high > low else low + 1
        ticks = _nice_ticks(low, high)
        low, high = min(low, ticks[0]), max(high, ticks[-1])
        sy = lambda v: y_top + panel_height - (v - low) / (high - low) * panel_height
        out.append(f'<text x="{left}" y="{y_top - 6}" font-weight="bold">{xml_escape(heading)}</text>')
        out.append(f'<rect x="{left}" y="{y_top}" width="{plot_w}" height="{panel_height}" '
                   f'fill="none" stroke="#999"/>')
        for tick in ticks:
            y = sy(tick)
            out.append(f'<line x1="{left}" x2="{left + plot_w}" y1="{y:.1f}" y2="{y:.1f}" stroke="#eee"/>')
            out.append(f'<text x="{left - 5}" y="{y + 4:.1f}" text-anchor="end">{_label(tick)}</text>')
        for tick in _nice_ticks(x0, x1, 8):
            if x0 <= tick <= x1:
                out.append(f'<text x="{sx(tick):.1f}" y="{y_top + panel_height + 14}" '
                           f'text-anchor="middle">{_label(tick)}</text>')
        for m, (at, text) in enumerate(markers):
            if x0 <= at <= x1:
                out.append(f'<line x1="{sx(at):.1f}" x2="{sx(at):.1f}" y1="{y_top}" y2="{y_top + panel_height}" '
                           f'stroke="#888" stroke-dasharray="4,3"/>')
                if index == 0:
                    # Staggered, so that the names of phases close together stay apart.
                    near_end = sx(at) > left + plot_w - 80
                    anchor = ' text-anchor="end"' if near_end else ""
                    out.append(f'<text x="{sx(at) + (-3 if near_end else 3):.1f}" '
                               f'y="{y_top + panel_height - 5 - 12 * (m % 2)}" fill="#555"{anchor}>'
                               f'{xml_escape(text)}</text>')
        for n, (name, vs, colour) in enumerate(series):
            runs, run = [], []
            for xv, yv in zip(x, vs):
                if xv is None or yv is None:
                    if run:
                        runs.append(run)
                    run = []
                else:
                    run.append(f"{sx(xv):.1f},{sy(yv):.1f}")
            if run:
                runs.append(run)
            for points in runs:
                out.append(f'<polyline fill="none" stroke="{colour}" stroke-width="1.3" points="{" ".join(points)}"/>')
            out.append(f'<text x="{left + plot_w - 5}" y="{y_top + 14 + 13 * n}" text-anchor="end" '
                       f'fill="{colour}">{xml_escape(name)}</text>')
    out.append(f'<text x="{left + plot_w / 2}" y="{height - 4}" text-anchor="middle">{xml_escape(x_label)}</text>')
    out.append("</svg>")
    return "\n".join(out) + "\n"
