#!/usr/bin/env bash
# /metrics scrape latency under wrk load, end to end: starts the reference backend and an agent
# with TARGETS targets × SESSIONS sessions (release build, loopback), waits until every session
# receives data, runs wrk RUNS times per exposition format and prints each run's p50/p99 and
# their medians and spread. Every process it starts it stops, on success, failure or Ctrl-C.
#
#   scripts/bench-metrics.sh                       # 100 × 100, 3 runs of 10 s per format
#   RUNS=5 DURATION=20s scripts/bench-metrics.sh
#
# Settings (environment): BIN (default .build/release/wshealth; built with
# scripts/build-release when missing), TARGETS (100), SESSIONS (100),
# INTERVAL (the backend's message interval, 5s), RUNS (3), DURATION (10s), THREADS (2) and
# CONNECTIONS (2) for wrk, PACE (milliseconds each wrk connection waits between requests; 0,
# the default, is back to back: saturation), READY_STATE (receiving_data; `connected` with a
# long INTERVAL measures scrapes without the backend's message bursts), FORMATS ("text openmetrics"), PORT_BASE (a free range of 3 ports:
# backend, its admin listener, the agent; default 18000), READY_TIMEOUT (seconds, 120).
set -euo pipefail

cd "$(dirname "$0")/.."
source scripts/lib/bench-common.sh
BIN=${BIN:-.build/release/wshealth}
TARGETS=${TARGETS:-100}
SESSIONS=${SESSIONS:-100}
INTERVAL=${INTERVAL:-5s}
RUNS=${RUNS:-3}
DURATION=${DURATION:-10s}
THREADS=${THREADS:-2}
CONNECTIONS=${CONNECTIONS:-2}
FORMATS=${FORMATS:-text openmetrics}
PACE=${PACE:-0}
READY_STATE=${READY_STATE:-receiving_data}
PORT_BASE=${PORT_BASE:-18000}
READY_TIMEOUT=${READY_TIMEOUT:-120}
BACKEND_PORT=$PORT_BASE
ADMIN_PORT=$((PORT_BASE + 1))
AGENT_PORT=$((PORT_BASE + 2))
OPENMETRICS_ACCEPT='application/openmetrics-text;version=1.0.0,application/openmetrics-text;version=0.0.1;q=0.75,text/plain;version=0.0.4;q=0.5,*/*;q=0.1'

command -v wrk >/dev/null || { echo "wrk is not installed: apt-get install -y wrk" >&2; exit 1; }
if [[ ! -x $BIN ]]; then scripts/build-release; fi
for port in "$BACKEND_PORT" "$ADMIN_PORT" "$AGENT_PORT"; do
    if ss -Htln "sport = :$port" | grep -q .; then echo "port $port is in use; set PORT_BASE" >&2; exit 1; fi
done
# Each session is one socket in the agent and one in the backend.
ulimit -n "$(ulimit -Hn)"
if (($(ulimit -n) < TARGETS * SESSIONS + 1000)); then
    echo "the fd limit $(ulimit -n) is too low for $((TARGETS * SESSIONS)) sessions" >&2
    exit 1
fi

WORK=$(mktemp -d "${TMPDIR:-/tmp}/wshealth-bench.XXXXXX")
BACKEND_PID=
AGENT_PID=

cleanup() {
    stop_process "$AGENT_PID"
    stop_process "$BACKEND_PID"
    rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

LOG_DIR=$WORK
write_bench_configuration "$WORK/wshealth.yml" "$WORK/secret" "$TARGETS" "$SESSIONS" "$BACKEND_PORT"

start_backend "$BIN" "$BACKEND_PORT" "$ADMIN_PORT" "$WORK/secret" --interval "$INTERVAL"

started=$SECONDS
"$BIN" run --config.file "$WORK/wshealth.yml" --web.listen-address "127.0.0.1:$AGENT_PORT" \
    --storage.path "$WORK/data" --log.level warn >"$WORK/agent.log" 2>&1 &
AGENT_PID=$!
# The number of sessions receiving data, 0 while the agent does not answer.
receiving() {
    local exposition
    exposition=$(curl -sf -m 5 "http://127.0.0.1:$AGENT_PORT/metrics") || { echo 0; return; }
    awk -v state="state=\"$READY_STATE\"" '/^wshealth_sessions\{/ && index($0, state) { sum += $NF }
        END { print sum + 0 }' <<<"$exposition"
}
wait_for "$((TARGETS * SESSIONS)) sessions in $READY_STATE" "$READY_TIMEOUT" '(( $(receiving) == TARGETS * SESSIONS ))' \
    "$BACKEND_PID" "$AGENT_PID"
echo "agent: $TARGETS targets × $SESSIONS sessions in $READY_STATE after $((SECONDS - started)) s;" \
    "$(curl -sf "http://127.0.0.1:$AGENT_PORT/metrics" | wc -c) bytes of text format"

# A wrk latency figure (`812.00us`, `1.23ms`, `1.01s`) in milliseconds.
milliseconds() {
    awk -v v="$1" 'BEGIN {
        n = v + 0
        if (v ~ /us$/) n /= 1000; else if (v ~ /ms$/) n = n; else if (v ~ /s$/) n *= 1000
        printf "%.2f", n
    }'
}
# The median, minimum and maximum of the numbers on standard input.
summary() {
    sort -n | awk '{ v[NR] = $1 } END {
        m = (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2
        printf "median %.2f ms (min %.2f, max %.2f, %d runs)", m, v[1], v[NR], NR
    }'
}

# wrk's Lua hook paces each connection; without it requests go back to back.
printf 'function delay()\n    return %d\nend\n' "$PACE" >"$WORK/pace.lua"
echo "wrk -t$THREADS -c$CONNECTIONS -d$DURATION --latency, ${PACE} ms between requests, $RUNS runs per format"
for format in $FORMATS; do
    accept='text/plain;version=0.0.4'
    [[ $format == openmetrics ]] && accept=$OPENMETRICS_ACCEPT
    : >"$WORK/p50" && : >"$WORK/p99"
    for ((run = 1; run <= RUNS; run++)); do
        wrk -t"$THREADS" -c"$CONNECTIONS" -d"$DURATION" --latency -s "$WORK/pace.lua" -H "Accept: $accept" \
            "http://127.0.0.1:$AGENT_PORT/metrics" >"$WORK/wrk.out"
        p50=$(milliseconds "$(awk '$1 == "50%" { print $2 }' "$WORK/wrk.out")")
        p99=$(milliseconds "$(awk '$1 == "99%" { print $2 }' "$WORK/wrk.out")")
        rate=$(awk '/^Requests\/sec/ { print $2 }' "$WORK/wrk.out")
        errors=$(awk '/Non-2xx|Socket errors/' "$WORK/wrk.out")
        echo "  $format run $run: p50 $p50 ms, p99 $p99 ms, $rate req/s ${errors:+($errors)}"
        echo "$p50" >>"$WORK/p50"
        echo "$p99" >>"$WORK/p99"
    done
    echo "$format p50: $(summary <"$WORK/p50")"
    echo "$format p99: $(summary <"$WORK/p99")"
done
