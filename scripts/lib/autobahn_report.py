#!/usr/bin/env python3
"""The Autobahn|Testsuite's verdict on one agent, from the fuzzing server's index.json.

Prints the cases of each section by result and their duration, lists every case that is not
OK, NON-STRICT or INFORMATIONAL (or whose closing behaviour FAILED or was UNCLEAN), and exits 1
if there is one. UNIMPLEMENTED fails too: sections 12 and 13 report it when compression was not
agreed.

    autobahn_report.py INDEX_JSON AGENT
"""
import json
import sys
from collections import Counter, defaultdict

PASSING = {"OK", "NON-STRICT", "INFORMATIONAL"}
PASSING_CLOSE = {"OK", "INFORMATIONAL"}


def case_key(case_id):
    return tuple(int(part) for part in case_id.split("."))


def main():
    index_path, agent = sys.argv[1], sys.argv[2]
    with open(index_path) as index_file:
        cases = json.load(index_file).get(agent, {})
    if not cases:
        print(f"autobahn: no results for agent {agent} in {index_path}")
        return 1
    by_section = defaultdict(Counter)
    seconds = Counter()
    for case_id, result in cases.items():
        section = case_key(case_id)[0]
        by_section[section][result["behavior"]] += 1
        seconds[section] += result["duration"] / 1000
    total = Counter()
    for section in sorted(by_section):
        counts = by_section[section]
        total.update(counts)
        listed = ", ".join(f"{count} {name}" for name, count in sorted(counts.items()))
        print(f"  section {section:2d}: {sum(counts.values()):3d} cases, {seconds[section]:6.1f} s: {listed}")
    listed = ", ".join(f"{count} {name}" for name, count in sorted(total.items()))
    print(f"  all:        {sum(total.values()):3d} cases, {sum(seconds.values()):6.1f} s: {listed}")
    failing = sorted(
        (case_id for case_id, result in cases.items()
         if result["behavior"] not in PASSING or result["behaviorClose"] not in PASSING_CLOSE),
        key=case_key,
    )
    for case_id in failing:
        result = cases[case_id]
        print(f"  FAILING {case_id}: {result['behavior']}, close {result['behaviorClose']}, "
              f"remote close code {result['remoteCloseCode']}")
    return 1 if failing else 0


if __name__ == "__main__":
    sys.exit(main())
