"""The register's own settings plus what only the benchmarks need: the bare baseline views
(tests/bench/urls.py) and the no-op Celery task (tests/bench/tasks.py). `make bench` runs the stack with
DJANGO_SETTINGS_MODULE=tests.bench.settings; nothing else uses this module."""

from register.settings import *  # noqa: F403 - the register's settings, unchanged

ROOT_URLCONF = "tests.bench.urls"
CELERY_IMPORTS = ["tests.bench.tasks"]
# For its management command, bench_seed (tests/bench/management/commands/).
INSTALLED_APPS = [*INSTALLED_APPS, "tests.bench"]  # noqa: F405
