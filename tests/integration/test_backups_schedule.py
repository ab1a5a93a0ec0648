"""The scheduled backup (register/backups.py, the `backup` service of docker-compose.yml; docs/backups.md):
one backup a day at BACKUP_AT (UTC), keeping the newest BACKUP_KEEP (14 unless set)."""

import datetime
import os
import subprocess
import sys
from pathlib import Path
from urllib.parse import quote

import pytest
from django.db import connection

from register import backups

ROOT = Path(__file__).resolve().parents[2]


def at(text: str) -> datetime.datetime:
    return datetime.datetime.fromisoformat(text).replace(tzinfo=datetime.UTC)


@pytest.mark.parametrize(
    "now, due",
    [
        ("2026-03-01T01:59:59", "2026-03-01T02:00:00"),  # later today
        ("2026-03-01T02:00:00", "2026-03-02T02:00:00"),  # just run: tomorrow, never twice in a minute
        ("2026-03-01T23:30:00", "2026-03-02T02:00:00"),
        ("2026-12-31T03:00:00", "2027-01-01T02:00:00"),
    ],
)
def test_the_next_scheduled_backup_is_the_next_time_of_day_in_utc_after_now(now, due):
    assert backups.next_run(at(now), "02:00") == at(due)


def test_the_next_scheduled_backup_is_counted_in_utc_whatever_the_clock_zone():
    summer = datetime.datetime(2026, 7, 1, 2, 30, tzinfo=datetime.timezone(datetime.timedelta(hours=1)))  # 01:30 UTC
    assert backups.next_run(summer, "02:00") == at("2026-07-01T02:00:00")


@pytest.mark.parametrize("keep", ["0", "-1", "two"])
def test_a_schedule_with_a_retention_count_that_is_not_a_whole_number_does_not_start(keep):
    started = subprocess.run(
        [sys.executable, "-m", "register.backups", "schedule", "--keep", keep],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert started.returncode == 2
    assert "not a number of backups to keep" in started.stderr


@pytest.mark.django_db(transaction=True)
def test_a_scheduled_run_backs_up_and_keeps_only_the_newest_n(council, tmp_path):
    identity = tmp_path / "backup-key.txt"
    subprocess.run(["age-keygen", "-o", str(identity)], check=True, capture_output=True)
    public = subprocess.run(["age-keygen", "-y", str(identity)], check=True, capture_output=True, text=True)
    directory = tmp_path / "backups"
    directory.mkdir()
    for day in (1, 2, 3):
        (directory / f"register-2026010{day}T020000Z.dump.age").write_bytes(b"age-encryption.org/v1\n")
    settings = connection.settings_dict
    source = (
        f"postgres://{quote(settings['USER'])}@{settings['HOST'] or '127.0.0.1'}:{settings['PORT']}/{settings['NAME']}"
    )

    run = subprocess.run(
        [sys.executable, "-m", "register.backups", "schedule", "--once", "--keep", "2"],
        cwd=ROOT,
        env={
            **os.environ,
            "DATABASE_URL": source,
            "BACKUP_RECIPIENT": public.stdout.strip(),
            "BACKUP_DIR": str(directory),
        },
        capture_output=True,
        text=True,
        timeout=300,
    )

    assert run.returncode == 0, run.stderr
    kept = sorted(path.name for path in directory.glob("*.dump.age"))
    assert len(kept) == 2
    assert kept[0] == "register-20260103T020000Z.dump.age"
    assert kept[1].startswith("register-2") and kept[1] > kept[0]
    # The new one is a whole backup that the private key opens.
    opened = subprocess.run(
        ["age", "--decrypt", "--identity", str(identity), str(directory / kept[1])], capture_output=True, timeout=60
    )
    assert opened.returncode == 0 and opened.stdout.startswith(b"PGDMP")


def test_compose_backs_up_daily_as_the_owner_to_a_public_key_only_keeping_14_and_is_unhealthy_when_stale():
    """The compose `backup` service: the same schedule, as the owner of the tables (pg_dump reads everything),
    with the public key only (no private key, no signing key, no SECRET_KEY), into its own volume."""
    import yaml

    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    service = compose["services"]["backup"]
    assert service["command"] == "python -m register.backups schedule --now"
    environment = service["environment"]
    assert "${DATABASE_OWNER_ROLE:-register_owner}:" in environment["DATABASE_URL"]
    assert environment["BACKUP_RECIPIENT"] == "${BACKUP_RECIPIENT:-}"
    assert environment["BACKUP_KEEP"] == "${BACKUP_KEEP:-14}"
    assert "BACKUP_IDENTITY_FILE" not in environment and "secrets" not in service and "env_file" not in service
    assert service["volumes"] == ["backups:/app/var/backups"] and "backups" in compose["volumes"]
    assert "-mmin -1560" in service["healthcheck"]["test"][1]
    assert service["restart"] == "unless-stopped"
    dockerfile = (ROOT / "Dockerfile").read_text()
    assert "postgresql-client-15 age" in dockerfile and "mkdir -p var/backups" in dockerfile
