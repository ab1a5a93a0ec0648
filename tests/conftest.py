"""Fixtures shared by every test: a small council, one person per role, and a real Celery worker."""

import os
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.db import connection
from hypothesis import settings as hypothesis_settings

from register import transparency
from tests.factories import Council

# The run's history signing key (issue 20): made afresh for every run, never stored, and handed to the
# Celery worker and servers the tests start through the environment they inherit.
if not (django_settings.HISTORY_SIGNING_KEY or django_settings.HISTORY_SIGNING_KEY_FILE):
    django_settings.HISTORY_SIGNING_KEY = transparency.SignerKey.generate("register.test/register").text()
    os.environ["HISTORY_SIGNING_KEY"] = django_settings.HISTORY_SIGNING_KEY

# Property-based tests (Hypothesis, Schemathesis) draw the same examples on every run, so that CI
# and a developer see the same result; widen a search by raising max_examples, not by luck.
hypothesis_settings.register_profile("register", derandomize=True, print_blob=True)
hypothesis_settings.load_profile("register")


def pytest_report_header(config):
    from django.conf import settings

    database = settings.DATABASES["default"]
    where = database.get("HOST") or database["NAME"]
    return f"database: {database['ENGINE'].rsplit('.', 1)[-1]} at {where}"


_database_used: list[str] = []


@pytest.fixture(autouse=True, scope="session")
def _note_which_database(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT version()")
            version = cursor.fetchone()[0].split(",")[0]
        else:
            version = connection.vendor
    _database_used.append(f"{version}, database {connection.settings_dict['NAME']}")


def pytest_terminal_summary(terminalreporter):
    for used in _database_used:
        terminalreporter.write_line(f"Tests ran on {used}")


@pytest.fixture(autouse=True)
def _two_factor_required_only_when_marked(request, settings):
    """The suite signs the Chief Executive, the Monitoring Officer and auditors in with a password alone:
    two-factor sign-in is required (TWO_FACTOR_REQUIRED) only in tests marked ``two_factor``."""
    settings.TWO_FACTOR_REQUIRED = request.node.get_closest_marker("two_factor") is not None


@pytest.fixture(autouse=True)
def _session_timeouts_only_when_marked(request, settings):
    """Many tests move the register's clock on by hours or weeks with a client signed in, which the
    session timeouts (register/middleware_sessions.py) would end: they apply, at their real defaults,
    only in tests marked ``session_timeouts`` (or that set them themselves)."""
    if request.node.get_closest_marker("session_timeouts") is None:
        settings.SESSION_IDLE_MINUTES = settings.SESSION_ABSOLUTE_HOURS = 10 * 365 * 24 * 60


@pytest.fixture
def council(db) -> Council:
    return Council()


@pytest.fixture
def chief_executive(council):
    return council.chief_executive


@pytest.fixture
def deputy_chief_executive(council):
    return council.deputy_chief_executive


@pytest.fixture
def monitoring_officer(council):
    return council.monitoring_officer


@pytest.fixture
def auditor(council):
    return council.auditor


@pytest.fixture
def group_leader(council):
    return council.groups[0].leader


@pytest.fixture
def officer(council):
    return council.directorates[0].officers[0]


@pytest.fixture(autouse=True)
def _the_system_user_looked_up_afresh():
    """The process keeps the system user it looked up (register/services/system.py); each test's
    database is rolled back or flushed afterwards, so the next test must not be given the old one."""
    from register.services.system import forget_system_user

    forget_system_user()
    yield
    forget_system_user()


@pytest.fixture(autouse=True)
def _tasks_in_process_unless_a_worker_is_asked_for(request):
    """Most tests run Celery tasks in-process after commit, as `make run` does. Tests marked
    ``worker`` send them through the real Redis broker to the real worker process instead; the
    worker sees only committed rows, so those tests use a transactional database."""
    from tasks.celery import app

    wants_worker = request.node.get_closest_marker("worker") is not None
    if wants_worker:
        database = request.node.get_closest_marker("django_db")
        if database is None or not database.kwargs.get("transaction"):
            pytest.fail("A test marked `worker` needs @pytest.mark.django_db(transaction=True).")
        request.getfixturevalue("worker")
    previous = app.conf.task_always_eager
    app.conf.task_always_eager = not wants_worker
    yield
    app.conf.task_always_eager = previous


@pytest.fixture(scope="session")
def worker(django_db_setup, tmp_path_factory):
    """One real Celery worker process for the session (started once: it costs a few seconds),
    consuming from the Redis of `make test` and writing to the database pytest-django created, as the
    application's role.
    Its e-mail goes to the recording mail server in tests/mail.py. Stopped at the end."""
    from django.conf import settings

    from tests.services import CeleryWorker, database_url

    if not settings.CELERY_BROKER_URL or connection.vendor != "postgresql":
        pytest.fail("Tests marked `worker` need the PostgreSQL and Redis that `make test` starts.")
    workdir = tmp_path_factory.mktemp("celery-worker")
    process = CeleryWorker(
        workdir=workdir,
        environment={
            # As the application's role, as web, worker and beat connect in production (docs/database-roles.md).
            "DATABASE_URL": database_url(user=settings.DATABASE_APP_ROLE),
            "CELERY_TASK_ALWAYS_EAGER": "false",
            "EMAIL_BACKEND": "tests.mail.RecordingBackend",
            "REGISTER_TEST_MAIL_LOG": str(workdir / "mail.jsonl"),
            "REGISTER_TEST_MAIL_SLOW_SECONDS": "4",
            # Short back-offs, so that a retry happens within a test.
            "NOTICE_RETRY_BASE_SECONDS": "1",
            "NOTICE_RETRY_MAX_SECONDS": "4",
        },
    )
    process.start()
    yield process
    process.stop()


@pytest.fixture
def sent_mail(worker):
    """What the worker's mail server accepted (or refused) during this test."""
    from tests.mail import read_log

    path = Path(worker.environment["REGISTER_TEST_MAIL_LOG"])
    already = {event: len(read_log(path, event=event)) for event in ("accepted", "refused")}

    def sent(*, to: str | None = None, event: str = "accepted") -> list[dict]:
        entries = read_log(path, event=event)[already[event] :]
        return [entry for entry in entries if to is None or to in entry["to"]]

    return sent


@pytest.fixture(autouse=True)
def _the_history_chain_still_verifies_after_each_test(request):
    """Whatever a test did through the register, every history row it wrote is in the hash chain and
    the chain verifies (C4): a write path that bypasses the chain fails the test that uses it.
    Tests that tamper with the history on purpose are marked ``history_tampered``."""
    names = set(request.fixturenames)
    uses_database = {"db", "transactional_db"} & names or request.node.get_closest_marker("django_db")
    if not uses_database or request.node.get_closest_marker("history_tampered"):
        yield
        return
    # Set the database up inside this fixture, so that the check runs before it is rolled back.
    if "transactional_db" in names:
        request.getfixturevalue("transactional_db")
    elif "db" in names:
        request.getfixturevalue("db")
    yield
    if connection.needs_rollback:
        return  # the test left its transaction broken on purpose; nothing more can be read in it
    from register.services.audit import verify_history

    result = verify_history()
    assert result.ok, f"The history chain no longer verifies: {[str(p) for p in result.problems[:5]]}"


class Clock:
    """The register's clock in a test: services read the time through ``register.selectors.now``."""

    def __init__(self, at):
        self.at = at

    def now(self):
        return self.at

    def set(self, at):
        self.at = at

    def advance(self, **delta):
        import datetime

        self.at += datetime.timedelta(**delta)

    @property
    def today(self):
        from django.utils import timezone

        return timezone.localtime(self.at).date()


@pytest.fixture
def clock(monkeypatch) -> Clock:
    """Monday 2 March 2026, 9 am in London, until the test moves it."""
    import datetime
    from zoneinfo import ZoneInfo

    clock = Clock(datetime.datetime(2026, 3, 2, 9, 0, tzinfo=ZoneInfo("Europe/London")))
    monkeypatch.setattr("register.selectors.clock.now", clock.now)
    return clock


@pytest.fixture
def deputy_group_leader(council):
    return council.groups[0].deputy


@pytest.fixture
def other_group_leader(council):
    return council.groups[1].leader


@pytest.fixture
def deputy_monitoring_officer(council):
    return council.deputy_monitoring_officer


@pytest.fixture
def three_groups(council):
    """The council with a third group, so that 'every other group' means more than one."""
    council.groups.append(council.group("Green Group"))
    return council


@pytest.fixture
def independent_person(council):
    return council.independent_person


# GOV.UK Notify's stand-in (issue 22; tests/notify_stand_in.py), served for the whole run.


@pytest.fixture(scope="session")
def notify_server():
    from tests.notify_stand_in import NotifyServer

    server = NotifyServer().start()
    yield server
    server.stop()


@pytest.fixture
def notify_api(notify_server, settings):
    """The Notify stand-in, emptied, with this process's settings sending e-mail through it."""
    from tests.notify_stand_in import notify_settings

    notify_server.state.reset()
    configured = notify_settings(notify_server.state.url)
    templates = {name: value for name, value in configured.items() if name.startswith("NOTIFY_TEMPLATE_")}
    settings.NOTICE_EMAIL_SERVICE = configured["NOTICE_EMAIL_SERVICE"]
    settings.NOTIFY_API_KEY = configured["NOTIFY_API_KEY"]
    settings.NOTIFY_BASE_URL = configured["NOTIFY_BASE_URL"]
    settings.NOTIFY_CALLBACK_BEARER_TOKEN = configured["NOTIFY_CALLBACK_BEARER_TOKEN"]
    settings.NOTIFY_TEMPLATES = templates
    yield notify_server.state
    notify_server.state.reset()


@pytest.fixture(scope="module")
def notify_worker(worker, notify_server):
    """The session's Celery worker restarted to send its e-mail through the Notify stand-in, for one
    module's tests; restarted as it was afterwards."""
    from tests.notify_stand_in import notify_settings

    before = dict(worker.environment)
    worker.stop()
    worker.environment.update(notify_settings(notify_server.state.url))
    worker.start()
    yield worker
    worker.stop()
    worker.environment.clear()
    worker.environment.update(before)
    worker.start()
