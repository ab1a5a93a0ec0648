"""Reads of the signed checkpoints the public register publishes (issue 20): public, so not scoped."""

from django.db.models import QuerySet

from register.models import Checkpoint


def checkpoints_of(log: str) -> QuerySet:
    """Every checkpoint of a log, the newest first."""
    return Checkpoint.objects.filter(log=log).order_by("-tree_size", "-signed_at")


def latest_of(log: str) -> Checkpoint | None:
    return checkpoints_of(log).first()
