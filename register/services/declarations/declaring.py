"""Declaring a relationship between a councillor and an officer (B1): whom, the details, the route to review."""

import datetime

from django.db import transaction
from django.db.models import Case, IntegerField, Value, When
from django.utils import timezone

from register import policies, selectors, workflow
from register.errors import RuleViolation
from register.models import Declaration, Person
from register.models.declarations import IF_IN_DOUBT, WHAT_COUNTS, WHAT_DOES_NOT_COUNT
from register.selectors import declarations as declaration_selectors
from register.services.declarations.common import common_context, rule_for, tell_reviewer
from register.services.history import save_with_history
from register.services.notifications import notify

OUT_OF_SCOPE_SAME_SIDE = {
    Person.Kind.MEMBER: (
        "This register is for relationships between a councillor and an officer (the protocol on "
        "member/officer relations, section 5.9). A relationship between two councillors is outside it: "
        "councillors' interests are registered and declared under the Members' Code of Conduct."
    ),
    Person.Kind.OFFICER: (
        "This register is for relationships between a councillor and an officer (the protocol on "
        "member/officer relations, section 5.9). A relationship between two officers is outside it: it is "
        "a matter for the council's employment policy on relationships at work."
    ),
}


def declaration_submit(
    *,
    actor: Person,
    reason: str,
    other_person: Person,
    kind: str,
    began_on: datetime.date,
    description: str,
    family_relation: str = "",
    reviewer: Person | None = None,
) -> Declaration:
    """``actor`` declares a relationship with ``other_person`` (B1, B6).

    It goes to the reviewer worked out from today's posts (B3, B4), or to the one the declarant
    chose among those offered; the other person is told that a declaration names them and asked
    to make their own, and if they already have, the two are linked. Who may declare is the
    workflow's (``DECLARE``: councillors and officers current today); who they may name is checked here.
    """
    standing = selectors.standing_of(actor)
    workflow.require(workflow.DECLARATION, workflow.DECLARE, None, standing)
    today = standing.on
    family_relation = (family_relation or "").strip()
    description = (description or "").strip()
    _check_parties(actor, other_person, today)
    _check_details(kind=kind, family_relation=family_relation, began_on=began_on, description=description, today=today)
    route = declaration_selectors.route_for(actor, other_person, today, chosen=reviewer)

    with transaction.atomic():
        # Lock both people, in a fixed order, so that two declarations about the same pair made at
        # once see each other: neither duplicates, and the second links to the first.
        list(Person.objects.select_for_update(no_key=True).filter(pk__in=[actor.pk, other_person.pk]).order_by("pk"))
        _check_not_already_declared(actor, other_person, kind)
        counterpart = _counterpart_for(actor, other_person, kind)
        declaration = Declaration(
            declarant=actor,
            other_person=other_person,
            kind=kind,
            family_relation=family_relation,
            began_on=began_on,
            description=description,
            reviewer=route.person,
            reviewer_capacity=route.capacity,
            counterpart=counterpart,
        )
        save_with_history(declaration, actor=actor, reason=reason)
        if counterpart is not None:
            counterpart.counterpart = declaration
            save_with_history(
                counterpart,
                actor=actor,
                reason=f"Linked to {actor}'s own declaration of the same relationship",
                update_fields=["counterpart"],
            )
        tell_reviewer(declaration, actor=actor, cause=f"declaration:{declaration.pk}:submitted")
        notify(
            cause=f"declaration:{declaration.pk}:submitted",
            kind="declaration-names-you",
            recipients=[other_person],
            about=declaration,
            actor=actor,
            context=common_context(
                declarant=actor,
                kind_text=declaration.kind_text,
                already_declared=counterpart is not None,
                what_counts=WHAT_COUNTS,
                what_does_not_count=WHAT_DOES_NOT_COUNT,
                if_in_doubt=IF_IN_DOUBT,
                rule=rule_for(other_person),
            ),
        )
    return declaration


def _check_parties(declarant: Person, other_person: Person, today: datetime.date) -> None:
    """The other person: someone else, on the other side (a councillor for an officer, and the
    other way round), and still in the council. The declarant's own standing is the workflow's."""
    if other_person.pk == declarant.pk:
        raise RuleViolation(
            "A declaration is about your relationship with someone else: you cannot name yourself.",
            field="other_person",
            rule="B1",
        )
    if other_person.kind == declarant.kind:
        raise RuleViolation(OUT_OF_SCOPE_SAME_SIDE[declarant.kind], field="other_person", rule="B1")
    if other_person.kind not in policies.DECLARING_KINDS:
        raise RuleViolation("The other person must be a councillor or an officer.", field="other_person", rule="B1")
    if not other_person.is_current_on(today):
        raise RuleViolation(
            f"{other_person} is no longer a {'councillor' if other_person.is_member else 'council officer'}, "
            "so there is nothing to declare.",
            field="other_person",
        )


def _check_details(*, kind, family_relation, began_on, description, today) -> None:
    if kind not in Declaration.Kind.values:
        raise RuleViolation("Choose the kind of relationship.", field="kind")
    if kind == Declaration.Kind.FAMILY and not family_relation:
        raise RuleViolation("Say how you are related, for example 'brother' or 'cousin'.", field="family_relation")
    if kind != Declaration.Kind.FAMILY and family_relation:
        raise RuleViolation("A relation is given only for a family relationship.", field="family_relation")
    if began_on is None:
        raise RuleViolation("Give the date the relationship began; an approximate date will do.", field="began_on")
    if began_on > today:
        raise RuleViolation(
            f"The relationship cannot begin in the future ({began_on:%d %B %Y}); declare it once it exists.",
            field="began_on",
        )
    if not description:
        raise RuleViolation("Describe the relationship in a few words.", field="description")


def _check_not_already_declared(declarant: Person, other_person: Person, kind: str) -> None:
    existing = Declaration.objects.filter(
        declarant=declarant, other_person=other_person, kind=kind, state__in=Declaration.OPEN_STATES
    ).first()
    if existing is not None:
        raise RuleViolation(
            f"You already have a current declaration of {existing.kind_text.lower()} with {other_person}, "
            f"made on {timezone.localdate(existing.declared_at):%d %B %Y}. End it, or withdraw it if it was "
            "made in error, before declaring again.",
            field="kind",
        )


def _counterpart_for(declarant: Person, other_person: Person, kind: str) -> Declaration | None:
    """The other person's own open, unlinked declaration of this relationship, the same kind first."""
    return (
        Declaration.objects.select_for_update(no_key=True)
        .filter(
            declarant=other_person, other_person=declarant, state__in=Declaration.OPEN_STATES, counterpart__isnull=True
        )
        .order_by(Case(When(kind=kind, then=Value(0)), default=Value(1), output_field=IntegerField()), "declared_at")
        .first()
    )
