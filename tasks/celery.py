"""The Celery application, configured from Django's settings (keys prefixed CELERY_)."""
import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "register.settings")

app = Celery("register")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks(["tasks"], related_name="jobs")
