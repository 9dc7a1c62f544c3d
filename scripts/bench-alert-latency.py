#!/usr/bin/env python3
"""Alert latency, end to end: condition true -> the webhook receives the notification.

Starts the reference backend and an agent (`wshealth backend`, `wshealth run`, loopback) with
one target and a webhook receiver served by this script, then ROUNDS times: the backend
refuses tokens and drops its connections; the session reconnects, gets HTTP 403 and enters
`error` (the `WebSocketAuthFailed` condition); the time from the drop to the webhook's
arrival is recorded. It is an upper bound of "condition true -> received": it includes the
reconnect delay (10 ms), the handshake and the 403. Then the backend accepts tokens again,
the Retry endpoint reconnects the session, and the resolved notification is awaited.
Prints p50, p90, p99 and max. Every process it starts it stops.

    scripts/bench-alert-latency.py                 # 200 rounds, release build
    ROUNDS=50 BIN=.build/debug/wshealth scripts/bench-alert-latency.py
"""
import http.server
import json
import os
import secrets
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request

BIN = os.environ.get("BIN", ".build/release/wshealth")
ROUNDS = int(os.environ.get("ROUNDS", "200"))
os.chdir(os.path.join(os.path.dirname(__file__), ".."))
if not os.path.exists(BIN):
    subprocess.run(["scripts/build-release"], check=True)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


arrivals = []  # (monotonic time, status)
arrived = threading.Condition()


class Receiver(http.server.BaseHTTPRequestHandler):
    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
        now = time.monotonic()
        self.send_response(200)
        self.end_headers()
        with arrived:
            arrivals.append((now, json.loads(body)["status"]))
            arrived.notify_all()

    def log_message(self, *args):
        pass


def wait_for(status, count, timeout=20):
    deadline = time.monotonic() + timeout
    with arrived:
        while sum(1 for _, s in arrivals if s == status) < count:
            left = deadline - time.monotonic()
            if left <= 0:
                seen = ", ".join(s for _, s in arrivals)
                raise SystemExit(f"no {status} notification #{count} within {timeout}s (received: {seen})")
            arrived.wait(left)
        return [t for t, s in arrivals if s == status][count - 1]


def post(url):
    urllib.request.urlopen(urllib.request.Request(url, method="POST"), timeout=10).read()


def wait_ready(url, timeout=60):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if urllib.request.urlopen(url, timeout=1).status == 200:
                return
        except OSError:
            pass
        time.sleep(0.05)
    raise SystemExit(f"{url} not ready within {timeout}s")


def main():
    work = tempfile.mkdtemp(prefix="wshealth-alert-bench-")
    secret = os.path.join(work, "secret")
    with open(secret, "w") as f:
        f.write(secrets.token_hex(32))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Receiver)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    backend_port, admin_port, agent_port = free_port(), free_port(), free_port()
    config = os.path.join(work, "wshealth.yml")
    with open(config, "w") as f:
        f.write(f"""targets:
  - name: t
    url: ws://127.0.0.1:{backend_port}/api/ws/metrics
    token: {{jwt: {{secret_file: {secret}}}}}
    expect: {{interval: 1s}}
    reconnect: {{initial_delay: 10ms, max_delay: 10ms}}
    handshake_timeout: 1s
alerting:
  receivers:
    - {{name: hook, type: webhook, url: 'http://127.0.0.1:{server.server_port}/'}}
  rules:  # only WebSocketAuthFailed: the rounds make the others true too
    low_success_ratio: {{enabled: false}}
    flapping: {{enabled: false}}
""")
    processes = []
    try:
        processes.append(subprocess.Popen(
            [BIN, "backend", f"--jwt-secret-file={secret}", f"--listen-address=127.0.0.1:{backend_port}",
             f"--admin-listen-address=127.0.0.1:{admin_port}", "--interval=1s", "--log.level=error"]))
        processes.append(subprocess.Popen(
            [BIN, "run", f"--config.file={config}", f"--web.listen-address=127.0.0.1:{agent_port}",
             f"--storage.path={os.path.join(work, 'data')}", "--log.level=error"]))
        wait_ready(f"http://127.0.0.1:{agent_port}/-/ready")
        admin = f"http://127.0.0.1:{admin_port}/faults"
        time.sleep(5)  # the start-up grace: handshake timeout (1s) + stale window (3 x 1s)
        latencies = []
        for round in range(1, ROUNDS + 1):
            post(f"{admin}/refuse-tokens?enabled=true")
            start = time.monotonic()
            post(f"{admin}/drop")
            latencies.append(wait_for("firing", round) - start)
            post(f"{admin}/refuse-tokens?enabled=false")
            post(f"http://127.0.0.1:{agent_port}/api/v1/targets/t/retry")
            wait_for("resolved", round)
        latencies.sort()
        pick = lambda q: latencies[min(len(latencies) - 1, int(q * len(latencies)))] * 1000
        print(f"rounds {len(latencies)}: p50 {pick(0.5):.1f} ms, p90 {pick(0.9):.1f} ms, "
              f"p99 {pick(0.99):.1f} ms, max {latencies[-1] * 1000:.1f} ms")
    finally:
        for process in reversed(processes):
            process.send_signal(signal.SIGTERM)
            try:
                process.wait(10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        server.shutdown()
        subprocess.run(["rm", "-rf", work])


if __name__ == "__main__":
    sys.exit(main())
