"""The register's own settings plus what only the benchmarks need: the bare baseline views
(tests/bench/urls.py) and the no-op Celery task (tests/bench/tasks.py). `make bench` runs the stack with
DJANGO_SETTINGS_MODULE=tests.bench.settings; nothing else uses this module."""

from register.settings import *  # noqa: F403 - the register's settings, unchanged

ROOT_URLCONF = "tests.bench.urls"
CELERY_IMPORTS = ["tests.bench.tasks"]
# For its management command, bench_seed (tests/bench/management/commands/).
INSTALLED_APPS = [*INSTALLED_APPS, "tests.bench"]  # noqa: F405
# The history_tree scenario extends the tree and signs checkpoints itself and times them: one signed by
# beat in the middle of the run would do part of that work at a moment of its own (and on the figures of
# whichever scenario was running then). Beat keeps every other task of production's schedule.
CELERY_BEAT_SCHEDULE = {name: entry for name, entry in CELERY_BEAT_SCHEDULE.items() if name != "sign-checkpoints"}  # noqa: F405
