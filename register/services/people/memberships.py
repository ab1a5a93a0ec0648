"""Memberships of a group or a directorate and the holding of posts, checked against the dates and other holdings."""

import datetime
from collections.abc import Mapping
from typing import Any

from django.db import transaction

from register import selectors, workflow
from register.errors import RuleViolation
from register.models import Membership, Organization, Person, Post
from register.services.history import save_with_history
from register.services.people.changes import locked_with_changes, require_keeper, save_changes


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
    require_keeper(actor, workflow.CHANGE_COUNCIL_RECORDS)
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
    require_keeper(actor, workflow.CHANGE_COUNCIL_RECORDS)
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
    require_keeper(actor, workflow.CHANGE_COUNCIL_RECORDS, membership)
    with transaction.atomic():
        membership = Membership.objects.select_for_update(no_key=True).get(pk=membership.pk)
        if membership.end_date is not None and membership.end_date < end_date:
            raise RuleViolation(_already_ended(membership), field="end_date")
        membership.end_date = end_date
        check_membership(membership)
        save_with_history(membership, actor=actor, reason=reason, update_fields=["end_date"])
    return membership


def _already_ended(membership: Membership) -> str:
    """Why an ended membership or holding cannot end later: when, and who holds the post now."""
    said = f"This already ended on {membership.end_date:%d %B %Y}."
    if membership.post_id is None:
        return said
    now = Membership.objects.filter(post_id=membership.post_id, start_date__gt=membership.end_date)
    successor = now.select_related("person").order_by("start_date").first()
    if successor is None:
        return said
    return f"{said} {successor.person} has held {membership.post.label} since {successor.start_date:%d %B %Y}."


MEMBERSHIP_FIELDS = frozenset({"person", "organization", "post", "start_date", "end_date"})


def membership_update(*, actor: Person, reason: str, membership: Membership, changes: Mapping[str, Any]) -> Membership:
    """Correct a membership or a post holding (who, where, which post, from and to), checked under lock.

    A holding belongs to its post's organization, whatever ``changes`` says.
    """
    require_keeper(actor, workflow.CHANGE_COUNCIL_RECORDS, membership)
    with transaction.atomic():
        membership = locked_with_changes(membership, changes, MEMBERSHIP_FIELDS)
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
        save_changes(membership, changed, actor=actor, reason=reason)
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
            "People join a political group or a directorate; the council has posts, and parish and town councils "
            "are listed for complaints about their members.",
            field="organization",
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
    elif post.role == Post.Role.INDEPENDENT_PERSON:
        if not person.is_independent_person:
            raise RuleViolation(
                f"Only an Independent Person, neither a councillor nor an officer, can hold the post of {post.label}.",
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
