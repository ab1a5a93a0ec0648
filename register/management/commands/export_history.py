"""Export the audit history, whole or in part, as JSON Lines with its chain hashes (C2, C4).

    python manage.py export_history --output history.jsonl
    python manage.py export_history --model register.Person --since 2026-01-01 --until 2026-03-31

Each line is one history row with the hashes that chain it; the last line says what was exported
and the chain's head. ``verify_history --file`` checks an export without the database.
"""

import datetime

from django.core.management.base import BaseCommand, CommandError

from register.services import audit


def _date(value: str) -> datetime.date:
    try:
        return datetime.date.fromisoformat(value)
    except ValueError as error:
        raise CommandError(f"{value!r} is not a date (YYYY-MM-DD).") from error


class Command(BaseCommand):
    help = "Export the audit history as JSON Lines with its chain hashes; whole, or by model and dates."

    def add_arguments(self, parser):
        parser.add_argument(
            "--model",
            action="append",
            default=[],
            metavar="LABEL",
            help="Only this model's history, e.g. register.Person. Repeatable.",
        )
        parser.add_argument("--since", type=_date, help="Only history from this day (YYYY-MM-DD, council time).")
        parser.add_argument("--until", type=_date, help="Only history up to this day, inclusive.")
        parser.add_argument("--output", "-o", metavar="FILE", help="Write here instead of to standard output.")

    def handle(self, *args, model, since, until, output, **options):
        tables = set()
        for label in model:
            try:
                tables.add(audit.history_model_for(label)._meta.db_table)
            except (LookupError, ValueError) as error:
                raise CommandError(f"{label}: no such model with history ({error}).") from error
        selection = audit.ExportFilter(tables=frozenset(tables), since=since, until=until)
        if output:
            with open(output, "w", encoding="ascii", newline="\n") as out:
                summary = audit.export_history(out, selection=selection)
        else:
            summary = audit.export_history(self.stdout, selection=selection)
        self.stderr.write(
            f"Exported {summary['rows']} history rows; the chain's head is {summary['chain_head']['hash']} "
            f"at position {summary['chain_head']['position']}."
        )
