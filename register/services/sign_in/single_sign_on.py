"""Who a single sign-on is: the rule that turns a provider's verified identity into a person of the register.

A person is matched on their identity at the provider, "<issuer> <subject>" (``Person.sign_in_subject``),
and on nothing else. The first time someone signs in through the provider, and only then, the identity is
linked once to the person whose e-mail address Democratic Services recorded: the address must be the one
the provider says it has verified, and it must belong to exactly one current person not already linked to
another identity. From then on the subject alone counts: a changed address at the provider changes nothing.
Nobody is ever created by signing in. Every refusal and every link is a line of the sign-in history.
"""

from dataclasses import dataclass

from django.db import IntegrityError, transaction

from register.models import Person, SignInEvent
from register.selectors.people import is_signed_in_allowed
from register.services.history import save_with_history
from register.services.sign_in.events import record_sign_in_event

Kind = SignInEvent.Kind
Method = SignInEvent.Method


class SingleSignOnRefused(Exception):
    """The provider vouched for someone the register does not let in. ``reason`` is for the sign-in history
    (in words, never a token); the page shown says only what to do next, the same whatever the reason.
    Raised after the refusal has been recorded."""

    def __init__(self, reason: str, *, known_person=None):
        super().__init__(reason)
        self.reason = reason
        self.person = known_person


@dataclass(frozen=True)
class ProviderIdentity:
    """What a verified ID token (and, for the e-mail, the provider's user info) says about who signed in."""

    issuer: str
    subject: str
    email: str = ""
    email_verified: bool = False

    @property
    def sign_in_subject(self) -> str:
        return f"{self.issuer} {self.subject}"


def refuse(reason: str, *, identity: ProviderIdentity | None, address: str | None, person=None):
    """Record the refusal in the sign-in history, then raise it."""
    record_sign_in_event(
        kind=Kind.REFUSED,
        method=Method.SINGLE_SIGN_ON,
        person=person,
        username=(identity.email if identity else "") or "",
        address=address,
        detail=reason,
    )
    raise SingleSignOnRefused(reason, known_person=person)


def person_for_provider_identity(
    *, identity: ProviderIdentity, trust_email_without_verified: bool, address: str | None
) -> Person:
    """The person this identity signs in as, linking it once on first sign-in; raises
    ``SingleSignOnRefused`` (already recorded in the sign-in history) when there is none."""
    if not identity.issuer or not identity.subject:
        refuse("The provider's ID token named no subject.", identity=identity, address=address)
    linked = Person.objects.filter(sign_in_subject=identity.sign_in_subject).first()
    if linked is not None:
        if not is_signed_in_allowed(linked):
            refuse(
                "The single sign-on identity belongs to someone who has left or whose sign-in is turned off.",
                identity=identity,
                address=address,
                person=linked,
            )
        return linked
    return _link_at_first_sign_in(
        identity=identity, trust_email_without_verified=trust_email_without_verified, address=address
    )


def _link_at_first_sign_in(*, identity: ProviderIdentity, trust_email_without_verified: bool, address) -> Person:
    email = identity.email.strip()
    if not email:
        refuse(
            "The identity is not linked to anyone, and the provider gave no e-mail address to link it by.",
            identity=identity,
            address=address,
        )
    if not identity.email_verified and not trust_email_without_verified:
        refuse(
            "The identity is not linked to anyone, and the provider has not verified its e-mail address.",
            identity=identity,
            address=address,
        )
    with transaction.atomic():
        candidates = list(
            Person.objects.select_for_update().filter(email__iexact=email).exclude(kind=Person.Kind.SYSTEM)
        )
        current = [person for person in candidates if is_signed_in_allowed(person)]
        failure = None
        if not candidates:
            failure = "The identity is not linked to anyone, and no person in the register has its e-mail address."
        elif not current:
            failure = "The identity's e-mail address belongs only to people who have left or cannot sign in."
        elif len(current) > 1:
            failure = "The identity's e-mail address belongs to more than one current person: it cannot be linked."
        elif current[0].sign_in_subject:
            failure = (
                "The identity's e-mail address belongs to a person already linked to another single sign-on identity."
            )
        if failure is None:
            person = current[0]
            person.sign_in_subject = identity.sign_in_subject
            try:
                with transaction.atomic():
                    save_with_history(
                        person,
                        actor=person,
                        reason=(
                            "Linked to the single sign-on identity at first single sign-on, by the e-mail address "
                            "Democratic Services recorded, which the provider verified."
                        ),
                        update_fields=["sign_in_subject"],
                    )
            except IntegrityError:
                # The same identity was linked by a sign-in running at the same time.
                failure = "The identity was being linked by another sign-in at the same moment: try again."
    if failure is not None:
        known = current[0] if len(current) == 1 else None
        refuse(failure, identity=identity, address=address, person=known)
    record_sign_in_event(
        kind=Kind.LINKED,
        method=Method.SINGLE_SIGN_ON,
        person=person,
        username=email,
        address=address,
        detail="Linked at first single sign-on by the verified e-mail address on the person's record.",
    )
    return person
