"""Timing, the results table and its JSON: no scenario logic here.

A scenario is a function taking the ``Bench`` context and returning a ``Result``; each times its
own code and its baseline in the same process and run, interleaved, so that the ratio holds on a
noisy machine. A scenario that cannot run yet returns ``not_measured(...)`` saying why.
"""

import json
import os
import platform
import statistics
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path


@dataclass
class Result:
    scenario: str
    target: str
    ours: str = ""
    baseline: str = ""
    ratio: float | None = None
    met: bool | None = None
    note: str = ""
    figures: dict = field(default_factory=dict)

    @property
    def row(self) -> list[str]:
        if self.note.startswith("not measured"):
            return [self.scenario, self.note, "", "", self.target]
        ratio = "" if self.ratio is None else f"{self.ratio:.2f}"
        verdict = {True: " (met)", False: " (MISSED)", None: ""}[self.met]
        return [self.scenario, self.ours, self.baseline, ratio, self.target + verdict]


def not_measured(scenario: str, target: str, why: str) -> Result:
    return Result(scenario, target, note=f"not measured: {why}")


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.1f} ms"


def percentile(samples: list[float], fraction: float) -> float:
    ordered = sorted(samples)
    index = min(len(ordered) - 1, max(0, round(fraction * (len(ordered) - 1))))
    return ordered[index]


def summary(samples: list[float]) -> dict:
    return {
        "n": len(samples),
        "p50": percentile(samples, 0.5),
        "p95": percentile(samples, 0.95),
        "p99": percentile(samples, 0.99),
        "mean": statistics.fmean(samples),
    }


def time_once(call: Callable[[], object]) -> float:
    started = time.perf_counter()
    call()
    return time.perf_counter() - started


def interleaved(calls: dict[str, Callable[[], object]], *, repeat: int, warmup: int = 3) -> dict[str, list[float]]:
    """Time each call ``repeat`` times, taking turns, after ``warmup`` untimed rounds."""
    for _ in range(warmup):
        for call in calls.values():
            call()
    samples: dict[str, list[float]] = {name: [] for name in calls}
    for _ in range(repeat):
        for name, call in calls.items():
            samples[name].append(time_once(call))
    return samples


def machine() -> dict:
    memory_kb = _meminfo().get("MemTotal", 0)
    return {
        "nproc": os.cpu_count(),
        "memory_gb": round(memory_kb / 1024 / 1024, 1),
        "cpu": _cpu_model(),
        "python": platform.python_version(),
        "kernel": platform.release(),
    }


def _meminfo() -> dict[str, int]:
    try:
        lines = Path("/proc/meminfo").read_text().splitlines()
    except OSError:
        return {}
    return {line.split(":")[0]: int(line.split()[1]) for line in lines if line.split()[1:]}


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def table(results: list[Result]) -> str:
    """A Markdown table, the same printed and pasted into the README."""
    head = ["scenario", "ours", "baseline", "ratio", "target"]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    lines += ["| " + " | ".join(cell.replace("|", "/") for cell in result.row) + " |" for result in results]
    return "\n".join(lines)


def statement_tables(results: list[Result]) -> str:
    """For each row that recorded its calls statement by statement: the p50 of each kind, in ms, for its
    own call and its baseline's (Markdown, for the README)."""
    blocks = []
    for result in results:
        recorded = result.figures.get("statements")
        if not recorded:
            continue
        names = list(recorded)
        kinds = sorted({kind for split in recorded.values() for kind in split} - {"total", "cpu"})
        kinds.sort(key=lambda kind: kind.startswith("Python"))  # the Python last, the statements first
        lines = [f"{result.scenario}, p50 per call in ms:", "", "| | " + " | ".join(names) + " |"]
        lines.append("|---|" + "---|" * len(names))
        for kind in [*kinds, "total", "cpu"]:
            cells = [f"{recorded[name][kind] * 1000:.2f}" if kind in recorded[name] else "" for name in names]
            lines.append(f"| {kind} | " + " | ".join(cells) + " |")
        blocks.append("\n".join(lines))
    return "\n\n".join(blocks)


def write_json(results: list[Result], path: Path, *, seeded: dict) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    document = {
        "ran_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "machine": machine(),
        "seeded": seeded,
        "results": [asdict(result) for result in results],
    }
    path.write_text(json.dumps(document, indent=2, default=str) + "\n")
