"""The register's clock. Services and selectors read the time here, so that tests can set it
(``tests/conftest.py`` replaces ``now``)."""

import datetime

from django.utils import timezone


def now() -> datetime.datetime:
    """The time now."""
    return timezone.now()


def today() -> datetime.date:
    """The council's date now (Europe/London), which is what posts and absences are dated in."""
    return timezone.localdate(now())
