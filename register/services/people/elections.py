"""Elections: the results of polling day compared with the council as it stands (who joins, who
leaves, who continues, who changes group), then recorded through the people services in one
transaction. A by-election is the same journey for one seat; a councillor crossing the floor is
``person_change_group``, which an election uses for a re-elected councillor in another group.

Retiring councillors' terms end, and the newly elected take office, ``ELECTION_TAKE_OFFICE_DAYS``
after polling day (four in England and Wales: Local Government Act 1972, s.7). Group leaders and
deputies are not set by an election: a group whose leader left, or a new group, has no leader until
the group reports one, and meanwhile nobody may ask for briefings on its behalf (A1).
"""

import datetime
from collections.abc import Collection, Sequence
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.db.models.functions import Lower

from register import selectors, workflow
from register.errors import RuleViolation
from register.models import Membership, Organization, Person, Post
from register.services.people.changes import require_keeper

# Why a line of the results cannot be recorded: the import's shape, on the line and field the reader will find.
from register.services.people.imports import LineProblem as Problem
from register.services.people.leavers import person_leave
from register.services.people.lines import PersonLine
from register.services.people.memberships import membership_end, membership_start
from register.services.people.organizations import organization_create
from register.services.people.persons import person_create, person_update

Role = Post.Role

# Which seats were up. The register does not know each ward's cycle, so for all but the whole council
# Democratic Services mark the councillors whose seats were up (``retiring``).
WHOLE = "whole"
HALF = "half"
THIRD = "third"
ONE = "one"
# Not an election: a councillor crossing the floor, the same journey for one person, from the day itself.
FLOOR = "floor"
SEATS = {
    WHOLE: "The whole council",
    HALF: "Half the council",
    THIRD: "A third of the council",
    ONE: "One seat (a by-election)",
    FLOOR: "One councillor crossing the floor",
}


@dataclass(frozen=True)
class Joining:
    """Someone elected who is not a serving councillor: new to the register, or returning (``person``)."""

    line: PersonLine
    person: Person | None = None

    @property
    def name(self) -> str:
        return self.person.name if self.person else self.line.name


@dataclass(frozen=True)
class Leaving:
    """A retiring councillor not re-elected: their group and group posts end with their term."""

    person: Person
    group: Organization | None
    posts: tuple[str, ...] = ()


@dataclass(frozen=True)
class Continuing:
    """A retiring councillor re-elected in the same group: nothing of theirs changes."""

    person: Person
    group: Organization | None


@dataclass(frozen=True)
class ChangingGroup:
    """A retiring councillor re-elected for another group (or none): their group posts end too."""

    person: Person
    old_group: Organization | None
    new_group: str  # by name; empty for no group
    posts: tuple[str, ...] = ()


@dataclass(frozen=True)
class WithoutLeader:
    """A group that, after the election, has no leader or no deputy leader recorded."""

    group: str
    no_leader: bool
    no_deputy: bool
    is_new: bool


@dataclass(frozen=True)
class ElectionPlan:
    polling_day: datetime.date
    seats: str
    joins: tuple[Joining, ...]
    leaves: tuple[Leaving, ...]
    continues: tuple[Continuing, ...]
    changes_group: tuple[ChangingGroup, ...]
    new_groups: tuple[str, ...]
    without_leader: tuple[WithoutLeader, ...]
    problems: tuple[Problem, ...]

    @property
    def takes_office(self) -> datetime.date:
        return take_office_day(self.polling_day, self.seats)

    @property
    def terms_end(self) -> datetime.date:
        """The retiring councillors' last day: the day before the newly elected take office."""
        return self.takes_office - datetime.timedelta(days=1)

    @property
    def seats_label(self) -> str:
        return SEATS[self.seats]


def take_office_day(polling_day: datetime.date, seats: str = WHOLE) -> datetime.date:
    """When the elected take office: ``ELECTION_TAKE_OFFICE_DAYS`` after polling day; a councillor
    crossing the floor is in their new group from the day given."""
    if seats == FLOOR:
        return polling_day
    return polling_day + datetime.timedelta(days=settings.ELECTION_TAKE_OFFICE_DAYS)


def check_polling_day(polling_day: datetime.date | None, *, on: datetime.date, in_the_past: bool) -> None:
    """A polling day before ``on`` is most often a mistyped year: it is refused unless the person
    says the election has already happened."""
    if polling_day is None:
        raise RuleViolation("Enter polling day.", field="polling_day")
    if polling_day < on and not in_the_past:
        raise RuleViolation(
            f"Polling day ({polling_day:%-d %B %Y}) is in the past. If this election has already happened, say so.",
            field="polling_day",
        )


def serving_councillors(on: datetime.date):
    """The elected councillors serving on ``on``: those whose seats an election may put up."""
    return selectors.people_search(kind=Person.Kind.MEMBER, on=on).filter(member_type=Person.MemberType.ELECTED)


def plan_election(
    *,
    polling_day: datetime.date,
    seats: str | Collection[Person],
    results: Sequence[PersonLine],
    on: datetime.date,
    retiring: Collection[Person] = (),
) -> ElectionPlan:
    """Compare the results with the council as it stands, saving nothing.

    ``seats`` is WHOLE (every serving elected councillor retires), or HALF, THIRD or ONE with the
    councillors whose seats were up in ``retiring`` (as Democratic Services mark them); a collection
    of councillors in ``seats`` is the same as ONE or HALF with them in ``retiring``. The re-elected
    are matched by e-mail address, whatever its case. ``on`` is today, for the returning councillors'
    and groups' state as it stands."""
    if not isinstance(seats, str):
        retiring, seats = list(seats), ONE if len(seats) <= 1 else HALF
    if seats not in SEATS:
        raise RuleViolation("Choose which seats were up for election.", field="seats")
    terms_end = take_office_day(polling_day, seats) - datetime.timedelta(days=1)
    serving = {person.pk: person for person in serving_councillors(polling_day)}
    if seats == WHOLE:
        up = dict(serving)
    else:
        up = {person.pk: serving.get(person.pk) for person in retiring}
        if not up and seats != ONE:
            raise RuleViolation("Choose the councillors whose seats were up for election.", field="retiring")
        if None in up.values():
            raise RuleViolation("Only serving elected councillors' seats can be up for election.", field="retiring")
        if seats == ONE and len(up) > 1:
            raise RuleViolation("A by-election fills one seat: choose at most one councillor.", field="retiring")
        if seats == FLOOR and len(up) != 1:
            raise RuleViolation("Choose the one councillor crossing the floor.", field="retiring")

    groups = {
        group.name: group for group in Organization.objects.filter(classification=Organization.Classification.PARTY)
    }
    other_organizations = set(
        Organization.objects.exclude(classification=Organization.Classification.PARTY).values_list("name", flat=True)
    )
    memberships = group_memberships_on(terms_end)
    holdings = _group_posts(terms_end)

    problems: list[Problem] = []
    if seats in (ONE, FLOOR) and len(results) > 1:
        problems.append(Problem(results[1].line, "email", "This is about one councillor: the file has more lines."))
    emails = {line.email.strip().lower() for line in results if line.email.strip()}
    known = {
        person.email.lower(): person
        for person in Person.objects.annotate(email_lower=Lower("email")).filter(email_lower__in=emails)
    }
    seen: set[str] = set()
    joins, continues, changes = [], [], []
    new_groups: list[str] = []
    elected: set[int] = set()
    for line in results:
        found = _check_line(line, seen, groups, other_organizations, problems)
        if not found:
            continue
        if line.group and line.group not in groups and line.group not in new_groups:
            new_groups.append(line.group)
        person = known.get(line.email.strip().lower())
        if person is None:
            joins.append(Joining(line))
        elif not person.is_member or person.member_type != Person.MemberType.ELECTED:
            problems.append(
                Problem(line.line, "email", f"{line.email} is {person.name}'s, who is not an elected councillor.")
            )
        elif person.pk in up:
            elected.add(person.pk)
            old = memberships.get(person.pk)
            old_group = old.organization if old else None
            if (old_group.name if old_group else "") == line.group:
                continues.append(Continuing(person, old_group))
            else:
                changes.append(ChangingGroup(person, old_group, line.group, _labels(holdings.get(person.pk))))
        elif person.pk in serving:
            problems.append(
                Problem(
                    line.line, "email", f"{person.name}'s seat was not up for election: they are a serving councillor."
                )
            )
        else:
            joins.append(Joining(line, person))
    leaves = [
        Leaving(
            person,
            memberships[person.pk].organization if person.pk in memberships else None,
            _labels(holdings.get(person.pk)),
        )
        for pk, person in sorted(up.items(), key=lambda item: (item[1].last_name, item[1].first_name))
        if pk not in elected
    ]
    if seats == FLOOR:
        joins, leaves, problems = _crossing_the_floor(results, up, joins, leaves, continues, problems)
    ending = {leaving.person.pk for leaving in leaves} | {change.person.pk for change in changes}
    return ElectionPlan(
        polling_day=polling_day,
        seats=seats,
        joins=tuple(joins),
        leaves=tuple(leaves),
        continues=tuple(continues),
        changes_group=tuple(changes),
        new_groups=tuple(new_groups),
        without_leader=_without_leader(memberships, holdings, ending, joins, changes, new_groups, serving),
        problems=tuple(problems),
    )


def _crossing_the_floor(results, up, joins, leaves, continues, problems):
    """Crossing the floor moves one serving councillor, named on the file's one line, to another
    group: nobody joins or leaves the council."""
    (person,) = up.values()
    if not results:
        problems.append(Problem(1, "email", f"The file has no line for {person.name}, who is crossing the floor."))
    for joining in joins:
        problems.append(
            Problem(joining.line.line, "email", f"This line is not {person.name}'s, who is crossing the floor.")
        )
    for continuing in continues:
        group = continuing.group.name if continuing.group else "no political group"
        problems.append(
            Problem(results[0].line, "group", f"{person.name} is already in {group}: name their new group.")
        )
    return [], [], problems


def _check_line(line: PersonLine, seen: set[str], groups, other_organizations, problems: list[Problem]) -> bool:
    """Whether the line says who was elected in a way the register can record; else why not."""
    before = len(problems)
    email = line.email.strip().lower()
    if line.kind != Person.Kind.MEMBER:
        problems.append(Problem(line.line, "kind", "Only councillors are elected: the kind must be member."))
    if line.member_type not in ("", Person.MemberType.ELECTED):
        problems.append(
            Problem(line.line, "member_type", "Co-opted members are not elected: leave it empty or elected.")
        )
    if not email:
        problems.append(Problem(line.line, "email", "Enter the councillor's e-mail address."))
    elif email in seen:
        problems.append(Problem(line.line, "email", f"{line.email} is on another line of the results too."))
    seen.add(email)
    if not line.given_name.strip() or not line.family_name.strip():
        problems.append(Problem(line.line, "given_name", "Enter the councillor's given and family names."))
    if line.group_role:
        problems.append(
            Problem(
                line.line,
                "group_role",
                "Group leaders and deputies are not set by an election: record them when the group reports them.",
            )
        )
    if line.group in other_organizations:
        problems.append(Problem(line.line, "group", f"{line.group} is not a political group."))
    return len(problems) == before


def group_memberships_on(on: datetime.date) -> dict[int, Membership]:
    found = (
        Membership.objects.on(on)
        .filter(post__isnull=True, organization__classification=Organization.Classification.PARTY)
        .select_related("organization")
    )
    return {membership.person_id: membership for membership in found}


def _group_posts(on: datetime.date) -> dict[int, list[Membership]]:
    found = Membership.objects.on(on).filter(post__role__in=Post.MEMBER_ROLES).select_related("post", "organization")
    held: dict[int, list[Membership]] = {}
    for holding in found:
        held.setdefault(holding.person_id, []).append(holding)
    return held


def _labels(holdings: list[Membership] | None) -> tuple[str, ...]:
    return tuple(holding.post.label for holding in holdings or ())


def _without_leader(memberships, holdings, ending, joins, changes, new_groups, serving) -> tuple[WithoutLeader, ...]:
    """Every group with councillors after the election that has no leader or no deputy then."""
    after = {m.organization.name for pk, m in memberships.items() if pk not in ending and pk in serving}
    after |= {j.line.group for j in joins if j.line.group} | {c.new_group for c in changes if c.new_group}
    roles: dict[str, set[str]] = {}
    for person_id, held in holdings.items():
        if person_id in ending:
            continue
        for holding in held:
            roles.setdefault(holding.organization.name, set()).add(holding.post.role)
    found = []
    for name in sorted(after):
        has = roles.get(name, set())
        if Role.GROUP_LEADER not in has or Role.DEPUTY_GROUP_LEADER not in has:
            found.append(
                WithoutLeader(
                    name,
                    no_leader=Role.GROUP_LEADER not in has,
                    no_deputy=Role.DEPUTY_GROUP_LEADER not in has,
                    is_new=name in new_groups,
                )
            )
    return tuple(found)


def record_election(*, actor: Person, reason: str, plan: ElectionPlan, in_the_past: bool = False) -> None:
    """Record the planned election in one transaction, all or nothing, through the people services:
    new groups; the leavers' group memberships and group posts end with their term and they are
    recorded as having left; the re-elected in another group move to it; the newly elected take
    office in the group the results name."""
    require_keeper(actor, workflow.HOLD_ELECTION)
    check_polling_day(plan.polling_day, on=selectors.today(), in_the_past=in_the_past)
    if plan.problems:
        raise RuleViolation(
            f"The results have {len(plan.problems)} problem{'s' if len(plan.problems) != 1 else ''}: "
            "correct the file and upload it again.",
            field="results",
        )
    takes_office, terms_end = plan.takes_office, plan.terms_end
    with transaction.atomic():
        groups = {g.name: g for g in Organization.objects.filter(classification=Organization.Classification.PARTY)}
        for name in plan.new_groups:
            groups[name] = organization_create(
                actor=actor, reason=reason, name=name, classification=Organization.Classification.PARTY
            )
        for leaving in plan.leaves:
            _end_term(actor=actor, reason=reason, person=leaving.person, last_day=terms_end)
        for change in plan.changes_group:
            person_change_group(
                actor=actor, reason=reason, person=change.person, group=groups.get(change.new_group), on=takes_office
            )
        for joining in plan.joins:
            person = joining.person
            if person is None:
                person = _elected_person(actor=actor, reason=reason, line=joining.line)
            else:
                person_update(actor=actor, reason=reason, person=person, changes={"left_on": None})
            if joining.line.group:
                membership_start(
                    actor=actor,
                    reason=reason,
                    person=person,
                    organization=groups[joining.line.group],
                    start_date=takes_office,
                )


def _elected_person(*, actor: Person, reason: str, line: PersonLine) -> Person:
    return person_create(
        actor=actor,
        reason=reason,
        username=line.email.strip().casefold(),  # as the import names people
        first_name=line.given_name.strip(),
        last_name=line.family_name.strip(),
        email=line.email.strip(),
        kind=Person.Kind.MEMBER,
        member_type=Person.MemberType.ELECTED,
    )


def _end_term(*, actor: Person, reason: str, person: Person, last_day: datetime.date) -> None:
    """A councillor not re-elected leaves on their last day, as any leaver does: their group and
    group posts end, their open items are dealt with and those affected told (``person_leave``)."""
    person_leave(actor=actor, reason=reason, person=person, left_on=last_day)


def _end_group(*, actor: Person, reason: str, person: Person, last_day: datetime.date) -> None:
    """End ``person``'s group membership and the group posts they hold, on ``last_day``."""
    current = (
        Membership.objects.on(last_day)
        .filter(person=person)
        .filter(organization__classification=Organization.Classification.PARTY)
    )
    # Posts first: a group post is held by a member of the group, which the membership's end checks.
    for membership in sorted(current, key=lambda m: m.post_id is None):
        membership_end(actor=actor, reason=reason, membership=membership, end_date=last_day)


def person_change_group(
    *, actor: Person, reason: str, person: Person, group: Organization | None, on: datetime.date
) -> None:
    """``person`` belongs to ``group`` (or to none) from ``on``: a councillor crossing the floor, or
    re-elected for another group. Their membership of their old group and its posts end the day before."""
    require_keeper(actor, workflow.CHANGE_COUNCIL_RECORDS)
    if not person.is_member:
        raise RuleViolation(f"{person} is not a councillor, so belongs to no political group.", field="person")
    if group is not None and not group.is_party:
        raise RuleViolation(f"{group} is not a political group.", field="organization")
    with transaction.atomic():
        Person.objects.select_for_update(no_key=True).get(pk=person.pk)
        if group is not None and selectors.group_of(person, on) == group:
            raise RuleViolation(f"{person} is already a member of {group} on {on:%-d %B %Y}.", field="organization")
        _end_group(actor=actor, reason=reason, person=person, last_day=on - datetime.timedelta(days=1))
        if group is not None:
            membership_start(actor=actor, reason=reason, person=person, organization=group, start_date=on)
