"""Verify the audit history (C4), in the database or in an export, and name the first problem.

    python manage.py verify_history                       # the database, against its signed checkpoints
    python manage.py verify_history --checkpoint FILE     # ... and against a checkpoint kept outside it
    python manage.py verify_history --last-emailed        # ... and against the checkpoint last e-mailed
    python manage.py verify_history --head HASH           # ... and a head published earlier is still in it
    python manage.py verify_history --file history.jsonl  # an export, on its own: no database needed
    python manage.py verify_history --file history.jsonl --key keys.txt  # ... and its checkpoint's signature

Exits with status 1 when anything does not verify, or a checkpoint given is not one the register signed.
"""

import re

from django.core.management.base import BaseCommand, CommandError

from register import transparency
from register.services import audit
from register.services.audit.published import CheckpointRefused, last_emailed_checkpoint, read_checkpoint_file

HASH = re.compile(r"^[0-9a-f]{64}$")


class Command(BaseCommand):
    help = "Verify the audit history: its chain, its signed checkpoints and its records (C4); or an export file."

    def add_arguments(self, parser):
        parser.add_argument(
            "--head",
            action="append",
            default=[],
            metavar="HASH",
            help="A head hash published earlier (the daily notice to the Monitoring Officer and auditors). "
            "Fails if it is no longer in the chain, which is how a rewrite of the whole chain shows. Repeatable.",
        )
        parser.add_argument(
            "--checkpoint",
            action="append",
            default=[],
            metavar="FILE",
            help="A signed checkpoint of the history kept outside the register (as published or e-mailed). "
            "Proves that today's history extends it unchanged, or says where it was rewritten. Repeatable.",
        )
        parser.add_argument(
            "--last-emailed",
            action="store_true",
            help="Check against the checkpoint in the last history checkpoint notice e-mailed (or, when none "
            "has been sent, the latest checkpoint the register signed).",
        )
        parser.add_argument(
            "--file", metavar="EXPORT", help="Verify this JSON Lines export (export_history) instead of the database."
        )
        parser.add_argument(
            "--key",
            metavar="KEY",
            help="With --file: the register's public key (name+id+key, as published), or a file of them "
            "(keys.txt from the public register), to check the signature of the export's checkpoint.",
        )

    def handle(self, *args, head, checkpoint, last_emailed, file, key=None, **options):
        heads = [value.strip().lower() for value in head]
        for value in heads:
            if not HASH.match(value):
                raise CommandError(f"{value!r} is not a head hash: 64 hexadecimal characters.")
        if file and (checkpoint or last_emailed):
            raise CommandError("--checkpoint and --last-emailed check the database: not with --file.")
        if key and not file:
            raise CommandError("--key checks an export's checkpoint: give the export with --file.")
        if file:
            try:
                keys = transparency._read_key(key) if key else None
            except (transparency.ProofError, OSError) as error:
                raise CommandError(f"The key: {error}") from error
            with open(file, "rb") as lines:
                result = audit.verify_export(lines, heads=heads, keys=keys)
            what = f"The export {file}"
        else:
            try:
                given = [read_checkpoint_file(path) for path in checkpoint]
                if last_emailed:
                    given.append(last_emailed_checkpoint())
            except CheckpointRefused as refused:
                raise CommandError(str(refused)) from refused
            result = audit.verify_history(heads=heads, checkpoints=given)
            what = "The history"
        if result.ok:
            self.stdout.write(
                self.style.SUCCESS(
                    f"{what} verifies: {result.rows} rows, head {result.head_hash} at position {result.head_position}."
                )
            )
            for value in heads:
                self.stdout.write(f"The head {value} published earlier is in the chain.")
            for note in result.notes:
                self.stdout.write(note)
            if not file:
                self.stdout.write(f"Every record ({result.records}) holds what its history's latest row says.")
            if file:
                self.stdout.write(result.checkpoint_note)
            return
        for problem in result.problems:
            self.stderr.write(f"- {problem}")
        if result.problem_count > len(result.problems):
            self.stderr.write(f"... and {result.problem_count - len(result.problems)} more.")
        raise CommandError(f"{what} does not verify ({result.problem_count} problem(s)). First: {result.first_problem}")
