"""Fixtures shared by every test: a small council and one person per role."""
import pytest
from django.db import connection

from tests.factories import Council


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
def _tasks_in_process_unless_a_worker_is_asked_for(request):
    """Most tests run Celery tasks in-process after commit, as `make run` does. Tests marked
    ``worker`` send them through the real Redis broker to a real worker process instead."""
    from tasks.celery import app

    previous = app.conf.task_always_eager
    app.conf.task_always_eager = request.node.get_closest_marker("worker") is None
    yield
    app.conf.task_always_eager = previous


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
    monkeypatch.setattr("register.selectors.now", clock.now)
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
