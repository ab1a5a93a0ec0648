"""Local passwords (issue 18): a forgotten password reset from a link by e-mail, and a password changed
by its holder. The rules a password must meet are AUTH_PASSWORD_VALIDATORS (the NCSC's guidance: length,
and not a common password), checked by ``person_set_password``, which keeps the history row.

The reset link is Django's token (``default_token_generator``), as the invitation to set a password:
it works once, because the password it was made from changes, and for PASSWORD_RESET_TIMEOUT. Changing
the password also ends every other session of its holder (the session's hash is made from it)."""

from django.conf import settings
from django.db import transaction
from django.utils.encoding import force_str
from django.utils.http import urlsafe_base64_decode

from register import selectors
from register.models import Notification, Person, SignInEvent
from register.notice_links import set_password_link
from register.services.notifications import notify
from register.services.people.accounts import valid_for_in_words
from register.services.people.persons import person_set_password
from register.services.sign_in.events import record_sign_in_event
from register.services.system import system_user

Kind = SignInEvent.Kind
Method = SignInEvent.Method

# The link resets the password: like the invitation, it goes by e-mail alone, read by its recipient only.
PASSWORD_RESET = "password-reset"
RESET_CHANNELS = (Notification.Channel.EMAIL,)


def people_with_address(email: str):
    """Who a reset link for ``email`` goes to: current people who sign in with a password of the
    register's (not those who sign in only through single sign-on, nor those never given one)."""
    today = selectors.today()
    return [
        person
        for person in Person.objects.filter(email__iexact=email.strip(), is_active=True).exclude(
            kind=Person.Kind.SYSTEM
        )
        if person.has_usable_password() and person.is_current_on(today)
    ]


def password_reset_ask(*, email: str, address: str | None = None) -> None:
    """E-mail a link to choose a new password to whoever ``email`` belongs to, if anyone: the page
    that asks says the same whatever the answer, so that nobody learns whether an account exists.
    The sign-in history has a line either way."""
    people = people_with_address(email) if email and email.strip() else []
    with transaction.atomic():
        for person in people:
            notify(
                cause=f"person:{person.pk}:password-reset:{selectors.clock.now().isoformat()}",
                kind=PASSWORD_RESET,
                recipients=[person],
                about=person,
                actor=system_user(),
                channels=RESET_CHANNELS,
                context={"council_name": settings.COUNCIL_NAME, "valid_for": valid_for_in_words()},
                link=set_password_link(person, page="password-reset-confirm", label="Choose a new password"),
            )
    for person in people:
        record_sign_in_event(
            kind=Kind.PASSWORD_RESET_ASKED,
            method=Method.PASSWORD,
            person=person,
            address=address,
            detail="A link to reset the password was e-mailed",
        )
    if not people:
        record_sign_in_event(
            kind=Kind.PASSWORD_RESET_ASKED,
            method=Method.PASSWORD,
            username=(email or "").strip(),
            address=address,
            detail="No current account that signs in with a password has this e-mail address: nothing was sent",
        )


def password_reset(*, person: Person, raw_password: str, address: str | None = None) -> Person:
    """Set the password chosen from a reset link. Every session of the person ends with the old password."""
    person = person_set_password(
        actor=person,
        reason="Reset their forgotten password from the e-mailed link",
        person=person,
        raw_password=raw_password,
    )
    record_sign_in_event(kind=Kind.PASSWORD_RESET, method=Method.PASSWORD, person=person, address=address)
    return person


def password_change(*, person: Person, raw_password: str, address: str | None = None) -> Person:
    """Change one's own password (the old one was checked by the page). Other sessions end; the page
    keeps its own (``update_session_auth_hash``)."""
    person = person_set_password(
        actor=person, reason="Changed their own password", person=person, raw_password=raw_password
    )
    record_sign_in_event(kind=Kind.PASSWORD_CHANGED, method=Method.PASSWORD, person=person, address=address)
    return person


def password_reset_refused(*, uidb64: str, address: str | None = None) -> None:
    """A line in the sign-in history for a reset link that no longer works (used, expired or mangled)."""
    try:
        pk = int(force_str(urlsafe_base64_decode(uidb64)))
    except (TypeError, ValueError, OverflowError):
        pk = None
    person = Person.objects.filter(pk=pk).first() if pk else None
    record_sign_in_event(
        kind=Kind.PASSWORD_RESET_REFUSED,
        method=Method.PASSWORD,
        person=person,
        address=address,
        detail="The link has been used, has expired, or was not copied in full",
    )
