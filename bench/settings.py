"""The register's own settings plus what only the benchmarks need: the bare baseline views
(bench/urls.py) and the no-op Celery task (bench/tasks.py). `make bench` runs the stack with
DJANGO_SETTINGS_MODULE=bench.settings; nothing else uses this module."""
from register.settings import *  # noqa: F403 - the register's settings, unchanged

ROOT_URLCONF = "bench.urls"
CELERY_IMPORTS = ["bench.tasks"]
