"""Per-statement timings in-process: each statement's time on the database, by kind, and the commits'.

What the README's figures for one call split into (statements, commit, Python) come from here: Django's
``connection.execute_wrapper`` times every statement; commits do not pass through it, so the
connection's ``_commit`` is timed while the recorder is open.
"""

import contextlib
import re
import time
from collections import defaultdict

from django.db import connection

from tests.bench import harness

_TABLE = re.compile(r'(?:INTO|UPDATE|FROM)\s+"?(\w+)"?', re.IGNORECASE)


def kind_of(sql: str) -> str:
    """A short name for a statement: its verb, the table it writes or reads first, and FOR UPDATE."""
    text = sql.lstrip()
    if text.upper().startswith("SELECT PG_ADVISORY_XACT_LOCK"):
        return "chain link (lock + INSERT)"
    if text.startswith("SELECT register_"):
        return text.split("(", 1)[0].removeprefix("SELECT ") + "() (chain link)"
    verb = text.split(None, 1)[0].upper()
    table = _TABLE.search(_outermost(text))
    label = f"{verb} {table.group(1) if table else ''}".strip()
    return label + (" FOR UPDATE" if "FOR UPDATE" in text.upper() else "")


def _outermost(sql: str) -> str:
    """The statement without what its parentheses hold: so that a SELECT is named by the table of its own
    FROM, not by that of a subquery among its columns."""
    kept, depth = [], 0
    for character in sql:
        if character == "(":
            depth += 1
        elif character == ")":
            depth -= 1
        elif depth == 0:
            kept.append(character)
    return "".join(kept)


class Recorder:
    """Durations (seconds) of each kind of statement, and of commits, in each recorded call, by the call's name."""

    def __init__(self):
        self.calls: dict[str, list[dict[str, float]]] = defaultdict(list)
        self.current: dict[str, float] | None = None  # the call being recorded, if any

    def _execute(self, execute, sql, params, many, context):
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            self._add(kind_of(sql), time.perf_counter() - started)

    def _add(self, kind: str, seconds: float) -> None:
        if self.current is not None:
            self.current[kind] += seconds

    @contextlib.contextmanager
    def call(self, name: str):
        """Record one call of ``name``: its statements, its commit, its whole time ("total") and its CPU time ("cpu")."""
        self.current = defaultdict(float)
        started, cpu_started = time.perf_counter(), time.thread_time()
        try:
            yield
        finally:
            self.current["total"] = time.perf_counter() - started
            # This thread's CPU time: the Python's cost without the waits on the database, which a busy
            # machine stretches as much as it stretches the statements themselves.
            self.current["cpu"] = time.thread_time() - cpu_started
            self.calls[name].append(self.current)
            self.current = None

    @contextlib.contextmanager
    def recording(self):
        commit = connection._commit

        def timed_commit():
            started = time.perf_counter()
            try:
                return commit()
            finally:
                self._add("COMMIT", time.perf_counter() - started)

        connection._commit = timed_commit
        try:
            with connection.execute_wrapper(self._execute):
                yield self
        finally:
            del connection._commit

    def p50s(self, name: str, last: int) -> dict[str, float]:
        """The median of each kind over the ``last`` calls of ``name``, and of the Python (the rest of each
        call's time)."""
        calls = self.calls[name][-last:]
        kinds = {kind for call in calls for kind in call}
        medians = {kind: harness.percentile([call.get(kind, 0.0) for call in calls], 0.5) for kind in kinds}
        python = [call["total"] - sum(v for k, v in call.items() if k not in ("total", "cpu")) for call in calls]
        medians["Python (the rest)"] = harness.percentile(python, 0.5)
        return medians
