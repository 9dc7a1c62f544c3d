#!/usr/bin/env bash
# Static checks of deploy/ (CI runs it after `scripts/setup --tests`): nothing is started,
# nothing is fetched, and it takes a few seconds. It runs
#
#   promtool check config / check rules / test rules   deploy/prometheus (Debian: prometheus)
#   amtool check-config, config routes test            deploy/alertmanager (prometheus-alertmanager)
#   systemd-analyze verify and security --offline      deploy/systemd (systemd, when present)
#   scripts/check-deploy.py                            the Kubernetes manifests' kinds and the
#       schemas kubernetes-validate lacks (Prometheus Operator, Kustomization), compose.yml,
#       the Dockerfile and the unit, the references between them, and the PrometheusRule =
#       the rule files (python3 with PyYAML: python3-yaml)
#   wshealth check-config, wshealth slo-rules          the example configurations, and
#       prometheus/wshealth.slo.yml being the generator's output ($WSHEALTH,
#       .build/{release,debug}/wshealth or PATH)
#   kubernetes-validate                                the manifests against Kubernetes' own
#       schemas (PyPI; scripts/setup --tests installs it into .build/tools-venv)
#
# and exits 1 when any check fails, 2 when a required tool is missing.
#
# Usage: scripts/check-deploy.sh                          run every check
#        scripts/check-deploy.sh --update-prometheusrule  regenerate deploy/kubernetes/
#                                                         prometheusrule.yaml from the rule files
set -uo pipefail
cd "$(dirname "$0")/.." || exit 2

# Debian's python3 first (where apt installs python3-yaml), then whichever python3 is first
# on PATH, if it has PyYAML.
python=""
for candidate in /usr/bin/python3 python3; do
    if command -v "$candidate" >/dev/null 2>&1 && "$candidate" -c 'import yaml' >/dev/null 2>&1; then
        python="$candidate"
        break
    fi
done

if [[ "${1:-}" == "--update-prometheusrule" ]]; then
    [[ -n "$python" ]] || { echo "check-deploy: python3 with PyYAML needed (Debian: python3-yaml)" >&2; exit 2; }
    exec "$python" scripts/check-deploy.py write-prometheusrule
elif [[ $# -gt 0 ]]; then
    echo "usage: scripts/check-deploy.sh [--update-prometheusrule]" >&2
    exit 64
fi

missing=()
command -v promtool >/dev/null 2>&1 || missing+=("promtool (Debian: prometheus)")
command -v amtool >/dev/null 2>&1 || missing+=("amtool (Debian: prometheus-alertmanager)")
[[ -n "$python" ]] || missing+=("python3 with PyYAML (Debian: python3-yaml)")
if [[ ${#missing[@]} -gt 0 ]]; then
    printf 'check-deploy: missing %s\n' "${missing[@]}" >&2
    exit 2
fi

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
passed=0
failed=0
skipped=0

# check WHAT COMMAND...: runs COMMAND (30 s at most), prints its output indented, counts it.
check() {
    local what="$1"
    shift
    local output status
    output="$(timeout 30 "$@" 2>&1)"
    status=$?
    # amtool warns on every call when an amtool config file names an Alertmanager URL.
    output="$(grep -v -- '--config.file flag overrides the --alertmanager.url' <<<"$output")"
    if [[ $status -eq 0 ]]; then
        passed=$((passed + 1))
        echo "ok    $what"
    else
        failed=$((failed + 1))
        echo "FAIL  $what (exit $status)"
    fi
    if [[ -n "$output" ]]; then
        # shellcheck disable=SC2001 # a prefix on every line, not one substitution
        sed 's/^/      /' <<<"$output"
    fi
}

skip() {
    skipped=$((skipped + 1))
    echo "skip  $1"
}

echo "== Prometheus ($(promtool --version 2>&1 | head -n 1))"
check "promtool check config deploy/prometheus/prometheus.yml (and its rule files)" \
    promtool check config deploy/prometheus/prometheus.yml
check "promtool check rules deploy/prometheus/wshealth.*.yml" \
    promtool check rules deploy/prometheus/wshealth.recording.yml deploy/prometheus/wshealth.alerts.yml \
    deploy/prometheus/wshealth.slo.yml
check "promtool test rules deploy/prometheus/tests/*.yml" \
    promtool test rules deploy/prometheus/tests/*.yml

echo "== Alertmanager ($(amtool --version 2>&1 | head -n 1))"
am=deploy/alertmanager/alertmanager.yml
check "amtool check-config $am" amtool check-config "$am"
route() { # EXPECTED LABELS...: the receiver that alerts with LABELS reach
    local expected="$1"
    shift
    check "route: {$*} -> $expected" \
        amtool config routes test --config.file="$am" --verify.receivers="$expected" "$@"
}
route wshealth-webhook alertname=WebSocketTargetDown job=wshealth instance=wshealth:10052 target=dashboard severity=critical
route wshealth-webhook alertname=WebSocketAuthFailed instance=agent-1 target=dashboard severity=critical
route wshealth-webhook alertname=WSHealthAgentDown job=wshealth instance=wshealth:10052 severity=critical
route wshealth-webhook alertname=WebSocketErrorBudgetBurn job=wshealth instance=wshealth:10052 target=dashboard severity=page slo=connection_success
route default alertname=NodeDown job=node instance=host:9100

echo "== systemd"
if command -v systemd-analyze >/dev/null 2>&1; then
    # verify insists that ExecStart's binary exists: a copy of the unit runs a stand-in instead
    # of /usr/local/bin/wshealth (verify never starts it).
    printf '#!/bin/sh\nexit 0\n' >"$work/wshealth" && chmod 0755 "$work/wshealth"
    sed "s#/usr/local/bin/wshealth#$work/wshealth#g" deploy/systemd/wshealth.service >"$work/wshealth.service"
    check "systemd-analyze verify deploy/systemd/wshealth.service (ExecStart on a stand-in binary)" \
        systemd-analyze verify "$work/wshealth.service"
    version="$(systemd-analyze --version | awk 'NR == 1 { print $2 }')"
    if [[ "$version" =~ ^[0-9]+$ && "$version" -ge 250 ]]; then
        # Exposure 0.0 (locked down) to 10.0 (unprotected); the unit scores 1.2.
        # shellcheck disable=SC2016 # $1 is the inner shell's
        check "systemd-analyze security --offline: exposure at most 2.0" \
            bash -c 'set -o pipefail; systemd-analyze security --offline=true --threshold="$1" --no-pager "$2" | tail -n 1' \
            _ "${SYSTEMD_EXPOSURE_THRESHOLD:-20}" "$work/wshealth.service"
    else
        skip "systemd-analyze security --offline (systemd $version; needs 250 or later)"
    fi
else
    skip "systemd-analyze (not installed)"
fi

echo "== structure: Kubernetes, compose, Dockerfile, unit ($("$python" --version 2>&1))"
check "scripts/check-deploy.py check" "$python" scripts/check-deploy.py check

echo "== example configurations"
binary="${WSHEALTH:-}"
if [[ -z "$binary" ]]; then
    for candidate in .build/release/wshealth .build/debug/wshealth "$(command -v wshealth 2>/dev/null)"; do
        [[ -n "$candidate" && -x "$candidate" ]] && { binary="$candidate"; break; }
    done
fi
if [[ -n "$binary" ]]; then
    check "$binary check-config deploy/{systemd,docker,kubernetes}/wshealth.yml" \
        "$binary" check-config deploy/systemd/wshealth.yml deploy/docker/wshealth.yml deploy/kubernetes/wshealth.yml
    # wshealth.slo.yml is generated: it must be what this binary prints for the arguments its
    # header names, with the runbook links on the base URL the other rules use (deploy/README.md,
    # "Runbooks").
    slo=deploy/prometheus/wshealth.slo.yml
    mapfile -d '' slo_args < <("$python" -c 'import re, shlex, sys
match = re.search(r"^# Generated by `wshealth slo-rules(.*?)`;", open(sys.argv[1], encoding="utf-8").read(), re.M)
sys.stdout.write("".join(arg + "\0" for arg in shlex.split(match.group(1) if match else "")))' "$slo")
    base="$(sed -n 's#^ *runbook_url: \(.*/\)deploy/runbooks/.*#\1#p' deploy/prometheus/wshealth.alerts.yml | head -n 1)"
    # shellcheck disable=SC2016 # $1, $2 and $@ are the inner shell's
    check "$binary slo-rules ${slo_args[*]} = $slo (else regenerate it)" \
        bash -c 'binary="$1" base="$2" file="$3"; shift 3
            diff -u --label "wshealth slo-rules $*" --label "$file" \
                <("$binary" slo-rules "$@" | sed "s#https://github.com/wshealth/wshealth/blob/main/#$base#") "$file"' \
        _ "$binary" "${base:-https://github.com/wshealth/wshealth/blob/main/}" "$slo" "${slo_args[@]}"
else
    echo "check-deploy: no wshealth binary: set WSHEALTH or run swift build first" >&2
    exit 2
fi

# Kubernetes' own schemas: scripts/setup --tests installs kubernetes-validate (PyPI) into
# .build/tools-venv; one on PATH does too.
kubernetes_validate=$(command -v kubernetes-validate || echo .build/tools-venv/bin/kubernetes-validate)
if [[ -x $kubernetes_validate ]]; then
    "$python" - "$work/manifests.yaml" <<'EOF'
import pathlib, sys, yaml
kustomization = yaml.safe_load(pathlib.Path("deploy/kubernetes/kustomization.yaml").read_text())
docs = [doc for name in kustomization["resources"] + ["secret.example.yaml"]
        for doc in yaml.safe_load_all(pathlib.Path("deploy/kubernetes", name).read_text())
        if doc and doc.get("apiVersion", "").split("/")[0] != "monitoring.coreos.com"]
pathlib.Path(sys.argv[1]).write_text(yaml.safe_dump_all(docs))
EOF
    check "kubernetes-validate --strict (Kubernetes 1.28, the oldest with the pod-index label)" \
        "$kubernetes_validate" --strict -k 1.28.0 "$work/manifests.yaml"
else
    echo "check-deploy: kubernetes-validate is missing: run scripts/setup --tests" >&2
    exit 2
fi

echo "check-deploy: $passed passed, $failed failed, $skipped skipped"
[[ $failed -eq 0 ]]
