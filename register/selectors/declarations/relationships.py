"""Declared relationships between officers and members current on a day, for the conflict check (B7)."""

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
    members = list(members)
    if not members:
        return []
    return [declared.relationship for declared in relationships_declared_during(officers, on, on, members=members)]


def relationships_declared_during(
    officers: Iterable[Person],
    first: datetime.date,
    last: datetime.date,
    *,
    members: Iterable[Person] | None = None,
) -> list[DeclaredDuring]:
    """Open declarations for any day from ``first`` to ``last`` between any of ``officers`` and anyone
    else (any of ``members``, when given), each with its days, for checking many briefings on their
    own days at once (B7): the caller keeps those whose other party was in the briefing's group on
    the day. One query, whatever the numbers; when ``members`` are not given and some are found, one
    more for the other parties."""
    officers = {person.pk: person for person in officers}
    if not officers:
        return []
    officer_ids = list(officers)
    known = dict(officers)
    if members is None:
        between = Q(declarant__in=officer_ids) | Q(other_person__in=officer_ids)
    else:
        members = {person.pk: person for person in members}
        known.update(members)
        member_ids = list(members)
        between = Q(declarant__in=officer_ids, other_person__in=member_ids) | Q(
            declarant__in=member_ids, other_person__in=officer_ids
        )
    rows = list(
        Declaration.objects.filter(Q(ended_on__isnull=True) | Q(ended_on__gte=first), began_on__lte=last)
        .exclude(state=Declaration.State.WITHDRAWN)
        .filter(between)
        .order_by("declared_at", "id")
        .values(*_READ)
    )
    if not rows:  # the usual case: none of these officers has declared anything for those days
        return []
    unknown = {row[side] for row in rows for side in ("declarant_id", "other_person_id")} - known.keys()
    people = {**Person.objects.in_bulk(unknown), **known} if unknown else known
    found = []
    for row in rows:
        declarant, other = people[row["declarant_id"]], people[row["other_person_id"]]
        officer, member = (declarant, other) if declarant.pk in officers else (other, declarant)
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


_READ = (
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
