"""API tokens that expire (issue 18): issued to a person for a named client, kept only as a SHA-256
digest and a short prefix, refused once expired, revoked or held by a leaver. One live token per
person per client: issuing again for a client revokes the one before, in the same transaction.

Each change is saved with history and a reason, and leaves a line in the sign-in history."""

import datetime
import hashlib
import secrets
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction

from register import policies, selectors
from register.errors import NotFound, RuleViolation
from register.models import ApiToken, Person
from register.selectors import clock
from register.selectors.people import is_signed_in_allowed
from register.services.history import save_with_history
from register.services.sign_in.events import Kind, Method, record_sign_in_event

DEFAULT_CLIENT = "API client"
PREFIX_LENGTH = 8
# last_used_at is written at most this often per token: a busy client does not write once a request.
LAST_USED_GRANULARITY = datetime.timedelta(minutes=1)


@dataclass(frozen=True)
class IssuedToken:
    """A token as issued: the record and, once only, the token itself."""

    record: ApiToken
    token: str


class TokenRefused(Exception):
    """A token the API does not accept, and why, in one word: unknown, expired, revoked or left."""

    MESSAGES = {
        "unknown": "This API token is not one the register issued. Ask for a new one.",
        "expired": "This API token has expired. Ask for a new one.",
        "revoked": "This API token has been revoked. Ask for a new one.",
        "left": "You have left the council, so you can no longer use the register.",
    }

    def __init__(self, why: str):
        super().__init__(self.MESSAGES[why])
        self.why = why
        self.message = self.MESSAGES[why]


def digest_of(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def token_lifetime() -> datetime.timedelta:
    return datetime.timedelta(hours=settings.API_TOKEN_HOURS)


def issue_token(
    *, actor: Person, person: Person, client: str = DEFAULT_CLIENT, address: str | None = None
) -> IssuedToken:
    """Issue a token to ``person`` for ``client`` (their own words: "Reporting spreadsheet"), revoking
    the live one they hold for that client. A person issues tokens to themselves only."""
    client = " ".join((client or "").split()) or DEFAULT_CLIENT
    if len(client) > ApiToken._meta.get_field("client").max_length:
        raise RuleViolation("Name the client in 100 characters or fewer.", field="client")
    if not policies.acts_on_own_sign_in(selectors.standing_of(actor), person) or not is_signed_in_allowed(person):
        raise NotFound("No such person.")
    token = secrets.token_urlsafe(32)
    now = clock.now()
    with transaction.atomic():
        # The person's row is the lock: two issues for one client at once would both find no live token.
        Person.objects.select_for_update(no_key=True).get(pk=person.pk)
        for previous in ApiToken.objects.select_for_update().filter(person=person, client=client, revoked_at=None):
            _revoke(previous, actor=actor, because=f"Replaced by a new token for {client}", now=now)
        record = ApiToken(
            person=person,
            client=client,
            prefix=token[:PREFIX_LENGTH],
            digest=digest_of(token),
            created_at=now,
            expires_at=now + token_lifetime(),
        )
        save_with_history(record, actor=actor, reason=f"API token issued for {client}")
        record_sign_in_event(
            kind=Kind.TOKEN_ISSUED,
            method=Method.API,
            person=person,
            address=address,
            detail=f"For {client}, {record.prefix}…, until {record.expires_at:%Y-%m-%d %H:%M} UTC",
        )
    return IssuedToken(record=record, token=token)


def authenticate_token(token: str) -> ApiToken:
    """The live token ``token`` is, with its person; ``TokenRefused`` saying why otherwise. Notes when
    it was last used, at most once a minute (last_used_at is kept out of the history)."""
    # With the rows of the person's standing (the API reads it on every request), in the same statement.
    record = selectors.tokens_with_standing().filter(digest=digest_of(token or "")).first()
    if record is None:
        raise TokenRefused("unknown")
    now = clock.now()
    if record.revoked_at is not None:
        raise TokenRefused("revoked")
    if record.expires_at <= now:
        raise TokenRefused("expired")
    if not is_signed_in_allowed(record.person):
        raise TokenRefused("left")
    if record.last_used_at is None or now - record.last_used_at >= LAST_USED_GRANULARITY:
        record.last_used_at = now
        # Only a field the history leaves out changes: no history row (and no reason) for a use.
        record.save_without_historical_record(update_fields=["last_used_at"])
    return record


def revoke_token(*, actor: Person, token: ApiToken, reason: str, address: str | None = None) -> ApiToken:
    """Revoke one token: its holder may, and Democratic Services (who manage people's sign-in).
    Anyone else is told there is no such token."""
    reason = " ".join((reason or "").split())
    if not reason:
        raise RuleViolation("Say why the token is revoked.", field="reason")
    standing = selectors.standing_of(actor)
    if not (policies.acts_on_own_sign_in(standing, token.person) or policies.manages_sign_in(standing, token.person)):
        raise NotFound("No such API token.")
    with transaction.atomic():
        locked = ApiToken.objects.select_for_update().select_related("person").get(pk=token.pk)
        if locked.revoked_at is None:
            _revoke(locked, actor=actor, because=reason, now=clock.now(), address=address)
    return locked


def revoke_all_tokens(*, actor: Person, person: Person, reason: str, address: str | None = None) -> int:
    """Revoke every live token of ``person``; answers how many. Called by the services that decided
    it may happen (signing out, signing out everywhere, recording a leaver), inside their transaction."""
    now = clock.now()
    count = 0
    with transaction.atomic():
        for token in ApiToken.objects.select_for_update().filter(person=person, revoked_at=None).order_by("pk"):
            _revoke(token, actor=actor, because=reason, now=now, address=address)
            count += 1
    return count


def _revoke(token: ApiToken, *, actor: Person, because: str, now, address: str | None = None) -> None:
    token.revoked_at = now
    token.revoked_because = because[: ApiToken._meta.get_field("revoked_because").max_length]
    save_with_history(token, actor=actor, reason=because, update_fields=["revoked_at", "revoked_because"])
    record_sign_in_event(
        kind=Kind.TOKEN_REVOKED,
        method=Method.API,
        person=token.person,
        address=address,
        detail=f"{token.client}, {token.prefix}…: {because}",
    )
