"""`make backup` and `make restore` (scripts/backup, scripts/restore): a backup restored into a fresh
database holds every record and every history row, unchanged (C1, C3), and a restore never
overwrites a database in use."""

import datetime
import os
import subprocess
import sys
from pathlib import Path
from urllib.parse import quote

import psycopg
import pytest
from django.apps import apps
from django.db import connection

from register.services import people

ROOT = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.django_db(transaction=True)


def database_url(name: str) -> str:
    """A postgres:// URL for database ``name`` on the server the tests use."""
    settings = connection.settings_dict
    credentials = quote(settings["USER"])
    if settings.get("PASSWORD"):
        credentials += ":" + quote(settings["PASSWORD"])
    return f"postgres://{credentials}@{settings['HOST'] or '127.0.0.1'}:{settings['PORT'] or 5432}/{name}"


def register_tables() -> list[str]:
    """Every table of the register: its records and their history (simple-history's Historical* models)."""
    return sorted(model._meta.db_table for model in apps.get_app_config("register").get_models())


def fingerprints(url: str) -> dict[str, tuple[int, str]]:
    """Per table: its number of rows and a digest of all of them, in a fixed order."""
    found = {}
    with psycopg.connect(url) as database:
        for table in register_tables():
            count, digest = database.execute(
                f"SELECT count(*), md5(coalesce(string_agg(t::text, E'\\n' ORDER BY t::text), '')) FROM \"{table}\" t"
            ).fetchone()
            found[table] = (count, digest)
    return found


def run(*command: str, **environment: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        command, cwd=ROOT, env={**os.environ, **environment}, capture_output=True, text=True, timeout=300
    )


@pytest.fixture
def fresh_database_name():
    """The name of a database that does not exist yet; dropped again after the test."""
    name = f"{connection.settings_dict['NAME']}_restored"
    maintenance = database_url("postgres")
    with psycopg.connect(maintenance, autocommit=True) as database:
        database.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    yield name
    with psycopg.connect(maintenance, autocommit=True) as database:
        database.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
def council_with_history(council):
    """A council, changed after it was set up, so that records have more than one history row."""
    people.absence_record(
        actor=council.chief_executive,
        reason="Annual leave",
        start_date=datetime.date(2030, 1, 7),
        end_date=datetime.date(2030, 1, 9),
    )
    holding = council.directorates[0].officers[0].memberships.first()
    people.membership_end(
        actor=council.system, reason="Left the council", membership=holding, end_date=datetime.date(2030, 6, 30)
    )
    return council


def test_a_backup_restored_into_a_fresh_database_keeps_every_record_and_its_history_C1(
    council_with_history, tmp_path, fresh_database_name
):
    source = database_url(connection.settings_dict["NAME"])
    backup = run("scripts/backup", str(tmp_path / "register.dump"), DATABASE_URL=source)
    assert backup.returncode == 0, backup.stderr
    assert backup.stdout.strip() == str(tmp_path / "register.dump")

    restored = database_url(fresh_database_name)
    restore = run("scripts/restore", str(tmp_path / "register.dump"), restored)
    assert restore.returncode == 0, restore.stderr

    before, after = fingerprints(source), fingerprints(restored)
    assert after == before
    # Not vacuous: the records and their history rows are there to compare.
    for table in (
        "register_person",
        "register_historicalperson",
        "register_membership",
        "register_historicalmembership",
        "register_absence",
        "register_notification",
        "register_historicalnotification",
    ):
        assert before[table][0] > 0, table
    assert before["register_historicalmembership"][0] > before["register_membership"][0]

    # The restored copy is a working register: its migrations are all applied.
    check = run(sys.executable, "manage.py", "migrate", "--check", DATABASE_URL=restored)
    assert check.returncode == 0, check.stdout + check.stderr

    # And its history's hash chain verifies, link by link, as it did in the original (C4).
    verified = run(sys.executable, "manage.py", "verify_history", DATABASE_URL=restored)
    assert verified.returncode == 0, verified.stdout + verified.stderr
    assert before["register_historylink"][0] > 0


def test_a_restore_into_a_database_that_holds_tables_is_refused_and_changes_nothing(council, tmp_path):
    source = database_url(connection.settings_dict["NAME"])
    assert run("scripts/backup", str(tmp_path / "register.dump"), DATABASE_URL=source).returncode == 0
    before = fingerprints(source)

    restore = run("scripts/restore", str(tmp_path / "register.dump"), source)

    assert restore.returncode == 1
    assert "already holds" in restore.stderr
    assert fingerprints(source) == before
