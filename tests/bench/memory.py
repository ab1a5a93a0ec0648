"""The peak memory of a process exporting the whole timeline as CSV, measured in a process of its
own (``python -m tests.bench.memory PATH``) so that nothing else the harness did counts.

It streams the export through Django's test client as the auditor, reading the resident set size
as rows arrive: the peak (VmHWM), and the growth from a tenth of the rows to the end, which is
flat when the export streams and grows with the history when it builds the file in memory."""

import json
import os
import subprocess
import sys
from pathlib import Path


def rss_mb(field: str = "VmRSS") -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1]) / 1024
    return 0.0


def export_peak_memory(path: str) -> dict:
    answer = subprocess.run(
        [sys.executable, "-m", "tests.bench.memory", path], capture_output=True, text=True, env=os.environ, check=True
    )
    return json.loads(answer.stdout.strip().splitlines()[-1])


def _measure(path: str) -> dict:
    import django

    django.setup()
    from register.models import HistoryLink
    from tests.bench.people import signed_in_client

    expected = HistoryLink.objects.count()
    client = signed_in_client("auditor")
    before = rss_mb()
    answer = client.get(path, secure=True)
    if answer.status_code != 200:
        raise SystemExit(f"GET {path}: {answer.status_code}")
    chunks = answer.streaming_content if answer.streaming else [answer.content]
    rows, at_tenth = 0, None
    for chunk in chunks:
        rows += chunk.count(b"\n")
        if at_tenth is None and rows >= expected // 10:
            at_tenth = rss_mb()
    end = rss_mb()
    return {
        "rows": rows,
        "streaming": answer.streaming,
        "before_mb": before,
        "at_tenth_mb": at_tenth or end,
        "end_mb": end,
        "peak_mb": rss_mb("VmHWM"),
        "growth_mb": end - (at_tenth or before),
    }


if __name__ == "__main__":
    print(json.dumps(_measure(sys.argv[1])))
