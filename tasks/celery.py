"""The Celery application, configured from Django's settings (keys prefixed CELERY_)."""

import logging.config
import os

from celery import Celery
from celery.signals import setup_logging, task_prerun

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "register.settings")

app = Celery("register")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks(["tasks"], related_name="jobs")


@setup_logging.connect
def use_the_registers_logging(**kwargs):
    """The worker and beat log like the web processes (JSON in production), not in Celery's own format.

    Celery leaves logging alone when this signal has a receiver, so LOG_LEVEL and LOG_FORMAT
    decide for every process; `--loglevel` on the command line does not.
    """
    from django.conf import settings

    logging.config.dictConfig(settings.LOGGING)


@task_prerun.connect
def look_the_system_user_up_again(**kwargs):
    """Each task looks the system user up once and keeps it for its length (register/services/system.py)."""
    from register.services.system import forget_system_user

    forget_system_user()
