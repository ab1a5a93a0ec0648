"""Declared relationships between officers and members current on a day, for the conflict check (B7). One query."""

import datetime
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Q

from register.models import Declaration, Person
from register.models.declarations import describe_action, describe_kind


@dataclass(frozen=True)
class ActiveRelationship:
    """A declared relationship between an officer and a member current on a day, as the
    attendance flow shows it: who declared it, the kind and the action agreed, never the
    description. The warning's sentence is ``register.conflicts.warning_sentence``'s."""

    declaration_id: int
    officer: Person
    member: Person
    declared_by: Person
    kind: str
    kind_text: str
    action_agreed: str
    action_text: str


@dataclass(frozen=True)
class DeclaredDuring:
    """An ``ActiveRelationship`` with the days it is declared for, to check against several days."""

    relationship: ActiveRelationship
    began_on: datetime.date
    ended_on: datetime.date | None

    def current_on(self, day: datetime.date) -> bool:
        return self.began_on <= day and (self.ended_on is None or self.ended_on >= day)


def active_relationships(
    officers: Iterable[Person], members: Iterable[Person], on: datetime.date
) -> list[ActiveRelationship]:
    """Open declarations current on ``on`` between any of ``officers`` and any of ``members``,
    declared from either side and not withdrawn (B7). One query, whatever the numbers. Both
    sides' declarations of one relationship are both returned; each names who declared it."""
    return [declared.relationship for declared in relationships_declared_during(officers, members, on, on)]


def relationships_declared_during(
    officers: Iterable[Person], members: Iterable[Person], first: datetime.date, last: datetime.date
) -> list[DeclaredDuring]:
    """``active_relationships`` for any day from ``first`` to ``last``, each with its days, for
    checking many briefings on their own days at once (B7). One query, whatever the numbers."""
    officers, members = list(officers), list(members)
    people = {person.pk: person for person in [*officers, *members]}
    officer_ids = [person.pk for person in officers]
    member_ids = [person.pk for person in members]
    if not officer_ids or not member_ids:
        return []
    officer_set = set(officer_ids)
    rows = (
        Declaration.objects.filter(Q(ended_on__isnull=True) | Q(ended_on__gte=first), began_on__lte=last)
        .exclude(state=Declaration.State.WITHDRAWN)
        .filter(
            Q(declarant__in=officer_ids, other_person__in=member_ids)
            | Q(declarant__in=member_ids, other_person__in=officer_ids)
        )
        .order_by("declared_at", "id")
        .values(
            "id",
            "declarant_id",
            "other_person_id",
            "kind",
            "family_relation",
            "action_agreed",
            "action_detail",
            "began_on",
            "ended_on",
        )
    )
    found = []
    for row in rows:
        declarant, other = people[row["declarant_id"]], people[row["other_person_id"]]
        officer, member = (declarant, other) if row["declarant_id"] in officer_set else (other, declarant)
        relationship = ActiveRelationship(
            declaration_id=row["id"],
            officer=officer,
            member=member,
            declared_by=declarant,
            kind=row["kind"],
            kind_text=describe_kind(row["kind"], row["family_relation"]),
            action_agreed=row["action_agreed"],
            action_text=describe_action(row["action_agreed"], row["action_detail"]),
        )
        found.append(DeclaredDuring(relationship, row["began_on"], row["ended_on"]))
    return found
