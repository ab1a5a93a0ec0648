"""Backups a council can rely on (issue 21, item 6): the schedule, and the checkpoints a restore is checked against.

`scripts/backup` encrypts and checks one backup, and keeps the newest BACKUP_KEEP; `scripts/restore` decrypts,
restores and verifies (docs/backups.md). This module holds what those scripts need from Python:

- ``python -m register.backups schedule``: the scheduled backup (the ``backup`` service of docker-compose.yml),
  a loop that runs ``scripts/backup`` every day at BACKUP_AT (UTC, 02:00 by default) with BACKUP_KEEP (14 by
  default). It needs no Django: only the database URL, the public key, pg_dump and age. ``--once`` runs one
  backup and stops, for cron or a systemd timer instead.
- ``signed_notes`` and ``read_sources``: the checkpoints published outside the register (the public
  ``/register/checkpoints/history.txt``, saved copies, the daily e-mails), read from files, folders or
  addresses, for ``manage.py restore_checkpoints``.
"""

import argparse
import datetime
import email.utils
import os
import re
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_KEEP = 14
DEFAULT_AT = "02:00"

# A C2SP signed note of a checkpoint: origin, tree size, base64 root, any extension lines, a blank line, then
# one or more signature lines ("— name signature"). Found anywhere in a text: a page saved from a browser, an
# e-mail with its marker lines, several notes one after another.
NOTE = re.compile(r"^[^\n]+\n\d+\n[A-Za-z0-9+/]{43}=\n(?:[^\n]+\n)*?\n(?:\u2014 [^\n]+\n)+", re.M)


def signed_notes(text: str) -> list[str]:
    """Every signed note of a checkpoint in ``text``, in order, exactly as signed."""
    text = text.replace("\r\n", "\n")
    if not text.endswith("\n"):
        text += "\n"
    return NOTE.findall(text)


@dataclass(frozen=True)
class Found:
    note: str
    source: str  # in words: "history.txt", "https://register.example/register/checkpoints/history.txt"
    when: str  # what is known of its time: "file dated 3 March 2026 10:00 UTC", "fetched ..."


def _utc(moment: datetime.datetime) -> str:
    return moment.astimezone(datetime.UTC).strftime("%-d %B %Y %H:%M UTC")


def read_sources(sources: list[str], *, timeout: float = 30) -> list[Found]:
    """The signed notes in each source: a file, a folder (its *.txt files), or an http(s) address.

    OSError (with the source named) when one cannot be read: a restore checked against less than the
    operator gave would say less than they think."""
    found = []
    for source in sources:
        if source.startswith(("http://", "https://")):
            try:
                with urllib.request.urlopen(source, timeout=timeout) as answer:  # noqa: S310 (http(s) only, above)
                    text = answer.read().decode("utf-8")
                    date = answer.headers.get("Date")
            except (OSError, UnicodeDecodeError) as error:
                raise OSError(f"{source} cannot be read: {error}") from error
            when = f"fetched {_utc(email.utils.parsedate_to_datetime(date))}" if date else "fetched now"
            found += [Found(note, source, when) for note in signed_notes(text)]
            continue
        path = Path(source)
        files = sorted(path.glob("*.txt")) if path.is_dir() else [path]
        for file in files:
            try:
                text = file.read_text(encoding="utf-8")
            except (OSError, UnicodeDecodeError) as error:
                raise OSError(f"{file} cannot be read: {error}") from error
            dated = datetime.datetime.fromtimestamp(file.stat().st_mtime, datetime.UTC)
            found += [Found(note, str(file), f"file dated {_utc(dated)}") for note in signed_notes(text)]
    return found


# --- The scheduled backup -----------------------------------------------------------------------------


def next_run(now: datetime.datetime, at: str) -> datetime.datetime:
    """The next moment after ``now`` (aware) that is ``at`` ("HH:MM", UTC) on some day."""
    hour, minute = (int(part) for part in at.split(":"))
    today = now.astimezone(datetime.UTC).replace(hour=hour, minute=minute, second=0, microsecond=0)
    return today if today > now else today + datetime.timedelta(days=1)


def _checked_at(value: str) -> str:
    if not re.fullmatch(r"([01]\d|2[0-3]):[0-5]\d", value):
        raise argparse.ArgumentTypeError(f"{value!r} is not a time of day HH:MM (UTC)")
    return value


def _checked_keep(value: str) -> int:
    if not value.isdigit() or int(value) < 1:
        raise argparse.ArgumentTypeError(f"{value!r} is not a number of backups to keep (a whole number from 1)")
    return int(value)


def backup_once(keep: int) -> int:
    """One run of scripts/backup keeping the newest ``keep``; its exit status (its own lines say why)."""
    return subprocess.run(
        [str(ROOT / "scripts" / "backup")], cwd=ROOT, env={**os.environ, "BACKUP_KEEP": str(keep)}
    ).returncode


def schedule(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m register.backups schedule", description=__doc__)
    parser.add_argument("--at", type=_checked_at, default=os.environ.get("BACKUP_AT", DEFAULT_AT))
    parser.add_argument("--keep", type=_checked_keep, default=os.environ.get("BACKUP_KEEP", str(DEFAULT_KEEP)))
    parser.add_argument("--now", action="store_true", help="also back up once at start")
    parser.add_argument("--once", action="store_true", help="back up once now and stop (for cron or a systemd timer)")
    options = parser.parse_args(argv)
    if options.once:
        return backup_once(options.keep)
    if options.now:
        backup_once(options.keep)
    while True:
        due = next_run(datetime.datetime.now(datetime.UTC), options.at)
        print(f"backup: next backup at {_utc(due)}, keeping the newest {options.keep}", flush=True)
        while (wait := (due - datetime.datetime.now(datetime.UTC)).total_seconds()) > 0:
            time.sleep(min(wait, 60))
        status = backup_once(options.keep)
        if status:
            # Said on standard error, where the container's logs (and whoever watches them) see it; tried
            # again at the next time rather than in a tight loop.
            print(f"backup: the scheduled backup FAILED (exit status {status}); see the lines above", file=sys.stderr)


if __name__ == "__main__":
    if sys.argv[1:2] != ["schedule"]:
        sys.exit("usage: python -m register.backups schedule [--at HH:MM] [--keep N] [--now | --once]")
    sys.exit(schedule(sys.argv[2:]))
