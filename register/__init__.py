"""The register: officer attendance at political group meetings, and member/officer relationships."""

# Load the Celery app with Django, so that shared tasks bind to it.
from tasks.celery import app as celery_app

__all__ = ["celery_app"]
