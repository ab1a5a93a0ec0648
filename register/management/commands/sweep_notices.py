"""Re-queue notices still pending or sending, as Celery beat does every minute.

For installations without beat, and for the embedded default (`make run`), where a notice whose
attempt failed stays pending until something sweeps it: run it from cron, or by hand.
"""

import datetime

from django.core.management.base import BaseCommand

from register.services.delivery import sweep_outbox


class Command(BaseCommand):
    help = "Re-queue notices left pending or sending for longer than NOTICE_SWEEP_AFTER_SECONDS."

    def add_arguments(self, parser):
        parser.add_argument(
            "--stale-after",
            type=int,
            default=None,
            metavar="SECONDS",
            help="Re-queue notices due more than this many seconds ago (default NOTICE_SWEEP_AFTER_SECONDS).",
        )

    def handle(self, *args, stale_after=None, **options):
        after = None if stale_after is None else datetime.timedelta(seconds=stale_after)
        ids = sweep_outbox(stale_after=after)
        self.stdout.write(f"Re-queued {len(ids)} notice(s).")
