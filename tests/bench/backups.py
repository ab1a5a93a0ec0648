"""Issue 21's rows of `make bench`: the README's recovery procedure, timed on the bench council.

One scenario (``backup_and_restore`` in tests/bench/scenarios.py), each step once (a backup of the whole
data set is minutes, not milliseconds; --quick changes nothing here):

1. ``scripts/backup``: pg_dump piped into age (to a key made for the run), read back whole by pg_restore,
   checksummed, against the bare ``pg_dump --format=custom --file`` of the same database.
2. ``scripts/restore``: decrypted, checked, restored into a fresh database, ``verify_history`` against a
   checkpoint signed just before the backup (and one signed after it reported as lost), against the bare
   ``createdb`` + ``pg_restore --single-transaction`` of the plain dump.

The restored databases are dropped afterwards.
"""

import os
import shutil
import subprocess
import tempfile
import time
from pathlib import Path
from urllib.parse import urlsplit

from register.models import TransparencyLog
from register.services.audit import checkpoints, tree
from tests.bench.harness import Result, not_measured
from tests.bench.history_tree import _signing_key

ROOT = Path(__file__).resolve().parents[2]
PG_BIN = Path("/usr/lib/postgresql/15/bin")
HISTORY = TransparencyLog.HISTORY


def _on(url: str, database: str, user: str | None = None) -> str:
    parts = urlsplit(url)
    netloc = parts.netloc if user is None else f"{user}@{parts.netloc.rsplit('@', 1)[-1]}"
    return parts._replace(netloc=netloc, path=f"/{database}").geturl()


def _run(command: list[str], **environment: str) -> tuple[float, subprocess.CompletedProcess]:
    started = time.perf_counter()
    done = subprocess.run(command, cwd=ROOT, env={**os.environ, **environment}, capture_output=True, text=True)
    seconds = time.perf_counter() - started
    if done.returncode != 0:
        raise RuntimeError(
            f"{' '.join(command)} failed ({done.returncode}):\n{done.stdout[-2000:]}\n{done.stderr[-2000:]}"
        )
    return seconds, done


def _drop(superuser: str, *names: str) -> None:
    for name in names:
        subprocess.run(
            [
                str(PG_BIN / "psql"),
                "--no-psqlrc",
                "-q",
                _on(superuser, "postgres"),
                "-c",
                f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)',
            ],
            capture_output=True,
        )


def backup_and_restore(bench) -> list[Result]:
    name, target = (
        "Recovery: encrypted backup, restore and verify_history",
        "backup ratio at most 1.5; restore+verify under 15 min",
    )
    owner = os.environ.get("DATABASE_OWNER_URL", "")
    if not owner or shutil.which("age") is None:
        return [not_measured(name, target, "needs the stack's DATABASE_OWNER_URL and age (make system-packages)")]
    superuser = _on(owner, "register", user="register")  # the stack's superuser: may create the restored databases
    folder = Path(tempfile.mkdtemp(prefix="register-backup-bench."))
    ours_db, bare_db = "register_bench_restored", "register_bench_bare"
    _drop(superuser, ours_db, bare_db)
    try:
        subprocess.run(["age-keygen", "-o", str(folder / "key.txt")], check=True, capture_output=True)
        public = subprocess.run(
            ["age-keygen", "-y", str(folder / "key.txt")], check=True, capture_output=True, text=True
        )
        with _signing_key():
            at_backup = checkpoints.sign_checkpoint(log=HISTORY, reason="bench: before the backup")
        (folder / "at-backup.txt").write_text(at_backup.note, encoding="utf-8")
        size = tree.leaf_count(HISTORY)

        backup_seconds, _ = _run(
            ["scripts/backup", str(folder / "register.dump.age")],
            DATABASE_URL=owner,
            BACKUP_RECIPIENT=public.stdout.strip(),
        )
        bare_dump_seconds, _ = _run(
            [
                str(PG_BIN / "pg_dump"),
                "--format=custom",
                "--no-owner",
                "--no-privileges",
                f"--file={folder / 'bare.dump'}",
                f"--dbname={owner}",
            ]
        )
        restore_seconds, restored = _run(
            ["scripts/restore", str(folder / "register.dump.age"), _on(superuser, ours_db)],
            BACKUP_IDENTITY_FILE=str(folder / "key.txt"),
            CHECKPOINTS=str(folder / "at-backup.txt"),
        )
        started = time.perf_counter()
        _run([str(PG_BIN / "createdb"), f"--maintenance-db={_on(superuser, 'postgres')}", bare_db])
        _run(
            [
                str(PG_BIN / "pg_restore"),
                "--no-owner",
                "--no-privileges",
                "--exit-on-error",
                "--single-transaction",
                f"--dbname={_on(superuser, bare_db)}",
                str(folder / "bare.dump"),
            ]
        )
        bare_restore_seconds = time.perf_counter() - started
        verified = "The restored history verifies" in restored.stdout
        encrypted_mb = (folder / "register.dump.age").stat().st_size / 1e6
        bare_mb = (folder / "bare.dump").stat().st_size / 1e6
    finally:
        _drop(superuser, ours_db, bare_db)
        shutil.rmtree(folder, ignore_errors=True)
    backup_ratio = backup_seconds / bare_dump_seconds
    return [
        Result(
            "Backup: pg_dump | age, read back whole, checksummed",
            "ratio at most 1.5",
            ours=f"{backup_seconds:.1f} s ({encrypted_mb:.1f} MB encrypted, {size:,} history entries)",
            baseline=f"{bare_dump_seconds:.1f} s bare pg_dump --format=custom ({bare_mb:.1f} MB)",
            ratio=backup_ratio,
            met=backup_ratio <= 1.5,
            figures={"backup_seconds": backup_seconds, "bare_seconds": bare_dump_seconds, "mb": encrypted_mb},
        ),
        Result(
            "Restore: decrypt, check, pg_restore, verify_history",
            "under 15 min, and verifies",
            ours=f"{restore_seconds:.1f} s" + ("" if verified else " (DID NOT VERIFY)"),
            baseline=f"{bare_restore_seconds:.1f} s bare createdb + pg_restore",
            ratio=restore_seconds / bare_restore_seconds,
            met=verified and restore_seconds < 15 * 60,
            figures={"restore_seconds": restore_seconds, "bare_seconds": bare_restore_seconds, "verified": verified},
        ),
    ]
