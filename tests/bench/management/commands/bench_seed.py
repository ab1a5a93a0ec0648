"""Load the generated council `make bench` measures (see tests/bench/seed.py). Adds only what is missing."""

from django.core.management.base import BaseCommand

from tests.bench.seed import seed


class Command(BaseCommand):
    help = "Load a generated council for the benchmarks: requests, declarations and history rows."

    def add_arguments(self, parser):
        parser.add_argument("--requests", type=int, default=10_000)
        parser.add_argument("--declarations", type=int, default=5_000)
        parser.add_argument(
            "--history-rows",
            type=int,
            default=1_000_000,
            help="The history chain's length to reach, counting the rows the records above wrote.",
        )

        parser.add_argument(
            "--published",
            type=int,
            default=400,
            help="Briefings on the published register of officer attendance (held, attended, some corrected).",
        )

    def handle(self, *args, requests, declarations, history_rows, published, **options):
        seed(
            requests=requests,
            declarations=declarations,
            history_rows=history_rows,
            published=published,
            say=lambda line: self.stdout.write(line),
        )
