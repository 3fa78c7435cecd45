"""Run the whole config-phase differential matrix and print a JSON report.

    python3 benchmarks/config_diff_report.py [--group G]... [--jobs N] [--limit N]

For each group (target-stlink, target-cmsis-dap, board, own-cfg): cases, matches and
the match rate; every mismatch with both programs' lines, grouped by cause; files below
the issue's 98% bar that have no written reason in known_differences.py; known
differences that now match (their entries should go); and, as advice only, successful
runs whose first Error line differs (the suite does not compare those).

The candidate is `python -m ocdpy` from this checkout unless OCDPY_CONFIG_DIFF_CANDIDATE
says otherwise (OCDPY_CONFIG_DIFF_CANDIDATE=openocd checks the harness: 100% expected).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from collections import Counter, defaultdict
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.differential.config.cases import GROUPS, all_cases  # noqa: E402
from tests.differential.config.harness import (  # noqa: E402
    candidate_command,
    reference_command,
    run_case,
)
from tests.differential.config.known_differences import reason_for  # noqa: E402

FILE_BAR = 0.98


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--group", action="append", choices=GROUPS,
                    help="only this group (repeatable); default all")
    ap.add_argument("--jobs", type=int, default=os.cpu_count() or 2,
                    help="cases run at once (default: CPU count)")
    ap.add_argument("--limit", type=int, default=0, help="first N cases per group only")
    args = ap.parse_args(argv)

    reference = reference_command()
    if reference is None:
        print("Error: openocd is not installed; apt-get install openocd", file=sys.stderr)
        return 1
    candidate = candidate_command()
    cases = [c for c in all_cases() if not args.group or c.group in args.group]
    if args.limit:
        per: Counter = Counter()
        kept = []
        for c in cases:
            per[c.group] += 1
            if per[c.group] <= args.limit:
                kept.append(c)
        cases = kept

    start = time.monotonic()
    with ThreadPoolExecutor(max_workers=max(1, args.jobs)) as pool:
        outcomes = list(pool.map(lambda c: run_case(c, reference, candidate), cases))
    seconds = time.monotonic() - start

    groups: dict[str, dict] = {}
    per_file: dict[str, list[bool]] = defaultdict(list)
    causes: Counter = Counter()
    mismatches, now_matching, advisory = [], [], []
    for o in outcomes:
        g = groups.setdefault(o.case.group, {"cases": 0, "matched": 0, "known_differences": 0})
        g["cases"] += 1
        g["matched"] += o.matched
        per_file[o.case.name].append(o.matched)
        reason = reason_for(o.case.id, o.case.name)
        if reason:
            g["known_differences"] += 1
            if o.matched:
                now_matching.append({"case": o.case.id, "reason": reason})
        if not o.matched:
            causes[o.cause] += 1
            entry = _mismatch(o)
            if reason:
                entry["known_reason"] = reason
            mismatches.append(entry)
        elif (o.reference.succeeded and o.reference.error != o.candidate.error):
            advisory.append({"case": o.case.id, "openocd": o.reference.error,
                             "ocdpy": o.candidate.error})
    for g in groups.values():
        g["match_rate"] = round(g["matched"] / g["cases"], 4) if g["cases"] else None
    total = len(outcomes)
    matched = sum(o.matched for o in outcomes)
    below = sorted(
        name for name, results in per_file.items()
        if sum(results) / len(results) < FILE_BAR
        and not any(reason_for(o.case.id, name) for o in outcomes if o.case.name == name))

    by_cause: dict[str, list[str]] = defaultdict(list)
    for m in mismatches:
        by_cause[m["cause"]].append(m["case"])
    report = {
        "reference": reference,
        "candidate": candidate,
        "cases": total,
        "matched": matched,
        "match_rate": round(matched / total, 4) if total else None,
        "groups": {name: groups[name] for name in GROUPS if name in groups},
        "causes": dict(causes.most_common()),
        "files_below_98_percent_without_reason": below,
        "known_differences_now_matching": now_matching,
        "mismatches_by_cause": dict(by_cause),
        "mismatches": mismatches,
        "advisory_error_line_differs_on_success": advisory,
        "seconds": round(seconds, 2),
        "jobs": args.jobs,
    }
    json.dump(report, sys.stdout, indent=1, ensure_ascii=False)
    sys.stdout.write("\n")
    return 0


def _mismatch(o) -> dict:
    def side(r) -> dict:
        d = {"exit_code": r.exit_code, "oracle": r.oracle, "error": r.error}
        if r.timed_out:
            d["timed_out"] = True
        if not r.succeeded and r.error is None:
            d["last_line"] = r.last_line
        if "Traceback (most recent call last)" in r.stderr:
            d["traceback_tail"] = r.stderr.strip().splitlines()[-3:]
        return d

    return {"case": o.case.id, "cause": o.cause, "differences": o.differences,
            "openocd": side(o.reference), "ocdpy": side(o.candidate),
            "ocdpy_argv": o.candidate.argv}


if __name__ == "__main__":
    sys.exit(main())
