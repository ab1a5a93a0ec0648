"""Run every scenario against the seeded stack; print the table and write it as JSON.

    python -m tests.bench.measure [--quick] [--json PATH] [--only NAME ...]

Runs with the stack's environment (tests/bench/run.py gives it). A scenario that fails is reported as
"not measured: <the error>" and the others still run.
"""

import argparse
import os
import sys
import traceback
from pathlib import Path

import django


def main(argv=None) -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--json", default="var/bench/results.json")
    parser.add_argument("--only", nargs="*", default=[])
    options = parser.parse_args(argv)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.bench.settings")
    django.setup()
    from register.models import AttendanceRequest, Declaration, HistoryLink
    from tests.bench import harness, scenarios

    unknown = set(options.only) - {scenario.__name__ for scenario in scenarios.ALL}
    if unknown:
        parser.error(f"no such scenario: {', '.join(sorted(unknown))} (see tests/bench/scenarios.py, ALL)")
    bench = scenarios.Bench(web=os.environ.get("BENCH_WEB", "127.0.0.1:8000"), quick=options.quick)
    results = []
    for scenario in scenarios.ALL:
        if options.only and scenario.__name__ not in options.only:
            continue
        print(f"bench: {scenario.__name__} ...", flush=True)
        try:
            outcome = scenario(bench)
        except Exception as error:  # noqa: BLE001 - one broken scenario must not hide the others' figures
            traceback.print_exc()
            outcome = harness.not_measured(scenario.__name__, "", f"it failed: {type(error).__name__}: {error}")
        results += outcome if isinstance(outcome, list) else [outcome]
    seeded = {
        "attendance_requests": AttendanceRequest.objects.count(),
        "declarations": Declaration.objects.count(),
        "history_rows": HistoryLink.objects.count(),
        "quick": options.quick,
    }
    print()
    print(f"Seeded: {seeded}; machine: {harness.machine()}")
    print(harness.table(results))
    split = harness.statement_tables(results)
    if split:
        print()
        print(split)
    harness.write_json(results, Path(options.json), seeded=seeded)
    print(f"\nbench: figures written to {options.json}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
