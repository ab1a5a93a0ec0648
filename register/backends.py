"""Who may sign in, and how often they may try (issue 18).

- Only people still with the council: a leaver cannot sign in from the day after their last day
  (``Person.left_on``), and a session they still hold stops working that day too, since Django asks the
  backend again (``get_user``) on every request.
- An ADDRESS that has failed too often is locked out for a while (django-axes, keyed on the address
  that ``register.addresses.client_address`` believes), whatever usernames it tries: one password tried
  across every username stops at the limit. Nobody can lock anyone else out: the lock is the
  attacker's own address, never an account.
- A USERNAME that has failed several times in a row is only slowed, never blocked: its next attempt,
  from any address, is refused before its password is checked until a delay that doubles with each
  failure has passed (capped). Unknown usernames are slowed exactly as known ones, so the answer says
  nothing about whether an account exists.

The page (register/forms.py SignInForm, register/views/auth.py locked_out) and the API (/api/token/) give
the same words for both, from ``Refusal``, which the backend leaves on the request."""

import contextlib
import datetime
import math
from dataclasses import dataclass

from axes.backends import AxesStandaloneBackend
from axes.exceptions import AxesBackendPermissionDenied
from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_cool_off
from axes.models import AccessAttempt
from django.conf import settings
from django.contrib.auth.backends import ModelBackend
from django.core.exceptions import PermissionDenied
from django.db import connection, transaction
from django.utils import timezone

from register import sign_in_history
from register.addresses import client_address
from register.models import Person, SignInEvent
from register.selectors import clock
from register.selectors.history_text import LONDON, clock_text
from register.selectors.people import is_signed_in_allowed
from register.selectors.sign_in_attempts import failures_in_a_row
from register.selectors.standing import people_with_standing

Kind = SignInEvent.Kind
# The advisory lock's first key: "sign-in" turns, never taken by anything else.
USERNAME_TURN_KEY = 18_07


class CurrentPeopleBackend(ModelBackend):
    """Django's ModelBackend, for people still with the council. A password attempt takes its
    username's turn (see ``username_turn``), checks the username's delay within it, and writes
    its failure before giving the turn up: attempts made at the same moment cannot all slip through
    one delay."""

    def user_can_authenticate(self, user) -> bool:
        return is_signed_in_allowed(user)

    def get_user(self, user_id):
        """The signed-in person of a session, read with the rows of their standing in the same
        statement (``people_with_standing``): pages and the API need it on every request."""
        try:
            user = people_with_standing().get(pk=user_id)
        except Person.DoesNotExist:
            return None
        return user if self.user_can_authenticate(user) else None

    def authenticate(self, request, username=None, password=None, **kwargs):
        if request is None or username is None or password is None:
            return super().authenticate(request, username=username, password=password, **kwargs)
        with transaction.atomic(), username_turn(username):
            refusal = username_refusal(username)
            if refusal is not None:
                request.sign_in_refusal = refusal
                raise PermissionDenied("This username is slowed down after repeated failed sign-ins.")
            user = super().authenticate(request, username=username, password=password, **kwargs)
            if user is None:
                sign_in_history.password_refused(request, username)
        if user is not None:
            sign_in_history.password_accepted(request, user)
        return user


@contextlib.contextmanager
def username_turn(username: str):
    """One password attempt at a time per username, until the transaction ends (a PostgreSQL advisory
    lock in a key space of its own, apart from the history chain's; SQLite writes one at a time anyway)."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s, hashtext(%s))", [USERNAME_TURN_KEY, username])
    yield


# --- The limits --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Refusal:
    """Why a sign-in attempt was refused before its password was checked, and when to try again."""

    kind: str  # Kind.LOCKED_OUT (the address) or Kind.SLOWED (the username)
    retry_at: datetime.datetime
    wait_seconds: int

    title = "Too many failed sign-in attempts"

    @property
    def slug(self) -> str:
        return "locked-out" if self.kind == Kind.LOCKED_OUT else "slowed-down"

    @property
    def detail(self) -> str:
        """The words for the page and the API alike: what happened, and when to try again."""
        if self.kind == Kind.LOCKED_OUT:
            return (
                "There have been too many failed attempts to sign in from your network address. "
                f"You can try again after {self.retry_at_text}."
            )
        return (
            "There have been several failed attempts to sign in with this username. "
            f"Wait {self.wait_seconds} second{'' if self.wait_seconds == 1 else 's'} and try again."
        )

    @property
    def retry_at_text(self) -> str:
        """Europe/London, to the minute, rounded up so that it is never too early."""
        local = self.retry_at.astimezone(LONDON)
        if local.second or local.microsecond:
            local = local.replace(second=0, microsecond=0) + datetime.timedelta(minutes=1)
        return clock_text(local)


def sign_in_refusal(request) -> Refusal | None:
    """The refusal the sign-in limits left on ``request`` while authenticating it, if any."""
    return getattr(request, "sign_in_refusal", None)


def username_delay_seconds(failures: int) -> int:
    """How long after its last failure a username waits before its next attempt: nothing for the first
    SIGN_IN_SLOWDOWN_AFTER - 1 failures, then 1, 2, 4, 8 ... seconds, never more than the maximum."""
    beyond = failures - settings.SIGN_IN_SLOWDOWN_AFTER
    if beyond < 0:
        return 0
    return min(2 ** min(beyond, 32), settings.SIGN_IN_SLOWDOWN_MAX_SECONDS)


def username_refusal(username: str) -> Refusal | None:
    """The username's delay, if it has not yet passed (on the register's clock)."""
    failures = failures_in_a_row(username)
    delay = username_delay_seconds(failures.count)
    if not delay or failures.last_at is None:
        return None
    retry_at = failures.last_at + datetime.timedelta(seconds=delay)
    remaining = (retry_at - clock.now()).total_seconds()
    if remaining <= 0:
        return None
    return Refusal(Kind.SLOWED, retry_at, math.ceil(remaining))


def address_refusal(address: str | None) -> Refusal:
    """When a locked-out address may try again: when enough of its failures have aged past the cool-off
    for their number to fall below the limit. django-axes keeps its attempts on Django's own clock."""
    cool_off = get_cool_off() or datetime.timedelta(0)
    now = timezone.now()
    attempts = AccessAttempt.objects.filter(ip_address=address, attempt_time__gte=now - cool_off).order_by(
        "attempt_time"
    )
    rows = list(attempts.values_list("attempt_time", "failures_since_start"))
    remaining_failures = sum(failures for _, failures in rows)
    retry_at = now
    for attempt_time, failures in rows:
        remaining_failures -= failures
        retry_at = attempt_time + cool_off
        if remaining_failures < settings.AXES_FAILURE_LIMIT:
            break
    return Refusal(Kind.LOCKED_OUT, retry_at, max(1, math.ceil((retry_at - now).total_seconds())))


class SignInLimitsBackend(AxesStandaloneBackend):
    """First among the backends: refuses an attempt from a locked-out address (django-axes) before any
    password is checked, and leaves the refusal on the request. Signs nobody in itself; the username's
    delay is checked by ``CurrentPeopleBackend``, within the username's turn."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        try:
            super().authenticate(request, username=username, password=password, **kwargs)
        except AxesBackendPermissionDenied:
            request.sign_in_refusal = address_refusal(client_address(request))
            raise
        return None


class AddressLockoutHandler(AxesDatabaseHandler):
    """django-axes' database handler, except that an attempt slowed for its username is not counted
    against its address: its password was never checked, so it guessed nothing."""

    def user_login_failed(self, sender, credentials: dict, request=None, **kwargs):
        refusal = sign_in_refusal(request)
        if refusal is not None and refusal.kind == Kind.SLOWED:
            return None
        return super().user_login_failed(sender, credentials, request, **kwargs)
