"""Verify the audit history's hash chain (C4), in the database or in an export, and name the first problem.

    python manage.py verify_history                       # the database
    python manage.py verify_history --head HASH           # ... and a head published earlier is still in it
    python manage.py verify_history --file history.jsonl  # an export, on its own: no database needed

Exits with status 1 when anything does not verify.
"""

import re

from django.core.management.base import BaseCommand, CommandError

from register.services import audit

HASH = re.compile(r"^[0-9a-f]{64}$")


class Command(BaseCommand):
    help = "Verify the audit history's hash chain, in the database or in an export file (C4)."

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
            "--file", metavar="EXPORT", help="Verify this JSON Lines export (export_history) instead of the database."
        )

    def handle(self, *args, head, file, **options):
        heads = [value.strip().lower() for value in head]
        for value in heads:
            if not HASH.match(value):
                raise CommandError(f"{value!r} is not a head hash: 64 hexadecimal characters.")
        if file:
            with open(file, "rb") as lines:
                result = audit.verify_export(lines, heads=heads)
            what = f"The export {file}"
        else:
            result = audit.verify_history(heads=heads)
            what = "The history"
        if result.ok:
            self.stdout.write(
                self.style.SUCCESS(
                    f"{what} verifies: {result.rows} rows, head {result.head_hash} at position {result.head_position}."
                )
            )
            if not file:
                self.stdout.write(f"Every record ({result.records}) holds what its history's latest row says.")
            for value in heads:
                self.stdout.write(f"The head {value} published earlier is in the chain.")
            return
        for problem in result.problems:
            self.stderr.write(f"- {problem}")
        if result.problem_count > len(result.problems):
            self.stderr.write(f"... and {result.problem_count - len(result.problems)} more.")
        raise CommandError(f"{what} does not verify ({result.problem_count} problem(s)). First: {result.first_problem}")
