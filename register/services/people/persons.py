"""Changes to the people of the register: councillors, officers and others, their details and passwords."""

from collections.abc import Mapping
from typing import Any

from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError
from django.db import transaction

from register import workflow
from register.errors import RuleViolation
from register.models import Membership, Person
from register.services.history import save_with_history
from register.services.people.changes import locked_with_changes, require_keeper, save_changes


def person_create(
    *,
    actor: Person,
    reason: str,
    username: str,
    first_name: str,
    last_name: str,
    kind: str,
    email: str = "",
    member_type: str = "",
    password: str | None = None,
    password_hash: str | None = None,
    reports_to: Person | None = None,
) -> Person:
    """Add someone to the register (Democratic Services); with no password they cannot sign in until
    they are invited to set one, or sign in through the council's identity provider."""
    require_keeper(actor, workflow.ADD_PERSON, flow=workflow.PERSON_RECORD)
    person = Person(
        username=username,
        first_name=first_name,
        last_name=last_name,
        email=email,
        kind=kind,
        member_type=member_type,
        reports_to=reports_to,
    )
    check_person(person)
    if password:
        person.set_password(password)
    elif password_hash:
        person.password = password_hash
    else:
        person.set_unusable_password()
    with transaction.atomic():
        save_with_history(person, actor=actor, reason=reason)
    return person


# What may change on a person once recorded; the password has a service of its own.
PERSON_FIELDS = frozenset(
    {
        "username",
        "first_name",
        "last_name",
        "email",
        "kind",
        "member_type",
        "left_on",
        "reports_to",
        "is_active",
        "is_staff",
        "is_superuser",
    }
)


def person_update(
    *, actor: Person, reason: str, person: Person, changes: Mapping[str, Any], version: int | None = None
) -> Person:
    """Change ``person``'s details (``changes`` names fields of PERSON_FIELDS), checked under the row's
    lock; refused with a conflict when the record changed since ``version`` (the form's)."""
    require_keeper(actor, workflow.CHANGE_PERSON, person, flow=workflow.PERSON_RECORD)
    with transaction.atomic():
        person = locked_with_changes(person, changes, PERSON_FIELDS, version=version)
        check_person(person)
        save_changes(person, changes, actor=actor, reason=reason)
    return person


def person_set_password(*, actor: Person, reason: str, person: Person, raw_password: str | None) -> Person:
    """Set ``person``'s password or, with ``None``, turn password sign-in off for them.

    The history row names the actor and the reason (C1). The password is not in it: Person's
    history leaves the ``password`` field out, so the row records who and why, with no field change.
    """
    with transaction.atomic():
        person = Person.objects.select_for_update(no_key=True).get(pk=person.pk)
        if raw_password is None:
            person.set_unusable_password()
        else:
            try:
                password_validation.validate_password(raw_password, person)
            except ValidationError as weak:
                raise RuleViolation(" ".join(weak.messages), field="password") from None
            person.set_password(raw_password)
        save_with_history(person, actor=actor, reason=reason, update_fields=["password"])
    return person


def check_person(person: Person) -> None:
    """Refuse a person whose kind, member type or username contradicts the register.

    Read-only, so the admin can call it to validate a form before the service saves.
    """
    if person.kind == Person.Kind.MEMBER and not person.member_type:
        raise RuleViolation("A member is either elected or co-opted.", field="member_type")
    if person.kind != Person.Kind.MEMBER and person.member_type:
        raise RuleViolation("Only members are elected or co-opted.", field="member_type")
    if Person.objects.exclude(pk=person.pk).filter(username=person.username).exists():
        raise RuleViolation(f"The username {person.username!r} is already taken.", field="username")
    if person.email and Person.objects.exclude(pk=person.pk).filter(email__iexact=person.email).exists():
        raise RuleViolation(f"The e-mail address {person.email} is already used by someone else.", field="email")
    _check_line_manager(person)
    if person.pk is not None:
        kind_before = Person.objects.filter(pk=person.pk).values_list("kind", flat=True).get()
        # Memberships and posts were checked against the kind (a councillor joins a group, an
        # officer a directorate): another kind would make the register contradict itself.
        if kind_before != person.kind and Membership.objects.filter(person=person).exists():
            kind = dict(Person.Kind.choices).get(kind_before, kind_before)
            raise RuleViolation(
                f"{person} has memberships or posts in the register, so their kind ({kind}) cannot change.",
                field="kind",
            )


def _check_line_manager(person: Person) -> None:
    """An officer reports to another officer, and never, through others, to themselves."""
    manager = person.reports_to
    if manager is None:
        return
    if person.kind != Person.Kind.OFFICER:
        raise RuleViolation("Only an officer reports to a line manager.", field="reports_to")
    if manager.kind != Person.Kind.OFFICER:
        raise RuleViolation(f"{manager} is not an officer, so cannot be a line manager.", field="reports_to")
    seen = {person.pk}
    while manager is not None:
        if manager.pk in seen:
            raise RuleViolation(
                f"{person} cannot report to {person.reports_to}: they report to {person}.", field="reports_to"
            )
        seen.add(manager.pk)
        manager = manager.reports_to
