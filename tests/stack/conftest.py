"""The whole topology, started by `scripts/stack up` (what `make stack` runs) once per test module
(or once for the modules that run the same processes with the same settings).

A module that uses the `stack` fixture gets PostgreSQL, Redis, and the Procfile's web, worker and
beat processes (each supervised by supervisord, restarted on its own when it dies), on free loopback
ports in a throwaway directory, with the production settings. When a stack is stopped, nothing of it
may be left: a process or a listening port left behind fails the test it was stopped after.
A module may set:
  STACK_PROCESSES    the Procfile processes supervised (default "web worker beat"); a module that
                     kills workers and counts them runs them itself with `stack.start_process("worker")`.
  STACK_ENVIRONMENT  settings for the processes, e.g. {"SECURE_SSL_REDIRECT": "true"}.
Modules with the same STACK_PROCESSES and STACK_ENVIRONMENT share one stack (starting one is most of
these tests' time), unless a test of the first failed; a test that takes a service away restores it."""

import contextlib
import email
import http.client
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode

import psycopg
import pytest

ROOT = Path(__file__).resolve().parents[2]
DEMO_PASSWORD = "demo-register-2026"
STARTUP_DEADLINE = 240
# The settings of the modules that run web, worker and beat together (they share one stack): as production
# behind its proxy, plain HTTP is redirected to HTTPS; a short sweep, so that notices left pending while
# Redis was down, or whose message died with a killed worker, go out within the test.
FULL_STACK_ENVIRONMENT = {
    "SECURE_SSL_REDIRECT": "true",
    "WEB_CONCURRENCY": "2",
    "NOTICE_SWEEP_INTERVAL_SECONDS": "2",
    "NOTICE_SWEEP_AFTER_SECONDS": "4",
}
# Variables of the environment a stack's processes may inherit; the rest (the test run's own
# DATABASE_URL, CELERY_BROKER_URL, DEBUG ...) must not leak into the stack.
INHERITED = ("PATH", "HOME", "LANG", "LC_ALL", "TMPDIR", "PG_BIN")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def listens(port: int) -> bool:
    with socket.socket() as probe:
        probe.settimeout(1)
        return probe.connect_ex(("127.0.0.1", port)) == 0


def process_stat(pid: int | str) -> list[str]:
    """/proc/PID/stat's fields after the command's name: state, ppid, process group, session ..."""
    return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()


def group_processes(group: int) -> set[int]:
    """The pids of the processes in the process group ``group``."""
    found = set()
    for stat in Path("/proc").glob("[0-9]*/stat"):
        with contextlib.suppress(OSError):
            if int(process_stat(stat.parent.name)[2]) == group:
                found.add(int(stat.parent.name))
    return found


def session_processes(session: int) -> dict[int, str]:
    """The processes of the session ``session``, with their command lines."""
    found = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        with contextlib.suppress(OSError):
            if int(process_stat(stat.parent.name)[3]) == session and process_stat(stat.parent.name)[0] != "Z":
                command = (stat.parent / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
                found[int(stat.parent.name)] = command.strip()
    return found


def wait_until(condition: Callable[[], object], *, within: float, what: str, every: float = 0.2):
    """Poll ``condition`` until it returns something true; fail naming ``what`` after ``within`` seconds."""
    deadline = time.monotonic() + within
    while True:
        result = condition()
        if result:
            return result
        if time.monotonic() > deadline:
            raise AssertionError(f"{what}: not within {within:.0f} s")
        time.sleep(every)


# How long a notice may take to be delivered by a worker (or re-queued and delivered).
DELIVERY_DEADLINE = 60


def delivered_once(stack: "Stack", cause: str) -> bool:
    notices = stack.notices(cause)
    return bool(notices) and all(notice["status"] == "sent" for notice in notices)


def assert_delivered_exactly_once(stack: "Stack", cause: str) -> None:
    wait_until(lambda: delivered_once(stack, cause), within=DELIVERY_DEADLINE, what=f"the notices of {cause} sent")
    notices = stack.notices(cause)
    assert {notice["channel"] for notice in notices} == {"in-app", "email"}
    for notice in notices:
        assert stack.deliveries(notice["id"]) == 1, notice
    [email_notice] = [notice for notice in notices if notice["channel"] == "email"]
    assert len(stack.emails_of(email_notice)) == 1


@dataclass
class Answer:
    status: int
    headers: http.client.HTTPMessage
    body: bytes

    @property
    def text(self) -> str:
        return self.body.decode("utf-8", "replace")

    def json(self):
        return json.loads(self.body)


class Client:
    """A browser reaching the web process through the TLS-terminating proxy of a real deployment:
    each request says it came over HTTPS (X-Forwarded-Proto), and cookies are kept by hand because
    the production cookies are Secure."""

    def __init__(self, port: int):
        self.port = port
        self.origin = f"https://127.0.0.1:{port}"
        self.cookies: dict[str, str] = {}

    def request(
        self, method: str, path: str, body: bytes | str = b"", headers: dict | None = None, via_https: bool = True
    ) -> Answer:
        sent = {"Host": f"127.0.0.1:{self.port}"}
        if via_https:
            sent["X-Forwarded-Proto"] = "https"
            if method not in {"GET", "HEAD"}:
                sent.update(Origin=self.origin, Referer=self.origin + path)
                if "csrftoken" in self.cookies:
                    sent["X-CSRFToken"] = self.cookies["csrftoken"]
        if self.cookies:
            sent["Cookie"] = "; ".join(f"{name}={value}" for name, value in self.cookies.items())
        sent.update(headers or {})
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
        try:
            connection.request(method, path, body=body, headers=sent)
            response = connection.getresponse()
            answer = Answer(response.status, response.headers, response.read())
        finally:
            connection.close()
        self._keep_cookies(answer.headers.get_all("Set-Cookie") or [])
        return answer

    def _keep_cookies(self, set_cookie_headers: list[str]) -> None:
        for header in set_cookie_headers:
            for name, morsel in SimpleCookie(header).items():
                if morsel["max-age"] == "0":
                    self.cookies.pop(name, None)
                else:
                    self.cookies[name] = morsel.value

    def get(self, path: str, **options) -> Answer:
        return self.request("GET", path, **options)

    def post_json(self, path: str, data, **options) -> Answer:
        return self.request(
            "POST", path, body=json.dumps(data), headers={"Content-Type": "application/json"}, **options
        )

    def sign_in(self, username: str, password: str = DEMO_PASSWORD) -> None:
        page = self.get("/sign-in/")
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text)
        assert page.status == 200 and token, page.text[:500]
        answer = self.request(
            "POST",
            "/sign-in/",
            body=urlencode({"username": username, "password": password, "csrfmiddlewaretoken": token.group(1)}),
            headers={"Content-Type": "application/x-www-form-urlencoded"},
        )
        assert answer.status == 302, f"signing in as {username}: {answer.status} {answer.text[:500]}"


class Stack:
    """One running topology: its ports, its services, its processes and what they wrote."""

    def __init__(self, directory: Path, processes: str, environment: dict[str, str]):
        self.directory = directory
        self.processes = processes
        self.web_port, self.pg_port, self.redis_port = free_port(), free_port(), free_port()
        self.settings = environment
        self.log_path = directory / "stack.log"
        self._up: subprocess.Popen | None = None
        self._started: list[subprocess.Popen] = []

    # -- the stack itself -------------------------------------------------------------------------

    def script_environment(self) -> dict[str, str]:
        environment = {name: os.environ[name] for name in INHERITED if name in os.environ}
        environment.update(
            STACK_DIR=str(self.directory),
            STACK_WEB_PORT=str(self.web_port),
            STACK_PG_PORT=str(self.pg_port),
            STACK_REDIS_PORT=str(self.redis_port),
            STACK_PROCESSES=self.processes,
            # The stack's tests sign decision-makers in with a password alone (a module may override it).
            TWO_FACTOR_REQUIRED="false",
            **self.settings,
        )
        return environment

    def start(self) -> None:
        with open(self.log_path, "ab") as log:
            self._up = subprocess.Popen(
                [str(ROOT / "scripts" / "stack"), "up"],
                cwd=ROOT,
                env=self.script_environment(),
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        wait_until(self._healthy_or_failed, within=STARTUP_DEADLINE, what="the stack answering /healthz", every=0.5)

    def healthy(self) -> bool:
        """Whether it still runs, answers /healthz, and each of its processes is RUNNING."""
        if self._up is None or self._up.poll() is not None:
            return False
        try:
            if self.client().get("/healthz", via_https=False).status != 200:
                return False
        except OSError:
            return False
        states = [line.split()[1] for line in self.ctl("status").splitlines() if line.strip()]
        return len(states) == len(self.processes.split()) and set(states) == {"RUNNING"}

    def _healthy_or_failed(self) -> bool:
        if self._up.poll() is not None:
            raise AssertionError(f"scripts/stack up exited with {self._up.returncode}:\n{self.log_tail()}")
        try:
            return self.client().get("/healthz", via_https=False).status == 200
        except OSError:
            return False

    def stop(self) -> None:
        """Stop the stack as Ctrl-C stops make stack, then make sure nothing of it is left: whatever is
        found still running is killed, and reported as a failure."""
        try:
            for process in self._started:
                self.kill(process, signal.SIGTERM)
            if self._up is not None and self._up.poll() is None:
                os.killpg(self._up.pid, signal.SIGTERM)
                try:
                    self._up.wait(timeout=120)
                except subprocess.TimeoutExpired:
                    os.killpg(self._up.pid, signal.SIGKILL)
                    self._up.wait()
        finally:
            # Whatever the script could not stop (it was killed, or failed half-way).
            self.script("down")
        left = self.leftovers()
        for pid in left:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
        assert not left, f"left running after the stack stopped: {left}\n{self.log_tail()}"
        listening = [port for port in (self.web_port, self.pg_port, self.redis_port) if listens(port)]
        assert not listening, f"ports still listening after the stack stopped: {listening}"

    def leftovers(self) -> dict[int, str]:
        """The processes still running in the session `scripts/stack up` was started in (supervisord and
        the processes it starts stay in it; PostgreSQL and Redis, which detach, are checked by their ports)."""
        if self._up is None:
            return {}
        return {pid: command for pid, command in session_processes(self._up.pid).items() if pid != os.getpid()}

    def script(self, *arguments: str) -> None:
        subprocess.run(
            [str(ROOT / "scripts" / "stack"), *arguments],
            cwd=ROOT,
            env=self.script_environment(),
            check=True,
            capture_output=True,
            timeout=120,
        )

    def postgres(self, action: str) -> None:
        """Stop, start or restart PostgreSQL under the running processes."""
        self.script("postgres", action)

    def redis(self, action: str) -> None:
        """Stop, start or restart Redis under the running processes."""
        self.script("redis", action)

    def log_tail(self, lines: int = 60) -> str:
        return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])

    def process_log_lines(self) -> dict[str, list[str]]:
        """What each supervised process printed, by name (web, worker, beat): its log file."""
        return {
            path.stem: path.read_text(errors="replace").splitlines()
            for path in (self.directory / "logs").glob("*.log")
            if path.stem != "supervisord"
        }

    def ctl(self, *arguments: str) -> str:
        """supervisorctl on the running stack (`scripts/stack ctl`)."""
        return subprocess.run(
            [str(ROOT / "scripts" / "stack"), "ctl", *arguments],
            cwd=ROOT,
            env=self.script_environment(),
            capture_output=True,
            text=True,
            timeout=60,
        ).stdout

    def pid(self, name: str) -> int:
        """The pid of the supervised process ``name`` (the leader of its process group); 0 while it is not running."""
        printed = self.ctl("pid", name).strip()
        return int(printed) if printed.isdigit() else 0

    # -- reaching it --------------------------------------------------------------------------------

    def client(self) -> Client:
        return Client(self.web_port)

    @property
    def database_url(self) -> str:
        return f"postgres://register@127.0.0.1:{self.pg_port}/register"

    def query(self, sql: str, parameters=()) -> list[tuple]:
        with psycopg.connect(self.database_url, connect_timeout=5) as database:
            return database.execute(sql, parameters).fetchall()

    @contextlib.contextmanager
    def database_session(self) -> Iterator[psycopg.Connection]:
        """A connection of the test's own, in a transaction rolled back at the end (for locks)."""
        with psycopg.connect(self.database_url, connect_timeout=5) as database:
            try:
                yield database
            finally:
                database.rollback()

    def process_environment(self) -> dict[str, str]:
        """The environment `scripts/stack up` gives the Procfile's processes."""
        printed = subprocess.run(
            ["bash", "-c", 'eval "$("$0" env)" && env -0', str(ROOT / "scripts" / "stack")],
            cwd=ROOT,
            env=self.script_environment(),
            check=True,
            capture_output=True,
            timeout=60,
        ).stdout.decode()
        return dict(item.split("=", 1) for item in printed.split("\0") if "=" in item)

    # -- processes the tests run and kill themselves ------------------------------------------------

    def start_process(self, name: str) -> subprocess.Popen:
        """Run the Procfile's command for ``name`` as make stack would, in its own process group."""
        command = dict(
            line.split(":", 1)
            for line in (ROOT / "Procfile").read_text().splitlines()
            if line.strip() and not line.startswith("#")
        )[name].strip()
        log = open(self.directory / f"{name}-{len(self._started) + 1}.log", "ab")  # noqa: SIM115 - kept by the process
        process = subprocess.Popen(
            ["sh", "-c", f"exec {command}"],
            cwd=ROOT,
            env=self.process_environment(),
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        process.log_path = Path(log.name)
        self._started.append(process)
        return process

    def start_worker(self) -> subprocess.Popen:
        """A worker from the Procfile's command, once it is consuming."""
        worker = self.start_process("worker")
        wait_until(
            lambda: self._check_running(worker) and "ready." in worker.log_path.read_text(errors="replace"),
            within=120,
            what="a Celery worker ready",
        )
        return worker

    @staticmethod
    def _check_running(process: subprocess.Popen) -> bool:
        if process.poll() is not None:
            raise AssertionError(f"{process.args} exited with {process.returncode}:\n{process.log_path.read_text()}")
        return True

    @staticmethod
    def kill(process: subprocess.Popen, sent: signal.Signals) -> None:
        """Send ``sent`` to the process and everything it started (a worker's pool too)."""
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, sent)
        try:
            process.wait(timeout=60)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()

    # -- what the register did ------------------------------------------------------------------------

    def notices(self, cause: str) -> list[dict]:
        rows = self.query(
            "SELECT n.id, n.channel, n.status, n.subject, p.email FROM register_notification n "
            "JOIN register_person p ON p.id = n.recipient_id WHERE n.cause = %s ORDER BY n.id",
            (cause,),
        )
        return [dict(zip(("id", "channel", "status", "subject", "email"), row)) for row in rows]

    def deliveries(self, notice_id: int) -> int:
        """How many times the notice was delivered, by its history (an in-app notice is written delivered)."""
        return self.query(
            "SELECT count(*) FROM register_historicalnotification WHERE id = %s "
            "AND (history_change_reason = %s OR history_change_reason LIKE %s)",
            (notice_id, "Notice delivered", "Notice written to the register:%"),
        )[0][0]

    def emails(self) -> list[email.message.Message]:
        """Every e-mail sent, from the file-based mail backend make stack configures."""
        messages = []
        for path in sorted((self.directory / "mail").glob("*.log")):
            for chunk in re.split(r"^-{79}$", path.read_text(errors="replace"), flags=re.M):
                if chunk.strip():
                    messages.append(email.message_from_string(chunk.strip()))
        return messages

    def emails_of(self, notice: dict) -> list[email.message.Message]:
        def unfolded(value) -> str:
            return " ".join(str(value or "").split())

        return [
            message
            for message in self.emails()
            if unfolded(message["Subject"]) == unfolded(notice["subject"]) and notice["email"] in str(message["To"])
        ]


class Stacks:
    """The stack in use: a module whose processes and settings are those of the stack already running
    (and healthy, after a module that had no failure) uses it rather than starting another; otherwise it
    is stopped and a new one started. It is stopped after the last module that uses it."""

    def __init__(self):
        self.running: Stack | None = None
        self.configuration: tuple | None = None

    def get(self, processes: str, environment: dict[str, str]) -> Stack:
        configuration = (processes, tuple(sorted(environment.items())))
        if self.running is not None and (configuration != self.configuration or not self.running.healthy()):
            self.stop()
        if self.running is None:
            directory = Path(tempfile.mkdtemp(prefix="register-stack."))
            self.running, self.configuration = Stack(directory, processes, environment), configuration
            self.running.start()
        return self.running

    def stop(self) -> None:
        running, self.running, self.configuration = self.running, None, None
        if running is not None:
            try:
                running.stop()
            finally:
                shutil.rmtree(running.directory, ignore_errors=True)


def configuration_of(module) -> tuple[str, dict[str, str]]:
    return getattr(module, "STACK_PROCESSES", "web worker beat"), getattr(module, "STACK_ENVIRONMENT", {})


STACKS = Stacks()


@pytest.fixture(scope="session")
def stacks() -> Iterator[Stacks]:
    try:
        yield STACKS
    finally:
        STACKS.stop()


@pytest.fixture(scope="module")
def stack(request, stacks) -> Iterator[Stack]:
    failed_before = request.session.testsfailed
    try:
        yield stacks.get(*configuration_of(request.module))
    finally:
        # A module that failed may have left the stack broken: the next module starts its own.
        if request.session.testsfailed != failed_before:
            stacks.stop()


@pytest.hookimpl(trylast=True)
def pytest_runtest_teardown(item, nextitem):
    """After a module's last test, its stack is stopped unless the next module shares it: no stack is left
    running under the rest of the suite."""
    if STACKS.running is None or (nextitem is not None and nextitem.module is item.module):
        return
    if nextitem is None or "stack" not in nextitem.fixturenames:
        STACKS.stop()
        return
    processes, environment = configuration_of(nextitem.module)
    if STACKS.configuration != (processes, tuple(sorted(environment.items()))):
        STACKS.stop()
