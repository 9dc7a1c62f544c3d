# Shared by the benchmark scripts (sourced, not run): stopping processes, bounded waits, and
# the agent configuration of TARGETS targets × SESSIONS sessions against the reference backend.

# Stops a process: SIGTERM, up to `seconds` (default 10) to exit, then SIGKILL.
stop_process() {
    local pid=$1 seconds=${2:-10}
    [[ -n $pid ]] && kill -0 "$pid" 2>/dev/null || return 0
    kill -TERM "$pid" 2>/dev/null || true
    for _ in $(seq $((seconds * 10))); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
}

# Polls `check` every 100 ms for at most `seconds`; fails naming `what`. The processes whose
# ids follow are watched: if one dies, the wait fails at once with the tail of the logs in LOG_DIR.
wait_for() {
    local what=$1 seconds=$2 check=$3
    shift 3
    local deadline=$((SECONDS + seconds))
    until eval "$check"; do
        if ((SECONDS >= deadline)); then echo "timed out after ${seconds}s waiting for $what" >&2; return 1; fi
        for pid in "$@"; do
            if [[ -n $pid ]] && ! kill -0 "$pid" 2>/dev/null; then
                echo "a process died; see ${LOG_DIR:-.}/*.log" >&2
                tail -5 "${LOG_DIR:-.}"/*.log >&2 || true
                return 1
            fi
        done
        sleep 0.1
    done
}

# Writes a random HS256 secret to `secret_file` and, to `config_file`, `targets` targets of
# `sessions` sessions each, all on the reference backend at 127.0.0.1:`port`, with minted tokens.
write_bench_configuration() {
    local config_file=$1 secret_file=$2 targets=$3 sessions=$4 port=$5
    head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n' >"$secret_file"
    {
        echo "targets:"
        for ((t = 0; t < targets; t++)); do
            printf '  - name: target-%d\n    url: ws://127.0.0.1:%d/api/ws/metrics\n    sessions: %d\n' \
                "$t" "$port" "$sessions"
            printf '    token:\n      jwt: {secret_file: %s, subject: bench, ttl: 1h}\n' "$secret_file"
        done
    } >"$config_file"
}

# Starts the reference backend on 127.0.0.1:`port` (admin listener on `admin_port`) with the
# HS256 secret in `secret_file`, logging to LOG_DIR/backend.log; sets BACKEND_PID and waits
# until its admin listener answers. Further arguments go to `wshealth backend`.
start_backend() {
    local bin=$1 port=$2 admin_port=$3 secret_file=$4
    shift 4
    "$bin" backend --listen-address "127.0.0.1:$port" --admin-listen-address "127.0.0.1:$admin_port" \
        --jwt-secret-file "$secret_file" --log.level warn "$@" >"$LOG_DIR/backend.log" 2>&1 &
    BACKEND_PID=$!
    wait_for "the backend" 30 "curl -sf -m 1 -o /dev/null http://127.0.0.1:$admin_port/status" "$BACKEND_PID"
}
