#!/usr/bin/env bash
# Instructions per /metrics render, counted by valgrind's callgrind: reproducible on a noisy
# machine where wall-clock figures are not. Starts the reference backend, runs an agent with
# TARGETS targets under callgrind collecting only inside the render function, scrapes it
# SCRAPES times per exposition format, stops both and prints the instructions per render and
# the functions that cost most. Every process it starts it stops.
#
#   scripts/profile-metrics.sh                      # 100 targets × 1 session, 20 scrapes per format
#
# The exposition's size depends on the number of targets, not of sessions (series are
# aggregated per target), so one session per target keeps valgrind's slowdown bearable.
# Settings (environment): BIN (.build/release/wshealth), TARGETS (100), SESSIONS (1),
# SCRAPES (20), TOGGLE (the function to count, a callgrind --toggle-collect pattern; default
# the agent's render, `MetricsRegistry.render`), PORT_BASE (18100), KEEP (a
# directory to keep the profiles in).
set -euo pipefail

cd "$(dirname "$0")/.."
source scripts/lib/bench-common.sh
BIN=${BIN:-.build/release/wshealth}
TARGETS=${TARGETS:-100}
SESSIONS=${SESSIONS:-1}
SCRAPES=${SCRAPES:-20}
TOGGLE=${TOGGLE:-'$s13WSHealthAgent15MetricsRegistryC6render*'}
PORT_BASE=${PORT_BASE:-18100}
BACKEND_PORT=$PORT_BASE
ADMIN_PORT=$((PORT_BASE + 1))
AGENT_PORT=$((PORT_BASE + 2))
OPENMETRICS_ACCEPT='application/openmetrics-text;version=1.0.0,text/plain;version=0.0.4;q=0.5,*/*;q=0.1'

command -v valgrind >/dev/null || { echo "valgrind is not installed: apt-get install -y valgrind" >&2; exit 1; }
if [[ ! -x $BIN ]]; then scripts/build-release; fi
WORK=$(mktemp -d "${TMPDIR:-/tmp}/wshealth-profile.XXXXXX")
# Valgrind 3.19 cannot read the DWARF 5 of Swift 6.3 binaries: profile a copy with the symbol
# table only. It also rewrites the signal mask given to rt_sigsuspend in place, which faults
# on the read-only mask libdispatch's main thread parks with (Swift's async main on Linux):
# a preloaded sigsuspend hands it a copy.
objcopy --strip-debug "$BIN" "$WORK/wshealth"
cat >"$WORK/sigsuspend.c" <<'C'
#define _GNU_SOURCE
#include <signal.h>
#include <sys/syscall.h>
#include <unistd.h>
int sigsuspend(const sigset_t *mask) {
    sigset_t copy = *mask;
    return (int)syscall(SYS_rt_sigsuspend, &copy, sizeof(long));
}
C
clang -O2 -shared -fPIC -o "$WORK/sigsuspend.so" "$WORK/sigsuspend.c"
BACKEND_PID=
AGENT_PID=

cleanup() {
    stop_process "$AGENT_PID" 30
    stop_process "$BACKEND_PID" 30
    if [[ -n ${KEEP:-} ]]; then mkdir -p "$KEEP" && cp "$WORK"/callgrind.* "$KEEP"/ 2>/dev/null || true; fi
    rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

LOG_DIR=$WORK
write_bench_configuration "$WORK/wshealth.yml" "$WORK/secret" "$TARGETS" "$SESSIONS" "$BACKEND_PORT"

start_backend "$BIN" "$BACKEND_PORT" "$ADMIN_PORT" "$WORK/secret"

LD_PRELOAD="$WORK/sigsuspend.so" valgrind --tool=callgrind --callgrind-out-file="$WORK/callgrind.%p" \
    --toggle-collect="$TOGGLE" "$WORK/wshealth" run --config.file "$WORK/wshealth.yml" --web.listen-address "127.0.0.1:$AGENT_PORT" \
    --storage.path "$WORK/data" --log.level warn >"$WORK/agent.log" 2>&1 &
AGENT_PID=$!
wait_for "the agent" 300 "curl -sf -m 5 -o /dev/null http://127.0.0.1:$AGENT_PORT/-/ready" "$AGENT_PID"

bytes=0
for ((i = 0; i < SCRAPES; i++)); do
    bytes=$(curl -sf -m 60 "http://127.0.0.1:$AGENT_PORT/metrics" | wc -c)
    curl -sf -m 60 -H "Accept: $OPENMETRICS_ACCEPT" -o /dev/null "http://127.0.0.1:$AGENT_PORT/metrics"
done
stop_process "$AGENT_PID" 30
AGENT_PID=

profile=$(ls "$WORK"/callgrind.* | head -1)
total=$(awk '/^summary:|^totals:/ { print $2; exit }' "$profile")
echo "$TARGETS targets × $SESSIONS sessions, $bytes bytes of text format, $((2 * SCRAPES)) renders"
echo "instructions per render: $((total / (2 * SCRAPES)))"
callgrind_annotate --inclusive=no "$profile" 2>/dev/null | sed -n '/^-\+$/,$p' | head -40
