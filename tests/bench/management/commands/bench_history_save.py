"""The bench's audited save (save_with_and_without_history) in-process: the ratio, each statement's p50
and the profile of the Python, on a database bench_seed has loaded.

    DJANGO_SETTINGS_MODULE=tests.bench.settings python manage.py bench_history_save [--repeat 300] [--profile]
"""

import cProfile
import io
import pstats

from django.core.management.base import BaseCommand
from django.db import transaction

from register.models import GroupMeeting, Person
from register.services.history import save_with_history
from tests.bench import harness
from tests.bench.statements import Recorder


class Command(BaseCommand):
    help = "Time the audited save against the same save without history, statement by statement."

    def add_arguments(self, parser):
        parser.add_argument("--repeat", type=int, default=300)
        parser.add_argument("--profile", action="store_true", help="Also profile 1,000 audited saves.")

    def handle(self, *args, repeat, profile, **options):
        chief = Person.objects.get(username="chief-executive")
        meeting_id = GroupMeeting.objects.order_by("pk").values_list("pk", flat=True).first()
        counter = iter(range(10**9))
        recorder = Recorder()

        def changed() -> GroupMeeting:
            meeting = GroupMeeting.objects.select_for_update().get(pk=meeting_id)
            meeting.place = f"Committee room {next(counter)}"
            return meeting

        def with_history():
            with recorder.call("ours"), transaction.atomic():
                save_with_history(changed(), actor=chief, reason="Room changed (bench)", update_fields=["place"])

        def without_history():
            with recorder.call("bare"), transaction.atomic():
                meeting = changed()
                meeting.skip_history_when_saving = True
                meeting.save(update_fields=["place"])

        # As the bench times them (nothing recorded), then again with each statement timed.
        samples = harness.interleaved({"ours": with_history, "bare": without_history}, repeat=repeat)
        recorder.calls.clear()
        with recorder.recording():
            harness.interleaved({"ours": with_history, "bare": without_history}, repeat=repeat)
        ours, bare = (harness.summary(samples[name]) for name in ("ours", "bare"))
        self.stdout.write(
            f"with history p50 {ours['p50'] * 1000:.3f} ms p95 {ours['p95'] * 1000:.3f} ms; "
            f"without p50 {bare['p50'] * 1000:.3f} ms p95 {bare['p95'] * 1000:.3f} ms; "
            f"ratio (p50) {ours['p50'] / bare['p50']:.2f}"
        )
        for name in ("ours", "bare"):
            self.stdout.write(f"{name}, p50 per call:")
            for kind, seconds in sorted(recorder.p50s(name, repeat).items(), key=lambda item: -item[1]):
                self.stdout.write(f"  {seconds * 1000:7.3f} ms  {kind}")
        if profile:
            profiler = cProfile.Profile()
            profiler.enable()
            for _ in range(1000):
                with_history()
            profiler.disable()
            out = io.StringIO()
            pstats.Stats(profiler, stream=out).sort_stats("cumulative").print_stats(45)
            self.stdout.write(out.getvalue())
        with_history()  # leave the record and its history agreeing
