"""Background work (Celery). Thin: each task calls a service."""

from .celery import app as celery_app

__all__ = ["celery_app"]
