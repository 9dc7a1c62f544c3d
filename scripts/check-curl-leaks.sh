#!/usr/bin/env bash
# The libcurl leak check (CI runs it after the tests): builds curl-leak-check, which sends
# every kind of request CurlHTTPClient handles (2xx, 4xx/5xx with long bodies, Retry-After,
# refused, timeout, dropped connection, TLS failures through OpenSSL, rejected URLs and
# headers, posts after shutdown) round after round, a new client each round, to a receiver
# on 127.0.0.1 in the same process, and runs it under valgrind. Exits non-zero on any
# definite leak or memory error (valgrind: 1), or when an outcome was not the expected one
# (2): a check that did not exercise the code would prove nothing.
#
# No suppressions are needed: what curl_global_init and OpenSSL allocate once stays
# reachable (never "definitely lost"), and "possibly lost" (Swift runtime metadata, thread
# stacks) is not counted.
#
# Usage: scripts/check-curl-leaks.sh [ROUNDS]   (default 5, about 30 s on 2 cores)
set -euo pipefail
cd "$(dirname "$0")/.."
rounds="${1:-5}"

swift build --product curl-leak-check
binary="$(swift build --show-bin-path)/curl-leak-check"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

# valgrind 3.19 cannot read the DWARF 5 that Swift 6.3 emits ("Possibly corrupted debuginfo
# file ... I can't recover"): run a copy without debug sections. The symbol table stays, so
# every frame of a leak report is still named (mangled Swift names: swift demangle).
objcopy --strip-debug "$binary" "$work/curl-leak-check"

started=$SECONDS
status=0
valgrind \
    --leak-check=full \
    --show-leak-kinds=definite \
    --errors-for-leak-kinds=definite \
    --error-exitcode=1 \
    --num-callers=40 \
    --log-file="$work/valgrind.log" \
    "$work/curl-leak-check" "$rounds" || status=$?
elapsed=$((SECONDS - started))

case "$status" in
0)
    grep -E "definitely lost:|ERROR SUMMARY:" "$work/valgrind.log" | sed 's/^==[0-9]*== */  /'
    echo "check-curl-leaks: no definite leak, no memory error (${elapsed}s under valgrind)"
    ;;
1)
    cat "$work/valgrind.log"
    echo "check-curl-leaks: valgrind found a definite leak or a memory error (above)" >&2
    ;;
*)
    tail -n 40 "$work/valgrind.log"
    echo "check-curl-leaks: curl-leak-check failed with status $status (its output is above the valgrind log)" >&2
    ;;
esac
exit "$status"
