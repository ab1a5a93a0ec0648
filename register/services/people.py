"""Changes to people, groups, directorates, posts and recorded absences."""

import datetime

from django.conf import settings
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
    if kind == Person.Kind.MEMBER and not member_type:
        raise RuleViolation("A member is either elected or co-opted.", field="member_type")
    if kind != Person.Kind.MEMBER and member_type:
        raise RuleViolation("Only members are elected or co-opted.", field="member_type")
    if Person.objects.filter(username=username).exists():
        raise RuleViolation(f"The username {username!r} is already taken.", field="username")
    person = Person(
        username=username,
        first_name=first_name,
        last_name=last_name,
        email=email,
        kind=kind,
        member_type=member_type,
    )
    if password:
        person.set_password(password)
    elif password_hash:
        person.password = password_hash
    else:
        person.set_unusable_password()
    with transaction.atomic():
        save_with_history(person, actor=actor, reason=reason)
    return person


def organization_create(
    *, actor: Person, reason: str, name: str, classification: str, is_administration: bool = False
) -> Organization:
    if is_administration and classification != Organization.Classification.PARTY:
        raise RuleViolation("Only a political group can be part of the administration.", field="is_administration")
    if Organization.objects.filter(name=name).exists():
        raise RuleViolation(f"There is already an organization called {name!r}.", field="name")
    organization = Organization(name=name, classification=classification, is_administration=is_administration)
    with transaction.atomic():
        save_with_history(organization, actor=actor, reason=reason)
    return organization


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
    _check_post_belongs_to(role, organization)
    if single_holder is None:
        single_holder = role not in {Role.AUDITOR}
    post = Post(
        organization=organization,
        role=role,
        label=label,
        single_holder=single_holder,
        politically_restricted=politically_restricted,
    )
    with transaction.atomic():
        save_with_history(post, actor=actor, reason=reason)
    return post


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
