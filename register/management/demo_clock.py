"""The register's clock, moved by ``seed_demo --with-activity`` through the demo council's year.

Services read the time from ``register.selectors.clock.now`` (as the tests' ``clock`` fixture moves
it); Django stamps ``auto_now_add`` fields, django-simple-history dates history rows and a few
services date what they record with ``django.utils.timezone.now``. Both are moved together, so that
everything made at a moment of the demo's year (a request, its history, its notices, their delivery)
carries that moment, as it would have in real use. Fields whose default is ``timezone.now`` itself
(a person's ``date_joined``) hold the function, not the name, so they are moved too.
"""

import contextlib
import datetime
from collections.abc import Iterator

from django.apps import apps
from django.utils import timezone

from register.selectors import clock as register_clock


class DemoClock:
    """A clock that stands still at ``at`` until moved."""

    def __init__(self, at: datetime.datetime):
        self.at = at

    def now(self) -> datetime.datetime:
        return self.at


@contextlib.contextmanager
def clock_moved(clock: DemoClock) -> Iterator[DemoClock]:
    """While inside, the register and Django read the time from ``clock``; afterwards, the real time again."""
    real_now = timezone.now
    saved_register_now = register_clock.now
    defaults = [
        field
        for model in apps.get_models()
        for field in model._meta.concrete_fields
        if getattr(field, "default", None) is real_now
    ]
    # Field.get_default() calls the cached ``_get_default``: the default function, cached on first use.
    cached = {field: field.__dict__.get("_get_default") for field in defaults}
    register_clock.now = clock.now
    timezone.now = clock.now
    for field in defaults:
        field.__dict__["_get_default"] = clock.now
    try:
        yield clock
    finally:
        timezone.now = real_now
        register_clock.now = saved_register_now
        for field, was in cached.items():
            if was is None:
                field.__dict__.pop("_get_default", None)
            else:
                field.__dict__["_get_default"] = was
