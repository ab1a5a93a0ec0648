"""The real services the worker tests use: a Celery worker process, and the Redis server that
scripts/with-services started (which a test may stop and start again on the same port).
"""

import os
import signal
import socket
import subprocess
import sys
import time
import uuid
from pathlib import Path
from urllib.parse import quote, urlsplit

from django.conf import settings

ROOT = Path(settings.BASE_DIR)


def wait_until(condition, *, timeout: float = 60, what: str, explain=lambda: "") -> None:
    """Poll ``condition`` until it holds; fail with ``what`` (and ``explain()``) if it never does."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"Gave up after {timeout:.0f}s waiting for {what}.\n{explain()}")
        time.sleep(0.1)


def database_url(user: str | None = None) -> str:
    """The database pytest-django created for this session, as the worker's DATABASE_URL: as the test
    run's own user, or as ``user`` (the application's role: `make test` trusts loopback, no password)."""
    db = settings.DATABASES["default"]
    if user is not None:
        credentials = quote(user)
    else:
        credentials = quote(db["USER"]) + (f":{quote(db['PASSWORD'])}" if db.get("PASSWORD") else "")
    return f"postgres://{credentials}@{db['HOST']}:{db['PORT']}/{quote(db['NAME'])}"


class CeleryWorker:
    """`celery -A tasks worker` in its own process group, against the test database and Redis."""

    def __init__(self, *, workdir: Path, environment: dict[str, str]):
        self.workdir = workdir
        self.environment = environment
        self.process: subprocess.Popen | None = None
        self.hostname = ""
        self.log = workdir / "worker.log"

    def start(self) -> None:
        from tasks.celery import app

        self.hostname = f"test-{uuid.uuid4().hex[:8]}@localhost"
        with open(self.log, "a") as log:
            log.write(f"\n===== starting {self.hostname}\n")
            self.process = subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "celery",
                    "-A",
                    "tasks",
                    "worker",
                    "--pool=prefork",
                    "--concurrency=1",
                    "--loglevel=INFO",
                    "--without-gossip",
                    "--without-mingle",
                    "--without-heartbeat",
                    "-n",
                    self.hostname,
                ],
                cwd=ROOT,
                env={**os.environ, **self.environment},
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )

        def answers() -> bool:
            if self.process.poll() is not None:
                raise AssertionError(f"The Celery worker exited with {self.process.returncode}.\n{self.tail()}")
            return bool(app.control.ping(destination=[self.hostname], timeout=0.5))

        wait_until(answers, timeout=90, what="the Celery worker to start", explain=self.tail)

    def stop(self) -> None:
        """A warm shutdown: the worker finishes what it is doing and hands back what it holds."""
        if self.process is None or self.process.poll() is not None:
            return
        os.killpg(self.process.pid, signal.SIGTERM)
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.kill()

    def kill(self) -> None:
        """SIGKILL to the whole worker, its main process and its pool, as a crash would."""
        if self.process is None:
            return
        try:
            os.killpg(self.process.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        self.process.wait(timeout=30)

    def tail(self, lines: int = 60) -> str:
        try:
            return "\n".join(self.log.read_text(errors="replace").splitlines()[-lines:])
        except FileNotFoundError:
            return ""


class RedisServer:
    """The Redis server scripts/with-services started, stopped and started again on its port."""

    def __init__(self):
        broker = urlsplit(settings.CELERY_BROKER_URL)
        self.port = broker.port
        self.directory = Path(os.environ["REGISTER_SERVICES_DIR"])

    def is_up(self) -> bool:
        try:
            with socket.create_connection(("127.0.0.1", self.port), timeout=0.5):
                return True
        except OSError:
            return False

    def stop(self) -> None:
        subprocess.run(["redis-cli", "-p", str(self.port), "shutdown", "nosave"], capture_output=True, timeout=30)
        wait_until(lambda: not self.is_up(), timeout=30, what="Redis to stop")

    def start(self) -> None:
        # The same options as scripts/with-services, whose clean-up stops it by the same pid file.
        subprocess.run(
            [
                "redis-server",
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--dir",
                str(self.directory),
                "--daemonize",
                "yes",
                "--pidfile",
                str(self.directory / "redis.pid"),
                "--logfile",
                str(self.directory / "redis.log"),
                "--save",
                "",
                "--appendonly",
                "no",
            ],
            check=True,
            timeout=30,
        )
        wait_until(self.is_up, timeout=30, what="Redis to start")
