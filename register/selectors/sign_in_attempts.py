"""Reads of the sign-in history that the sign-in limits need (register/backends.py): how many times in a
row a username has failed to sign in, and when it last did.

Counted from the sign-in history rather than from django-axes' own records: the history is the
register's (never deleted, hash-chained, dated by ``register.selectors.clock`` so that tests move time),
it counts the pages and the API alike and across every address, and it needs no second log of failures.
A failure counts until the username next signs in (or its password is reset); a slowed attempt is not a
failure (its password was never checked), so it cannot make the delay grow."""

import datetime
from dataclasses import dataclass

from django.db.models import Count, F, Max, OuterRef, Subquery
from django.db.models.functions import Coalesce

from register.models import SignInEvent

Kind = SignInEvent.Kind
# What ends a run of failures: the username's holder proved who they were.
SUCCESSES = (Kind.SIGNED_IN, Kind.PASSWORD_RESET)
_LONG_AGO = datetime.datetime(2000, 1, 1, tzinfo=datetime.UTC)


@dataclass(frozen=True)
class FailuresInARow:
    count: int
    last_at: datetime.datetime | None


def failures_in_a_row(username: str) -> FailuresInARow:
    """The failed sign-ins with ``username`` (as given) since its last success: one query on the
    (username, at) index."""
    last_success = (
        SignInEvent.objects.filter(username=OuterRef("username"), kind__in=SUCCESSES).order_by("-at").values("at")[:1]
    )
    found = (
        SignInEvent.objects.filter(username=username, kind=Kind.FAILED)
        .annotate(since=Coalesce(Subquery(last_success), _LONG_AGO))
        .filter(at__gt=F("since"))
        .aggregate(count=Count("id"), last_at=Max("at"))
    )
    return FailuresInARow(found["count"], found["last_at"])
