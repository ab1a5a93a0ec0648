"""`make bench`: start the stack, seed it, measure every scenario, tear it all down.

    python -m tests.bench.run [--requests N] [--declarations N] [--history-rows N] [--published N] [--quick]
                              [--json PATH]
                              [--only NAME,NAME] [--keep]

--only runs only the named scenarios (the function names of tests/bench/scenarios.py, e.g. api_list).

The stack is `scripts/stack up` (what `make stack` runs) in a throwaway directory on free loopback
ports, with DJANGO_SETTINGS_MODULE=tests.bench.settings so that the web and worker processes also serve
the bare baselines. Seeding and measuring run as their own processes with the stack's environment.
"""

import argparse
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
# WEB_CONCURRENCY and WEB_THREADS choose gunicorn's workers (gunicorn.conf.py), to measure other choices.
INHERITED = ("PATH", "HOME", "LANG", "LC_ALL", "TMPDIR", "PG_BIN", "WEB_CONCURRENCY", "WEB_THREADS")
STARTUP_DEADLINE = 600  # seconds: migrating and loading the demo council take minutes on a busy 2-core machine


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Stack:
    def __init__(self, directory: Path):
        self.directory = directory
        self.web_port, self.pg_port, self.redis_port = free_port(), free_port(), free_port()
        self.log_path = directory / "stack.log"
        self.process: subprocess.Popen | None = None

    def script_environment(self) -> dict[str, str]:
        environment = {name: os.environ[name] for name in INHERITED if name in os.environ}
        environment.update(
            STACK_DIR=str(self.directory),
            STACK_WEB_PORT=str(self.web_port),
            STACK_PG_PORT=str(self.pg_port),
            STACK_REDIS_PORT=str(self.redis_port),
            STACK_PROCESSES="web worker beat",
            DJANGO_SETTINGS_MODULE="tests.bench.settings",
            LOG_LEVEL="WARNING",
        )
        return environment

    def start(self) -> None:
        with open(self.log_path, "ab") as log:
            self.process = subprocess.Popen(
                [str(ROOT / "scripts" / "stack"), "up"],
                cwd=ROOT,
                env=self.script_environment(),
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        deadline = time.monotonic() + STARTUP_DEADLINE
        while not self._healthy():
            if self.process.poll() is not None or time.monotonic() > deadline:
                raise SystemExit(f"the stack did not start:\n{self.log_tail()}")
            time.sleep(0.5)

    def _healthy(self) -> bool:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{self.web_port}/healthz", timeout=5) as answer:
                return answer.status == 200
        except OSError:
            return False

    def log_tail(self, lines: int = 40) -> str:
        return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])

    def environment(self) -> dict[str, str]:
        """The processes' environment (`scripts/stack env`), for the seeding and measuring processes."""
        printed = subprocess.run(
            ["bash", "-c", 'eval "$("$0" env)" && env -0', str(ROOT / "scripts" / "stack")],
            cwd=ROOT,
            env=self.script_environment(),
            check=True,
            capture_output=True,
        ).stdout
        environment = dict(item.split("=", 1) for item in printed.decode().split("\0") if "=" in item)
        # The measuring process also calls views in-process, through Django's test client.
        environment["ALLOWED_HOSTS"] += ",testserver"
        environment["BENCH_WEB"] = f"127.0.0.1:{self.web_port}"
        environment["PYTHONUNBUFFERED"] = "1"  # progress as it happens, under make too
        return environment

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=90)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()
        subprocess.run(
            [str(ROOT / "scripts" / "stack"), "down"],
            cwd=ROOT,
            env=self.script_environment(),
            capture_output=True,
            timeout=120,
        )


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--requests", type=int, default=10_000)
    parser.add_argument("--declarations", type=int, default=5_000)
    parser.add_argument("--history-rows", type=int, default=1_000_000)
    parser.add_argument("--published", type=int, default=400, help="entries on the published register (0: empty)")
    parser.add_argument("--quick", action="store_true", help="few repetitions: checks the harness, measures nothing")
    parser.add_argument("--json", default=str(ROOT / "var" / "bench" / "results.json"))
    parser.add_argument("--keep", action="store_true", help="keep the stack's directory (logs) afterwards")
    parser.add_argument(
        "--only",
        default="",
        help="comma-separated scenario names (tests/bench/scenarios.py), e.g. "
        "api_list,notice_fan_out; all of them when left out",
    )
    options = parser.parse_args(argv)
    # Stopped by SIGTERM as by Ctrl-C: unwind through `finally`, which stops the stack.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    directory = Path(tempfile.mkdtemp(prefix="register-bench."))
    stack = Stack(directory)
    try:
        print(f"bench: starting the stack in {directory}", flush=True)
        stack.start()
        environment = stack.environment()
        python = str(ROOT / ".venv" / "bin" / "python") if (ROOT / ".venv").exists() else sys.executable
        subprocess.run(
            [
                python,
                "manage.py",
                "bench_seed",
                f"--requests={options.requests}",
                f"--declarations={options.declarations}",
                f"--history-rows={options.history_rows}",
                f"--published={options.published}",
            ],
            cwd=ROOT,
            env=environment,
            check=True,
        )
        measure = [python, "-m", "tests.bench.measure", f"--json={options.json}"] + (
            ["--quick"] if options.quick else []
        )
        only = [name for name in options.only.split(",") if name]
        if only:
            measure += ["--only", *only]
        return subprocess.run(measure, cwd=ROOT, env=environment).returncode
    finally:
        stack.stop()
        if not options.keep:
            shutil.rmtree(directory, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
