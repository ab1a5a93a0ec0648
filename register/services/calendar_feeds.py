"""Calendar feed tokens (issue 22): made by a person for themselves, kept only as a SHA-256 digest
and a short prefix, and reset with a reason, which ends the old row (so its addresses stop working
at once) and makes another. One live token per person. Nothing is deleted (C3); each change is saved
with history and a reason (C1)."""

import datetime
import secrets
from dataclasses import dataclass

from django.db import transaction

from register import policies, selectors
from register.errors import NotFound, RuleViolation
from register.models import CalendarFeed, Person
from register.policies.calendar_feeds import calendar_feed_kinds
from register.selectors import clock
from register.selectors.calendar_feeds import digest_of
from register.selectors.people import is_signed_in_allowed
from register.services.history import save_with_history

PREFIX_LENGTH = 8
# last_read_at is written at most this often: calendar clients poll, and a read is not worth a write each time.
LAST_READ_GRANULARITY = datetime.timedelta(hours=1)


@dataclass(frozen=True)
class IssuedFeed:
    """A feed token as made: the record and, once only, the token itself."""

    record: CalendarFeed
    token: str


def calendar_feed_make(*, actor: Person, person: Person) -> IssuedFeed:
    """Make ``person``'s calendar feed token; they make their own, once (then they reset it). Only
    someone with a kind of feed that applies to them may make one."""
    standing = _own(actor, person)
    if not calendar_feed_kinds(standing):
        raise RuleViolation(
            "Calendar feeds are for officers, group leaders and the Chief Executive; none applies to you."
        )
    with transaction.atomic():
        Person.objects.select_for_update(no_key=True).get(pk=person.pk)
        if CalendarFeed.objects.filter(person=person, reset_at__isnull=True).exists():
            raise RuleViolation("You already have a calendar address: reset it to get a new one.")
        return _make(actor=actor, person=person, reason="Calendar feed address made")


def calendar_feed_reset(*, actor: Person, person: Person, reason: str) -> IssuedFeed:
    """End ``person``'s live feed token with ``reason`` and make a new one: the old addresses stop
    working at once (a lost phone, an address shared by mistake)."""
    reason = " ".join((reason or "").split())
    if not reason:
        raise RuleViolation("Say why the calendar address is reset.", field="reason")
    limit = CalendarFeed._meta.get_field("reset_because").max_length
    if len(reason) > limit:
        raise RuleViolation(f"Say why in {limit} characters or fewer.", field="reason")
    _own(actor, person)
    with transaction.atomic():
        Person.objects.select_for_update(no_key=True).get(pk=person.pk)
        live = CalendarFeed.objects.select_for_update().filter(person=person, reset_at__isnull=True).first()
        if live is None:
            raise NotFound("You have no calendar address to reset.")
        live.reset_at = clock.now()
        live.reset_because = reason
        save_with_history(
            live,
            actor=actor,
            reason=f"Calendar feed address reset: {reason}",
            update_fields=["reset_at", "reset_because"],
        )
        return _make(actor=actor, person=person, reason=f"Calendar feed address made again: {reason}")


def calendar_feed_end(*, actor: Person, person: Person, reason: str) -> bool:
    """End ``person``'s live feed token, if any, without making another; whether there was one. Called
    by the services that decided it may happen (signing out everywhere: a lost laptop's calendar keeps
    the address too), inside their transaction. The person makes a new address when they want one."""
    with transaction.atomic():
        live = CalendarFeed.objects.select_for_update().filter(person=person, reset_at__isnull=True).first()
        if live is None:
            return False
        live.reset_at = clock.now()
        live.reset_because = reason[: CalendarFeed._meta.get_field("reset_because").max_length]
        save_with_history(
            live,
            actor=actor,
            reason=f"Calendar feed address ended: {reason}",
            update_fields=["reset_at", "reset_because"],
        )
        return True


def calendar_feed_note_read(feed: CalendarFeed) -> None:
    """Note when a feed was last read, at most once an hour: the account page shows it, so a person
    can tell whether their calendar still subscribes. ``last_read_at`` is kept out of the history,
    so this saves no history row (as an API token's last use)."""
    now = clock.now()
    if feed.last_read_at is None or now - feed.last_read_at >= LAST_READ_GRANULARITY:
        feed.last_read_at = now
        feed.save_without_historical_record(update_fields=["last_read_at"])


def _own(actor: Person, person: Person):
    standing = selectors.standing_of(actor)
    if not policies.acts_on_own_sign_in(standing, person) or not is_signed_in_allowed(person):
        raise NotFound("No such person.")
    return standing


def _make(*, actor: Person, person: Person, reason: str) -> IssuedFeed:
    token = secrets.token_urlsafe(32)
    record = CalendarFeed(person=person, prefix=token[:PREFIX_LENGTH], digest=digest_of(token), created_at=clock.now())
    save_with_history(record, actor=actor, reason=reason)
    return IssuedFeed(record=record, token=token)
