"""After a restore: what the restored history covers, measured against checkpoints published outside it.

    python manage.py restore_checkpoints --from history.txt --from saved/ --newest-to FILE

Run by scripts/restore on the restored database (docs/backups.md). Opens every signed checkpoint of the
history found in the sources (files, folders of *.txt, or the live register's
/register/checkpoints/history.txt), with the register's published keys; writes the newest one that the
restored history is long enough to hold (no newer than the backup) to FILE, for
``verify_history --checkpoint FILE``; and lists the later ones: what the restore lost, in entries.
Exits 2 when a source cannot be read; a checkpoint that is refused (not signed by the register) is
named and not used.
"""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db.models import Max
from django.utils import timezone

from register import backups
from register.models import Checkpoint, HistoryLink, TransparencyLog
from register.services.audit import tree
from register.services.audit.published import CheckpointRefused, open_checkpoint


def _when(moment) -> str:
    return timezone.localtime(moment).strftime("%-d %B %Y at %H:%M") if moment else "an unknown time"


class Command(BaseCommand):
    help = "Report a restored history against checkpoints published outside it, and pick the one to verify against."

    def add_arguments(self, parser):
        parser.add_argument(
            "--from",
            dest="sources",
            action="append",
            default=[],
            metavar="SOURCE",
            help="A file or folder of saved checkpoints, or the live register's /register/checkpoints/history.txt. "
            "Repeatable.",
        )
        parser.add_argument(
            "--newest-to",
            metavar="FILE",
            help="Write there the newest checkpoint no newer than the backup (nothing when there is none).",
        )

    def handle(self, *args, sources, newest_to=None, **options):
        history = TransparencyLog.HISTORY
        size = tree.leaf_count(history)
        head = HistoryLink.objects.aggregate(position=Max("position"), at=Max("history_date"))
        stored = (
            Checkpoint.objects.filter(log=history)
            .order_by("-tree_size", "-signed_at")
            .values_list("tree_size", "signed_at")
            .first()
        )
        self.stdout.write(
            f"The restored history holds {size:,} entries of the history's tree (up to position {head['position'] or 0}, "
            f"its last change on {_when(head['at'])})."
        )
        if stored:
            self.stdout.write(
                f"The newest checkpoint it holds itself: {stored[0]:,} entries, signed on {_when(stored[1])}."
            )

        try:
            found = backups.read_sources(sources)
        except OSError as error:
            raise CommandError(f"A checkpoint source: {error}") from error
        if sources and not found:
            raise CommandError(f"No signed checkpoint was found in {', '.join(sources)}.")

        opened = {}
        for item in found:
            try:
                checkpoint = open_checkpoint(item.note, f"the checkpoint in {item.source}")
            except CheckpointRefused as refused:
                self.stderr.write(f"Not used: {refused}")
                continue
            opened.setdefault((checkpoint.size, checkpoint.root), (checkpoint, item))
        covered = sorted((pair for pair in opened.values() if pair[0].size <= size), key=lambda pair: pair[0].size)
        later = sorted((pair for pair in opened.values() if pair[0].size > size), key=lambda pair: pair[0].size)

        if covered:
            checkpoint, item = covered[-1]
            self.stdout.write(
                f"Checked against the newest checkpoint no newer than the backup: {checkpoint.size:,} entries, "
                f"from {item.source} ({item.when})."
            )
            if newest_to:
                Path(newest_to).write_text(item.note, encoding="utf-8")
        elif sources:
            self.stdout.write(
                "No checkpoint given is as old as the backup: the history is checked against the checkpoints it "
                "holds itself only (whoever could change the backup could remove those; docs/backups.md)."
            )
        if later:
            self.stdout.write(f"Later checkpoints, beyond the restored history (what this restore lost): {len(later)}")
            for checkpoint, item in later:
                self.stdout.write(
                    f"- {checkpoint.size:,} entries: {checkpoint.size - size:,} more than restored, "
                    f"from {item.source} ({item.when})."
                )
        elif sources:
            self.stdout.write("No later checkpoint was given: nothing signed after the backup is known to be lost.")
