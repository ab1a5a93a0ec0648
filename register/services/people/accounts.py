"""Accounts: a person who signs in with a password sets it themselves, from an invitation e-mail
with a link made by Django's token machinery (``default_token_generator``), valid for
PASSWORD_RESET_TIMEOUT and once only: setting the password changes what the token was made from.
Nobody types or sends another person's password."""

from django.conf import settings
from django.db import transaction

from register import workflow
from register.errors import RuleViolation
from register.models import Notification, Person
from register.services.history import save_with_history
from register.services.notifications import notify
from register.services.people.changes import require_keeper, version_of

# The invitation goes by e-mail alone: its link sets the password, so it is written nowhere that anyone
# but its recipient reads (no in-app notice, which the inbox and the API would show again).
INVITATION_CHANNELS = (Notification.Channel.EMAIL,)
INVITATION = "account-invitation"


def person_invite_to_sign_in(*, actor: Person, reason: str, person: Person) -> Person:
    """Send ``person`` an e-mail with a link to set their password (Democratic Services); the person's
    history records who invited them and why. Someone who has left is not invited (the workflow's
    state says so), nor someone with no e-mail address to send it to."""
    with transaction.atomic():
        person = Person.objects.select_for_update(no_key=True).get(pk=person.pk)
        require_keeper(actor, workflow.INVITE_TO_SIGN_IN, person, flow=workflow.PERSON_RECORD)
        if not person.email:
            raise RuleViolation(
                f"{person} has no e-mail address to send the invitation to: add one to their record first.",
                field="email",
            )
        # A history row that names who invited them and why; no field changes (the e-mail is saved as it is).
        save_with_history(person, actor=actor, reason=f"Invited to set a password: {reason}", update_fields=["email"])
        notify(
            # Each invitation is a change of its own (its history row), so a second one is sent again.
            cause=f"person:{person.pk}:invited:{version_of(person)}",
            kind=INVITATION,
            recipients=[person],
            about=person,
            actor=actor,
            channels=INVITATION_CHANNELS,
            context={
                "council_name": settings.COUNCIL_NAME,
                "inviter": actor,
                "valid_for": valid_for_in_words(),
            },
        )
    return person


def valid_for_in_words() -> str:
    """How long an invitation's link works, as the e-mail and the pages say it ("3 days")."""
    seconds = settings.PASSWORD_RESET_TIMEOUT
    days, rest = divmod(seconds, 86400)
    if days and not rest:
        return f"{days} day{'s' if days != 1 else ''}"
    hours = max(1, round(seconds / 3600))
    return f"{hours} hour{'s' if hours != 1 else ''}"
