"""Changes to people, groups, directorates, posts and recorded absences."""

import datetime
from collections.abc import Iterable, Mapping
from typing import Any

from django.conf import settings
from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError
from django.db import transaction

from register import selectors, workflow
from register.errors import RuleViolation
from register.models import Absence, Membership, Organization, Person, Post
from register.services.history import save_with_history
from register.services.notifications import notify
from register.services.system import SYSTEM_USERNAME, forget_system_user, system_user  # noqa: F401 (re-exported)

Role = Post.Role


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
) -> Person:
    person = Person(
        username=username,
        first_name=first_name,
        last_name=last_name,
        email=email,
        kind=kind,
        member_type=member_type,
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
        "is_active",
        "is_staff",
        "is_superuser",
    }
)


def person_update(*, actor: Person, reason: str, person: Person, changes: Mapping[str, Any]) -> Person:
    """Change ``person``'s details (``changes`` names fields of PERSON_FIELDS), checked under the row's lock."""
    with transaction.atomic():
        person = _locked_with_changes(person, changes, PERSON_FIELDS)
        check_person(person)
        _save_changes(person, changes, actor=actor, reason=reason)
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


def organization_create(
    *, actor: Person, reason: str, name: str, classification: str, is_administration: bool = False
) -> Organization:
    organization = Organization(name=name, classification=classification, is_administration=is_administration)
    check_organization(organization)
    with transaction.atomic():
        save_with_history(organization, actor=actor, reason=reason)
    return organization


ORGANIZATION_FIELDS = frozenset({"name", "classification", "is_administration"})


def organization_update(
    *, actor: Person, reason: str, organization: Organization, changes: Mapping[str, Any]
) -> Organization:
    """Rename a group, a directorate or the council, or move a group in or out of the administration."""
    with transaction.atomic():
        organization = _locked_with_changes(organization, changes, ORGANIZATION_FIELDS)
        check_organization(organization)
        _save_changes(organization, changes, actor=actor, reason=reason)
    return organization


def check_organization(organization: Organization) -> None:
    """Refuse an organization that contradicts its classification, its name or its posts (read-only)."""
    if organization.is_administration and organization.classification != Organization.Classification.PARTY:
        raise RuleViolation("Only a political group can be part of the administration.", field="is_administration")
    if Organization.objects.exclude(pk=organization.pk).filter(name=organization.name).exists():
        raise RuleViolation(f"There is already an organization called {organization.name!r}.", field="name")
    if organization.pk is not None:
        before = Organization.objects.filter(pk=organization.pk).values_list("classification", flat=True).get()
        in_use = Post.objects.filter(organization=organization).exists() or (
            Membership.objects.filter(organization=organization).exists()
        )
        if before != organization.classification and in_use:
            classification = dict(Organization.Classification.choices).get(before, before)
            raise RuleViolation(
                f"{organization} has posts or members, so its classification ({classification}) cannot change.",
                field="classification",
            )


def post_create(
    *,
    actor: Person,
    reason: str,
    organization: Organization,
    role: str,
    label: str,
    single_holder: bool | None = None,
    politically_restricted: bool = False,
) -> Post:
    if single_holder is None:
        single_holder = role not in {Role.AUDITOR}
    post = Post(
        organization=organization,
        role=role,
        label=label,
        single_holder=single_holder,
        politically_restricted=politically_restricted,
    )
    check_post(post)
    with transaction.atomic():
        save_with_history(post, actor=actor, reason=reason)
    return post


POST_FIELDS = frozenset({"label", "role", "organization", "single_holder", "politically_restricted"})


def post_update(*, actor: Person, reason: str, post: Post, changes: Mapping[str, Any]) -> Post:
    """Change a post's label, role, organization or restrictions, checked under the post's lock.

    The post's lock is the one ``post_appoint`` takes, so no appointment slips in between the
    check of the holdings and the save.
    """
    with transaction.atomic():
        post = _locked_with_changes(post, changes, POST_FIELDS)
        check_post(post)
        _save_changes(post, changes, actor=actor, reason=reason)
    return post


def check_post(post: Post) -> None:
    """Refuse a post in the wrong kind of organization, a duplicate label, or a change its holdings contradict.

    Read-only, so the admin can call it to validate a form before the service saves.
    """
    _check_post_belongs_to(post.role, post.organization)
    if Post.objects.exclude(pk=post.pk).filter(organization=post.organization, label=post.label).exists():
        raise RuleViolation(f"{post.organization} already has a post called {post.label!r}.", field="label")
    if post.pk is None:
        return
    before = Post.objects.filter(pk=post.pk).values("role", "organization_id").get()
    holdings = Membership.objects.filter(post=post)
    if (before["role"], before["organization_id"]) != (post.role, post.organization_id) and holdings.exists():
        # Each holding was checked against the post's role (a councillor leads a group, an officer
        # holds an officer's post): the past holders would no longer fit.
        raise RuleViolation(
            f"{post.label} has been held, so its role and organization cannot change: create a new post.",
            field="role",
        )
    if post.single_holder:
        for holding in holdings.select_related("person"):
            clash = holdings.exclude(pk=holding.pk).overlapping(holding.start_date, holding.end_date).first()
            if clash:
                raise RuleViolation(
                    f"{holding.person} and {clash.person} held {post.label} at the same time, "
                    "so it cannot become a post with one holder.",
                    field="single_holder",
                )


def membership_start(
    *,
    actor: Person,
    reason: str,
    person: Person,
    organization: Organization,
    start_date: datetime.date,
    end_date: datetime.date | None = None,
) -> Membership:
    """Put a member in a political group, or an officer in a directorate, from ``start_date``."""
    membership = Membership(person=person, organization=organization, start_date=start_date, end_date=end_date)
    with transaction.atomic():
        Person.objects.select_for_update(no_key=True).get(pk=person.pk)
        check_membership(membership)
        save_with_history(membership, actor=actor, reason=reason)
    return membership


def post_appoint(
    *,
    actor: Person,
    reason: str,
    person: Person,
    post: Post,
    start_date: datetime.date,
    end_date: datetime.date | None = None,
) -> Membership:
    """Record that ``person`` holds ``post`` from ``start_date`` (to ``end_date``, inclusive)."""
    holding = Membership(
        person=person, organization=post.organization, post=post, start_date=start_date, end_date=end_date
    )
    with transaction.atomic():
        # Lock the post so that two appointments at once cannot both pass the overlap check.
        Post.objects.select_for_update(no_key=True).get(pk=post.pk)
        Person.objects.select_for_update(no_key=True).get(pk=person.pk)
        check_membership(holding)
        save_with_history(holding, actor=actor, reason=reason)
    return holding


def membership_end(*, actor: Person, reason: str, membership: Membership, end_date: datetime.date) -> Membership:
    """End a membership or a post holding on ``end_date`` (its last day)."""
    with transaction.atomic():
        membership = Membership.objects.select_for_update(no_key=True).get(pk=membership.pk)
        if membership.end_date is not None and membership.end_date < end_date:
            raise RuleViolation(f"This already ended on {membership.end_date:%d %B %Y}.", field="end_date")
        membership.end_date = end_date
        check_membership(membership)
        save_with_history(membership, actor=actor, reason=reason, update_fields=["end_date"])
    return membership


MEMBERSHIP_FIELDS = frozenset({"person", "organization", "post", "start_date", "end_date"})


def membership_update(*, actor: Person, reason: str, membership: Membership, changes: Mapping[str, Any]) -> Membership:
    """Correct a membership or a post holding (who, where, which post, from and to), checked under lock.

    A holding belongs to its post's organization, whatever ``changes`` says.
    """
    with transaction.atomic():
        membership = _locked_with_changes(membership, changes, MEMBERSHIP_FIELDS)
        changed = set(changes)
        if membership.post is not None and membership.organization_id != membership.post.organization_id:
            membership.organization = membership.post.organization
            changed.add("organization")
        # The locks post_appoint and membership_start take, so that no appointment slips in
        # between the overlap check and the save.
        if membership.post_id is not None:
            Post.objects.select_for_update(no_key=True).get(pk=membership.post_id)
        Person.objects.select_for_update(no_key=True).get(pk=membership.person_id)
        check_membership(membership)
        _save_changes(membership, changed, actor=actor, reason=reason)
    return membership


def check_membership(membership: Membership) -> None:
    """Refuse a membership or holding that contradicts the dates, the post or another holding.

    Read-only, so the admin can call it to validate a form before the service saves.
    """
    person, organization, post = membership.person, membership.organization, membership.post
    start, end = membership.start_date, membership.end_date
    if start is None:
        raise RuleViolation("Enter the date it starts.", field="start_date")
    if end is not None and end < start:
        raise RuleViolation(f"It cannot end ({end:%d %B %Y}) before it starts ({start:%d %B %Y}).", field="end_date")
    others = Membership.objects.exclude(pk=membership.pk).overlapping(start, end).select_related("person", "post")
    if post is None:
        _check_plain_membership(person, organization, others)
    else:
        _check_post_holding(person, post, start, end, others)


def _check_plain_membership(person, organization, others) -> None:
    if organization.classification == Organization.Classification.PARTY:
        if not person.is_member:
            raise RuleViolation(f"{person} is not a councillor, so cannot join a political group.", field="person")
        clash = others.filter(person=person, post__isnull=True, organization__classification="party").first()
        if clash:
            raise RuleViolation(
                f"{person} is already a member of {clash.organization} from {clash.start_date:%d %B %Y}; "
                "a member belongs to one political group at a time.",
                field="organization",
            )
    elif organization.classification == Organization.Classification.DIRECTORATE:
        if not person.is_officer:
            raise RuleViolation(f"{person} is not an officer, so cannot be placed in a directorate.", field="person")
        clash = others.filter(person=person, post__isnull=True, organization__classification="directorate").first()
        if clash:
            raise RuleViolation(
                f"{person} is already in {clash.organization} from {clash.start_date:%d %B %Y}; "
                "an officer is placed in one directorate at a time.",
                field="organization",
            )
    else:
        raise RuleViolation(
            "People join a political group or a directorate; the council has posts.", field="organization"
        )


def _check_post_holding(person, post, start, end, others) -> None:
    if post.role in Post.MEMBER_ROLES:
        if not person.is_member:
            raise RuleViolation(f"Only a councillor can hold the post of {post.label}.", field="person")
        group = selectors.group_of(person, on=start)
        if group != post.organization:
            raise RuleViolation(
                f"{person} is not a member of {post.organization} on {start:%d %B %Y}, so cannot be its {post.get_role_display().lower()}.",
                field="person",
            )
    elif not person.is_officer:
        raise RuleViolation(f"Only an officer can hold the post of {post.label}.", field="person")
    if post.single_holder:
        clash = others.filter(post=post).first()
        if clash:
            raise RuleViolation(
                f"{post.label} is held by {clash.person} from {clash.start_date:%d %B %Y}"
                + (f" to {clash.end_date:%d %B %Y}" if clash.end_date else "")
                + "; only one person holds it at a time.",
                field="post",
            )
    elif others.filter(post=post, person=person).exists():
        raise RuleViolation(f"{person} already holds {post.label} in that period.", field="post")


def _check_post_belongs_to(role: str, organization: Organization) -> None:
    kind = organization.classification
    if role in Post.PARTY_ROLES and kind != Organization.Classification.PARTY:
        raise RuleViolation("A group leader's post belongs to a political group.", field="organization")
    if role in Post.DIRECTORATE_ROLES and kind != Organization.Classification.DIRECTORATE:
        raise RuleViolation(
            "Directors', Assistant Directors' and officers' posts belong to a directorate.", field="organization"
        )
    if role not in Post.PARTY_ROLES | Post.DIRECTORATE_ROLES and kind != Organization.Classification.COUNCIL:
        raise RuleViolation("Statutory and audit posts belong to the council.", field="organization")


def _locked_with_changes(record, changes: Mapping[str, Any], allowed: frozenset[str]):
    """The record, locked for this transaction, with ``changes`` applied but not yet saved."""
    unknown = set(changes) - allowed
    if unknown:
        raise ValueError(f"{type(record).__name__} has no field that may change called {', '.join(sorted(unknown))}.")
    record = type(record).objects.select_for_update(no_key=True).get(pk=record.pk)
    for name, value in changes.items():
        setattr(record, name, value)
    return record


def _save_changes(record, changed: Iterable[str], *, actor: Person, reason: str) -> None:
    """Save the fields named in ``changed``; nothing changed, nothing saved (and no history row)."""
    fields = sorted(changed)
    if fields:
        save_with_history(record, actor=actor, reason=reason, update_fields=fields)


def absence_record(*, actor: Person, reason: str, start_date: datetime.date, end_date: datetime.date) -> Absence:
    """Record that the Chief Executive is absent, so that the Deputy acts for them (A2)."""

    if end_date < start_date:
        raise RuleViolation(
            f"The absence cannot end ({end_date:%d %B %Y}) before it starts ({start_date:%d %B %Y}).",
            field="end_date",
        )
    chief = selectors.holder_of(Role.CHIEF_EXECUTIVE, on=start_date)
    if chief is None:
        raise RuleViolation(f"Nobody holds the post of Chief Executive on {start_date:%d %B %Y}.", field="start_date")
    workflow.require(workflow.ABSENCE, workflow.RECORD_ABSENCE, None, selectors.standing_of(actor, on=start_date))
    with transaction.atomic():
        Person.objects.select_for_update(no_key=True).get(pk=chief.pk)
        clash = (
            Absence.objects.filter(person=chief, state=Absence.State.RECORDED)
            .filter(start_date__lte=end_date, end_date__gte=start_date)
            .first()
        )
        if clash:
            raise RuleViolation(
                f"An absence from {clash.start_date:%d %B %Y} to {clash.end_date:%d %B %Y} is already recorded.",
                field="start_date",
            )
        absence = Absence(person=chief, start_date=start_date, end_date=end_date, recorded_by=actor, reason=reason)
        save_with_history(absence, actor=actor, reason=reason)
        deputy = selectors.holder_of(Role.DEPUTY_CHIEF_EXECUTIVE, start_date)
        if deputy is not None:
            notify(
                cause=f"absence:{absence.pk}:recorded",
                kind="absence-recorded",
                recipients=[deputy],
                about=absence,
                actor=actor,
                context={"absence": absence, "council_name": settings.COUNCIL_NAME},
            )
    return absence


def absence_cancel(*, actor: Person, reason: str, absence: Absence) -> Absence:

    with transaction.atomic():
        absence = Absence.objects.select_for_update(no_key=True).get(pk=absence.pk)
        standing = selectors.standing_of(actor, on=absence.start_date)
        absence.state = workflow.require(workflow.ABSENCE, workflow.CANCEL_ABSENCE, absence, standing)
        save_with_history(absence, actor=actor, reason=reason, update_fields=["state"])
    return absence
