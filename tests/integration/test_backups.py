"""`make backup` and `make restore` (scripts/backup, scripts/restore; issue 21, item 6; docs/backups.md).

A backup is encrypted to the council's age public key, checked, and restored into a fresh database with the
private key; the restored history is verified against the newest checkpoint published outside the register
that is no newer than the backup, and the later ones are reported as what the restore lost. A missing or
wrong key is refused with nothing written or restored; a history that does not verify is reported, and the
restored database left for inspection. Runs the scripts as an operator would, against the tests' PostgreSQL.
"""

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

from register.models import Checkpoint, HistoryLink, Organization, TransparencyLog
from register.services import people
from register.services.audit import checkpoints, hashing
from register.services.history import save_with_history
from tests.tampering import tamper

ROOT = Path(__file__).resolve().parents[2]
HISTORY = TransparencyLog.HISTORY
ORGANIZATION_HISTORY = Organization.history.model._meta.db_table

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


def database_exists(name: str) -> bool:
    with psycopg.connect(database_url("postgres")) as database:
        return database.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone() is not None


def run(*command: str, **environment: str) -> subprocess.CompletedProcess:
    inherited = {
        name: value
        for name, value in os.environ.items()
        if name not in ("BACKUP_RECIPIENT", "BACKUP_RECIPIENTS_FILE", "BACKUP_IDENTITY_FILE", "CHECKPOINTS")
    }
    return subprocess.run(
        command, cwd=ROOT, env={**inherited, **environment}, capture_output=True, text=True, timeout=300
    )


@pytest.fixture
def keys(tmp_path) -> tuple[str, Path]:
    """A council's backup key pair, made by age-keygen: the public key (for the backup host) and the private key's file."""
    identity = tmp_path / "backup-key.txt"
    subprocess.run(["age-keygen", "-o", str(identity)], check=True, capture_output=True)
    public = subprocess.run(["age-keygen", "-y", str(identity)], check=True, capture_output=True, text=True)
    return public.stdout.strip(), identity


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


def rename(council, times: int, group: int = 0) -> None:
    organization = council.groups[group].organization
    for number in range(times):
        organization.name = f"Group {group} renamed {number}"
        save_with_history(organization, actor=council.chief_executive, reason="Renamed", update_fields=["name"])


def saved_checkpoint(path: Path) -> Checkpoint:
    """A checkpoint of the history signed now, and saved outside the register as a reader of the e-mail would."""
    checkpoint = checkpoints.sign_checkpoint(log=HISTORY, reason="hourly")
    path.write_text(checkpoint.note, encoding="utf-8")
    return checkpoint


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


def back_up(path: Path, public: str, **environment) -> subprocess.CompletedProcess:
    source = database_url(connection.settings_dict["NAME"])
    return run("scripts/backup", str(path), DATABASE_URL=source, BACKUP_RECIPIENT=public, **environment)


# --- An encrypted backup restores and verifies ------------------------------------------------------------


def test_an_encrypted_backup_restores_into_a_fresh_database_with_every_record_and_its_history_verified_C1_C4(
    council_with_history, tmp_path, fresh_database_name, keys
):
    public, identity = keys
    earlier = saved_checkpoint(tmp_path / "earlier.txt")
    rename(council_with_history, 2)
    at_backup = saved_checkpoint(tmp_path / "at-backup.txt")
    backup = tmp_path / "register.dump.age"

    made = back_up(backup, public)

    assert made.returncode == 0, made.stderr
    assert made.stdout.strip() == str(backup)
    # Encrypted: age's header, and nothing of the dump in the clear (pg_dump's custom format starts "PGDMP").
    content = backup.read_bytes()
    assert content.startswith(b"age-encryption.org/v1\n")
    assert b"PGDMP" not in content and b"register_person" not in content
    assert not list(tmp_path.glob("*.partial"))
    digest, name = (tmp_path / "register.dump.age.sha256").read_text().split()
    assert name == backup.name and len(digest) == 64

    source = database_url(connection.settings_dict["NAME"])
    before = fingerprints(source)
    rename(council_with_history, 3)  # after the backup: signed, then lost by the restore
    later = saved_checkpoint(tmp_path / "later.txt")

    restored = database_url(fresh_database_name)
    restore = run(
        "scripts/restore",
        str(backup),
        restored,
        BACKUP_IDENTITY_FILE=str(identity),
        CHECKPOINTS=f"{tmp_path / 'earlier.txt'} {tmp_path / 'at-backup.txt'} {tmp_path / 'later.txt'}",
    )

    assert restore.returncode == 0, restore.stdout + restore.stderr
    assert fingerprints(restored) == before
    # Not vacuous: the records and their history rows are there to compare.
    for table in ("register_person", "register_historicalperson", "register_absence", "register_historylink"):
        assert before[table][0] > 0, table
    assert before["register_historicalmembership"][0] > before["register_membership"][0]
    # Checked against the newest checkpoint no newer than the backup, not the earlier one or the later one.
    assert f"no newer than the backup: {at_backup.tree_size:,} entries, from {tmp_path / 'at-backup.txt'}" in (
        restore.stdout
    )
    assert "The history verifies" in restore.stdout
    assert "The restored history verifies" in restore.stdout
    # What the restore lost: the later checkpoint, by its size beyond the restored history.
    lost = later.tree_size - at_backup.tree_size
    assert lost > 0 and earlier.tree_size < at_backup.tree_size
    assert "what this restore lost): 1" in restore.stdout
    assert (
        f"- {later.tree_size:,} entries: {lost:,} more than restored, from {tmp_path / 'later.txt'}" in restore.stdout
    )

    # The restored copy is a working register: its migrations are all applied.
    check = run(sys.executable, "manage.py", "migrate", "--check", DATABASE_URL=restored)
    assert check.returncode == 0, check.stdout + check.stderr


def test_a_restore_into_a_database_that_holds_tables_is_refused_and_changes_nothing(council, tmp_path, keys):
    public, identity = keys
    assert back_up(tmp_path / "register.dump.age", public).returncode == 0
    source = database_url(connection.settings_dict["NAME"])
    before = fingerprints(source)

    restore = run("scripts/restore", str(tmp_path / "register.dump.age"), source, BACKUP_IDENTITY_FILE=str(identity))

    assert restore.returncode == 1
    assert "already holds" in restore.stderr
    assert fingerprints(source) == before


# --- A missing or wrong key -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "environment, refusal",
    [
        ({}, "no key to encrypt to"),
        ({"BACKUP_RECIPIENT": "age1notakey"}, "the key is malformed"),
        ({"BACKUP_RECIPIENT": "not-an-age-key"}, "is not an age public key"),
        ({"BACKUP_RECIPIENT": "AGE-SECRET-KEY-1QQQQ"}, "holds a private key"),
        ({"BACKUP_RECIPIENTS_FILE": "/nonexistent/recipients.txt"}, "cannot read"),
    ],
    ids=["missing", "malformed", "not-age", "private-key", "unreadable-file"],
)
def test_a_backup_without_a_well_formed_public_key_is_refused_and_writes_nothing(
    council, tmp_path, environment, refusal
):
    directory = tmp_path / "backups"
    source = database_url(connection.settings_dict["NAME"])

    made = run("scripts/backup", str(directory / "register.dump.age"), DATABASE_URL=source, **environment)

    assert made.returncode == 2
    assert refusal in made.stderr and "nothing written" in made.stderr
    assert not directory.exists() or not list(directory.iterdir())


def test_a_restore_with_the_wrong_or_no_private_key_is_refused_and_restores_nothing(
    council, tmp_path, fresh_database_name, keys
):
    public, _ = keys
    backup = tmp_path / "register.dump.age"
    assert back_up(backup, public).returncode == 0
    kept = backup.read_bytes()
    other = tmp_path / "other-key.txt"
    subprocess.run(["age-keygen", "-o", str(other)], check=True, capture_output=True)
    restored = database_url(fresh_database_name)

    wrong = run("scripts/restore", str(backup), restored, BACKUP_IDENTITY_FILE=str(other))
    missing = run("scripts/restore", str(backup), restored)
    not_a_key = run("scripts/restore", str(backup), restored, BACKUP_IDENTITY_FILE=str(backup.with_suffix(".sha256")))

    assert wrong.returncode == 2
    assert f"the key in {other} does not open {backup}: it was encrypted to another key; nothing restored" in (
        wrong.stderr
    )
    assert missing.returncode == 2 and "BACKUP_IDENTITY_FILE" in missing.stderr
    assert not_a_key.returncode == 2 and "nothing restored" in not_a_key.stderr
    # Nothing lost, nothing made: the backup is as it was, and no database was created.
    assert backup.read_bytes() == kept
    assert not database_exists(fresh_database_name)


def test_a_backup_damaged_after_it_was_written_is_refused_before_anything_is_restored(
    council, tmp_path, fresh_database_name, keys
):
    public, identity = keys
    backup = tmp_path / "register.dump.age"
    assert back_up(backup, public).returncode == 0
    damaged = bytearray(backup.read_bytes())
    damaged[-100] ^= 0x01
    backup.write_bytes(bytes(damaged))

    restore = run("scripts/restore", str(backup), database_url(fresh_database_name), BACKUP_IDENTITY_FILE=str(identity))

    assert restore.returncode == 2
    assert "does not match its checksum" in restore.stderr
    assert not database_exists(fresh_database_name)


# --- A history that does not verify -------------------------------------------------------------------------


@pytest.mark.history_tampered
def test_a_backup_whose_history_was_rewritten_is_restored_but_reported_as_not_verifying_C4(
    council, tmp_path, fresh_database_name, keys
):
    public, identity = keys
    rename(council, 4)
    checkpoint = saved_checkpoint(tmp_path / "checkpoint.txt")
    # A row the checkpoint covers, edited behind the register's back before the backup was taken.
    start = hashing.tree_start()[0]
    link = (
        HistoryLink.objects.filter(
            table=ORGANIZATION_HISTORY, position__gt=start, position__lte=start + checkpoint.tree_size - 1
        )
        .order_by("-position")
        .first()
    )
    tamper(f"UPDATE {ORGANIZATION_HISTORY} SET name = %s WHERE history_id = %s", ["Forged name", link.row_id])
    backup = tmp_path / "register.dump.age"
    assert back_up(backup, public).returncode == 0

    restore = run(
        "scripts/restore",
        str(backup),
        database_url(fresh_database_name),
        BACKUP_IDENTITY_FILE=str(identity),
        CHECKPOINTS=str(tmp_path / "checkpoint.txt"),
    )

    assert restore.returncode == 3, restore.stdout + restore.stderr
    assert "does not verify" in restore.stderr
    assert f"position {link.position}" in restore.stderr
    assert (
        f"THE RESTORED HISTORY DOES NOT VERIFY (above). The database {fresh_database_name} is left for inspection"
        in (restore.stderr)
    )
    assert "do not point DATABASE_URL at it" in restore.stderr
    assert database_exists(fresh_database_name)


# --- Retention --------------------------------------------------------------------------------------------


def test_the_scheduled_backups_keep_the_newest_n_and_remove_the_older_ones(council, tmp_path, keys):
    public, _ = keys
    directory = tmp_path / "backups"
    directory.mkdir()
    # Three earlier backups (names carry their UTC time) and a file that is not a backup.
    older = [f"register-2026010{day}T020000Z.dump.age" for day in (1, 2, 3)]
    for name in older:
        (directory / name).write_bytes(b"age-encryption.org/v1\n")
        (directory / f"{name}.sha256").write_text("0" * 64)
    (directory / "notes.txt").write_text("kept")
    source = database_url(connection.settings_dict["NAME"])

    made = run(
        "scripts/backup", DATABASE_URL=source, BACKUP_RECIPIENT=public, BACKUP_DIR=str(directory), BACKUP_KEEP="2"
    )

    assert made.returncode == 0, made.stderr
    newest = Path(made.stdout.strip())
    assert newest.parent == directory and newest.name.startswith("register-2")
    assert sorted(path.name for path in directory.iterdir()) == sorted(
        [older[2], f"{older[2]}.sha256", newest.name, f"{newest.name}.sha256", "notes.txt"]
    )
    assert f"removed {directory / older[0]} (keeping the newest 2)" in made.stderr


def test_a_retention_count_that_is_not_a_whole_number_is_refused_and_removes_nothing(council, tmp_path, keys):
    public, _ = keys
    directory = tmp_path / "backups"
    source = database_url(connection.settings_dict["NAME"])
    for _ in range(2):
        assert (
            run("scripts/backup", DATABASE_URL=source, BACKUP_RECIPIENT=public, BACKUP_DIR=str(directory)).returncode
            == 0
        )
        # two backups in the same second would share a name
        subprocess.run(["sleep", "1.1"], check=True)

    made = run(
        "scripts/backup", DATABASE_URL=source, BACKUP_RECIPIENT=public, BACKUP_DIR=str(directory), BACKUP_KEEP="0"
    )

    assert (
        made.returncode == 2
        and "BACKUP_KEEP must be a whole number from 1 (the backups to keep); nothing written" in (made.stderr)
    )
    assert len(list(directory.glob("*.dump.age"))) == 2
