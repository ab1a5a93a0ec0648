"""`manage.py healthcheck`: the /healthz answer for processes that serve no HTTP (the worker, beat).

Exits 0 when the database and the broker answer, 1 naming what does not; the containers of the
worker and beat use it as their health check.
"""

import json

from django.core.management.base import BaseCommand, CommandError

from register.health import health


class Command(BaseCommand):
    help = "Check that the database and the broker answer (exit status 1 when one does not)."

    def handle(self, *args, **options):
        healthy, report = health()
        if not healthy:
            raise CommandError(f"Unavailable: {', '.join(report['unavailable'])}. {json.dumps(report)}")
        self.stdout.write(json.dumps(report))
