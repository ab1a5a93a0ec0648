"""Changes to the organizations of the register (political groups, directorates, the council) and their posts."""

from collections.abc import Mapping
from typing import Any

from django.db import transaction

from register import workflow
from register.errors import RuleViolation
from register.models import Membership, Organization, Person, Post
from register.services.history import save_with_history
from register.services.people.changes import locked_with_changes, require_keeper, save_changes

Role = Post.Role


def organization_create(
    *, actor: Person, reason: str, name: str, classification: str, is_administration: bool = False
) -> Organization:
    require_keeper(actor, workflow.CHANGE_COUNCIL_RECORDS)
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
    require_keeper(actor, workflow.CHANGE_COUNCIL_RECORDS, organization)
    with transaction.atomic():
        organization = locked_with_changes(organization, changes, ORGANIZATION_FIELDS)
        check_organization(organization)
        save_changes(organization, changes, actor=actor, reason=reason)
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
    require_keeper(actor, workflow.CHANGE_COUNCIL_RECORDS)
    if single_holder is None:
        single_holder = role not in Post.SHARED_ROLES
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
    require_keeper(actor, workflow.CHANGE_COUNCIL_RECORDS, post)
    with transaction.atomic():
        post = locked_with_changes(post, changes, POST_FIELDS)
        check_post(post)
        save_changes(post, changes, actor=actor, reason=reason)
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
