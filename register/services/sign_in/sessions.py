"""Sessions (issue 18): when a session began and was last used (the timeouts of
``register.middleware_sessions``), signing out, which revokes the person's API tokens, and "sign out
everywhere", which ends every session of a person and revokes their tokens.

Sessions are Django's. "Everywhere" works through ``Person.sessions_revoked_at``, part of the
session's hash (``Person.get_session_auth_hash``): every session begun before it stops at its next
request, on whichever browser it is."""

import datetime

from django.conf import settings
from django.db import transaction

from register import policies, selectors
from register.addresses import client_address
from register.errors import NotFound, NotPermitted, RuleViolation
from register.models import Person
from register.selectors import clock
from register.services.calendar_feeds import calendar_feed_end
from register.services.history import save_with_history
from register.services.sign_in.events import Kind, Method, record_sign_in_event
from register.services.sign_in.tokens import revoke_all_tokens

# What the session keeps about itself, as seconds since the epoch (the session is JSON).
SIGNED_IN_AT = "signed_in_at"
LAST_ACTIVE_AT = "last_active_at"
# How the person signed in: "single-sign-on" (set by the single sign-on part) or "password".
SIGN_IN_METHOD = "sign_in_method"


def idle_timeout() -> datetime.timedelta:
    return datetime.timedelta(minutes=settings.SESSION_IDLE_MINUTES)


def absolute_timeout() -> datetime.timedelta:
    return datetime.timedelta(hours=settings.SESSION_ABSOLUTE_HOURS)


def activity_granularity() -> datetime.timedelta:
    """How stale the last activity may be before a request writes it again: a minute, or less when
    the idle timeout is very short (a test's), so that activity always keeps a session alive."""
    return min(datetime.timedelta(minutes=1), idle_timeout() / 4)


def method_of(session) -> str:
    method = session.get(SIGN_IN_METHOD) or Method.PASSWORD
    return method if method in Method.values else Method.PASSWORD


def moment(session, key: str) -> datetime.datetime | None:
    value = session.get(key)
    if not isinstance(value, (int, float)):
        return None
    return datetime.datetime.fromtimestamp(value, tz=datetime.UTC)


def mark_active(session, *, now: datetime.datetime | None = None) -> None:
    session[LAST_ACTIVE_AT] = (now or clock.now()).timestamp()


def expiry_of(session, now: datetime.datetime) -> str | None:
    """Why the session has ended, in the words that follow "You were signed out because", or None."""
    began, last = moment(session, SIGNED_IN_AT), moment(session, LAST_ACTIVE_AT)
    if began is not None and now - began >= absolute_timeout():
        hours = settings.SESSION_ABSOLUTE_HOURS
        return f"you had been signed in for {hours:g} hour{'s' if hours != 1 else ''}"
    if last is not None and now - last >= idle_timeout():
        minutes = settings.SESSION_IDLE_MINUTES
        return f"you had not done anything for {minutes:g} minute{'s' if minutes != 1 else ''}"
    return None


def remaining(session, now: datetime.datetime) -> datetime.timedelta:
    """How long the session has before it times out, as the server counts it (the warning's clock)."""
    began, last = moment(session, SIGNED_IN_AT) or now, moment(session, LAST_ACTIVE_AT) or now
    left = min(last + idle_timeout(), began + absolute_timeout()) - now
    return max(left, datetime.timedelta(0))


def record_session_expired(*, request, person: Person, because: str) -> None:
    record_sign_in_event(
        kind=Kind.SESSION_EXPIRED,
        method=method_of(request.session),
        person=person,
        address=client_address(request),
        detail=f"Signed out because {because}",
    )


def sign_out_everywhere(*, actor: Person, person: Person, reason: str, address: str | None = None) -> int:
    """End every session of ``person`` at its next request, revoke all their API tokens and end their
    calendar feed address; answers how many tokens were revoked. A person does it for themselves; Democratic Services for anyone (a leaver,
    a lost laptop). Others are refused: "not found" if they may not see people's records."""
    require_may_sign_out(selectors.standing_of(actor), person, own_allowed=True)
    reason = " ".join((reason or "").split())
    if not reason:
        raise RuleViolation("Say why they are signed out everywhere.", field="reason")
    now = clock.now()
    with transaction.atomic():
        locked = Person.objects.select_for_update(no_key=True).get(pk=person.pk)
        locked.sessions_revoked_at = now
        save_with_history(
            locked, actor=actor, reason=f"Signed out everywhere: {reason}", update_fields=["sessions_revoked_at"]
        )
        revoked = revoke_all_tokens(
            actor=actor, person=locked, reason=f"Signed out everywhere: {reason}", address=address
        )
        # A lost laptop's calendar holds the feed address too: it stops working with the sessions.
        calendar_feed_end(actor=actor, person=locked, reason=f"Signed out everywhere: {reason}")
        record_sign_in_event(
            kind=Kind.SIGNED_OUT_EVERYWHERE,
            method=Method.REGISTER,
            person=locked,
            address=address,
            detail=(reason if actor.pk == person.pk else f"By {actor}: {reason}"),
        )
    person.sessions_revoked_at = locked.sessions_revoked_at
    return revoked


def require_may_sign_out(standing, person: Person, *, own_allowed: bool) -> None:
    """Democratic Services may sign anyone out everywhere, and (``own_allowed``) a person themselves.
    Someone who reads people's records is refused by the rule; anyone else is told "not found"."""
    if policies.manages_sign_in(standing, person) or (own_allowed and policies.acts_on_own_sign_in(standing, person)):
        return
    if policies.reads_people_records(standing):
        raise NotPermitted("Only Democratic Services sign another person out everywhere.")
    raise NotFound("No such person.")


# --- Receivers of django.contrib.auth's signals, connected in register/apps.py -----------------


def on_signed_in(sender, request, user, **kwargs) -> None:
    """Note when the session began: ``login()`` has just given it a new key (no session fixation)."""
    if request is None or not hasattr(request, "session"):
        return
    now = clock.now()
    request.session[SIGNED_IN_AT] = now.timestamp()
    mark_active(request.session, now=now)


def on_signed_out(sender, request, user, **kwargs) -> None:
    """Signing out of the pages revokes every API token of the person, and is recorded."""
    if user is None or not getattr(user, "pk", None):
        return
    address = client_address(request) if request is not None else None
    method = method_of(request.session) if request is not None and hasattr(request, "session") else Method.PASSWORD
    with transaction.atomic():
        revoke_all_tokens(actor=user, person=user, reason="Signed out", address=address)
        record_sign_in_event(kind=Kind.SIGNED_OUT, method=method, person=user, address=address)
