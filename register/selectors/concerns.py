"""Concerns under the protocol (D1-D3, D6): where a new one goes, resolved from the posts held on the
day under the council's protocol (settings.CONCERNS_PROTOCOL), and the reads of concerns, always
scoped to the viewer (``policies.sees_concern``).

Routes (DOMAIN.md, section D):

- "redress" (002 section 8): a councillor's concern about an officer goes to the officer's line
  manager or their Chief Officer, as the councillor chooses (D1); an officer's concern about a
  councillor to the officer's own Chief Officer (D2).
- "complaints" (004, "In terms of complaints"): a councillor's concern goes to the Monitoring
  Officer, else their deputy, else the Head of Paid Service (D1); an officer's to their line manager (D2).
- Either way a councillor's difficulty obtaining information goes to the Monitoring Officer (D3),
  and an officer's report after a briefing is routed as D2 (D6).

A handler is never the raiser or the person concerned, nor someone recorded as absent that day.
"""

import datetime
from dataclasses import dataclass

from django.conf import settings
from django.db.models import BooleanField, Case, Count, Min, Q, QuerySet, Value, When

from register import policies
from register.errors import NotFound, RuleViolation
from register.models import Concern, Person, Post
from register.policies import Standing
from register.selectors.people import directorate_of, holding_of, holdings_on, is_absent, roles_of

Role = Post.Role
Kind = Concern.Kind

REDRESS = "redress"
COMPLAINTS = "complaints"


@dataclass(frozen=True)
class Route:
    """A person a concern may go to, the capacity in which they handle it, and the rule that routes it."""

    person: Person
    capacity: str
    rule: str


def protocol() -> str:
    """The council's protocol for concerns, read when asked (tests and the live server switch it)."""
    return settings.CONCERNS_PROTOCOL


def concern_kind(raiser: Person, concerned: Person | None, *, information: bool = False) -> str | None:
    """The kind of concern a raiser makes about ``concerned``: a councillor about an officer (D1), an
    officer about a councillor (D2), a councillor's difficulty obtaining information (D3); None when
    the two are on the same side, or either is neither a councillor nor an officer."""
    if information:
        return Kind.INFORMATION if raiser.is_member else None
    if concerned is None:
        return None
    if raiser.is_member and concerned.is_officer:
        return Kind.ABOUT_OFFICER
    if raiser.is_officer and concerned.is_member:
        return Kind.ABOUT_MEMBER
    return None


RULE_OF_KIND = {Kind.ABOUT_OFFICER: "D1", Kind.ABOUT_MEMBER: "D2", Kind.INFORMATION: "D3"}


def concern_routes(
    raiser: Person,
    concerned: Person | None,
    kind: str,
    on: datetime.date,
    *,
    rule: str | None = None,
    under: str | None = None,
) -> list[Route]:
    """Whom a concern of ``kind`` by ``raiser`` about ``concerned`` may go to on ``on``, under the
    protocol ``under`` (the council's by default). The first is the default; where the protocol offers
    a choice (a councillor's concern about an officer under 002: line manager or Chief Officer) the
    raiser may choose another. Empty when nobody can take it."""
    under = under or protocol()
    rule = rule or RULE_OF_KIND[kind]
    excluded = {raiser.pk} | ({concerned.pk} if concerned is not None else set())
    if kind == Kind.INFORMATION:
        routes = _monitoring_officer_chain(on, excluded, rule)
    elif kind == Kind.ABOUT_OFFICER and under == REDRESS:
        routes = _line_manager(concerned, on, excluded, rule) + _chief_officer(concerned, on, excluded, rule)
    elif kind == Kind.ABOUT_OFFICER:
        routes = _monitoring_officer_chain(on, excluded, rule)
    elif under == REDRESS:
        routes = _chief_officer(raiser, on, excluded, rule)
    else:
        routes = _line_manager(raiser, on, excluded, rule)
    if not routes and kind != Kind.INFORMATION and not (kind == Kind.ABOUT_OFFICER and under == COMPLAINTS):
        # Nobody in the officer's line can take it (the Chief Executive is the person concerned, or
        # raises it): the Monitoring Officer, who receives protocol complaints.
        routes = _monitoring_officer_chain(on, excluded, rule)
    unique, seen = [], set()
    for route in routes:
        if route.person.pk not in seen:
            seen.add(route.person.pk)
            unique.append(route)
    return unique


def route_for(
    raiser: Person,
    concerned: Person | None,
    kind: str,
    on: datetime.date,
    *,
    chosen: Person | None = None,
    rule: str | None = None,
    under: str | None = None,
) -> Route:
    """The route a new concern takes: the default, or the raiser's choice among those offered; a
    RuleViolation naming the field when nobody can take it or the choice is not offered."""
    rule = rule or RULE_OF_KIND[kind]
    routes = concern_routes(raiser, concerned, kind, on, rule=rule, under=under)
    if not routes:
        raise RuleViolation(
            f"Nobody holds a post that can take this concern on {on:%d %B %Y}. "
            "Please tell the Monitoring Officer's office, or follow the whistleblowing policy.",
            rule=rule if rule != "D6" else "D2",
            field="handler",
        )
    if chosen is None:
        return routes[0]
    for route in routes:
        if route.person.pk == chosen.pk:
            return route
    offered = " or ".join(f"{route.person} ({route.capacity})" for route in routes)
    raise RuleViolation(f"This concern goes to {offered}, not to {chosen}.", rule=rule, field="handler")


def _usable(person: Person | None, on: datetime.date, excluded: set[int]) -> bool:
    return person is not None and person.pk not in excluded and person.is_current_on(on) and not is_absent(person, on)


def _monitoring_officer_chain(on: datetime.date, excluded: set[int], rule: str) -> list[Route]:
    """The Monitoring Officer; when they are absent, vacant or the person concerned, their deputy;
    failing both, the Head of Paid Service (the Chief Executive) (D1 under 004; D3)."""
    monitoring = holding_of(Role.MONITORING_OFFICER, on)
    if monitoring is not None and _usable(monitoring.person, on, excluded):
        return [Route(monitoring.person, "Monitoring Officer", rule)]
    if monitoring is None:
        why = "while the post of Monitoring Officer is vacant"
    elif monitoring.person.pk in excluded:
        why = "as the Monitoring Officer is the person concerned"
    else:
        why = "in the Monitoring Officer's absence"
    deputy = holding_of(Role.DEPUTY_MONITORING_OFFICER, on)
    if deputy is not None and _usable(deputy.person, on, excluded):
        return [Route(deputy.person, f"Deputy Monitoring Officer, {why}", rule)]
    chief = holding_of(Role.CHIEF_EXECUTIVE, on)
    if chief is not None and _usable(chief.person, on, excluded):
        return [
            Route(
                chief.person,
                "Chief Executive (Head of Paid Service), in the absence of the Monitoring Officer and their deputy",
                rule,
            )
        ]
    return []


def _line_manager(officer: Person, on: datetime.date, excluded: set[int], rule: str) -> list[Route]:
    """Whom the officer reports to, as Democratic Services records it, if they are there that day;
    else the Assistant Director of the officer's directorate, else its Director (an Assistant
    Director's is the Director; a Director's, the Chief Executive)."""
    excluded = excluded | {officer.pk}
    # Read afresh: Democratic Services may have recorded a new line manager since ``officer`` was loaded.
    manager = Person.objects.filter(reports=officer).first()
    if _usable(manager, on, excluded):
        return [Route(manager, "Line manager", rule)]
    roles = roles_of(officer, on)
    if Role.CHIEF_EXECUTIVE in roles:
        return []
    if Role.DIRECTOR in roles:
        above: tuple = ()
    elif Role.ASSISTANT_DIRECTOR in roles:
        above = (Role.DIRECTOR,)
    else:
        above = (Role.ASSISTANT_DIRECTOR, Role.DIRECTOR)
    directorate = directorate_of(officer, on) if above else None
    if directorate is not None:
        for role in above:
            for holding in holdings_on(role, on, directorate).order_by("start_date", "id"):
                if _usable(holding.person, on, excluded):
                    return [Route(holding.person, f"{holding.post.label}, as line manager", rule)]
    chief = holding_of(Role.CHIEF_EXECUTIVE, on)
    if chief is not None and _usable(chief.person, on, excluded):
        return [Route(chief.person, "Chief Executive, as line manager", rule)]
    return []


def _chief_officer(officer: Person, on: datetime.date, excluded: set[int], rule: str) -> list[Route]:
    """The Director of the officer's directorate; a Director's Chief Officer (and anyone's, with no
    directorate or its Director's post vacant) is the Chief Executive."""
    roles = roles_of(officer, on)
    if Role.CHIEF_EXECUTIVE in roles:
        return []
    directorate = None if Role.DIRECTOR in roles else directorate_of(officer, on)
    if directorate is not None:
        for holding in holdings_on(Role.DIRECTOR, on, directorate).order_by("start_date", "id"):
            if _usable(holding.person, on, excluded | {officer.pk}):
                return [Route(holding.person, f"{holding.post.label}, Chief Officer", rule)]
    chief = holding_of(Role.CHIEF_EXECUTIVE, on)
    if chief is not None and _usable(chief.person, on, excluded | {officer.pk}):
        return [Route(chief.person, "Chief Executive, as Chief Officer", rule)]
    deputy = holding_of(Role.DEPUTY_CHIEF_EXECUTIVE, on)
    if chief is not None and deputy is not None and _usable(deputy.person, on, excluded | {officer.pk}):
        return [Route(deputy.person, "Deputy Chief Executive, as Chief Officer in the Chief Executive's absence", rule)]
    return []


# --- Reads, scoped to the viewer ----------------------------------------------------------------


def joined(concerns: QuerySet) -> QuerySet:
    """What a page, the API and the workflow's policies read of each concern, in one statement."""
    return concerns.select_related(
        "raised_by", "concerned_person", "handler", "briefing__group", "declaration", "attendance_record"
    )


def _untold_about(viewer_id: int) -> Q:
    return Q(concerned_person_id=viewer_id, concerned_person_told_at__isnull=True)


def concerns_visible_to(standing: Standing) -> QuerySet:
    """Every concern the viewer may know of (the queryset form of ``policies.sees_concern``)."""
    if standing.person_id is None:
        return Concern.objects.none()
    me = standing.person_id
    seen = Q(raised_by_id=me) | Q(handler_id=me) | Q(concerned_person_id=me)
    if standing.holds(*policies.CONCERN_OVERSIGHT_ROLES):
        seen = Q(pk__isnull=False)
    elif standing.holds(Role.CHIEF_EXECUTIVE) or standing.acting_chief_executive:
        seen |= Q(rule="D6")
    return joined(Concern.objects.filter(seen).exclude(_untold_about(me)))


def concerns_raised_by(standing: Standing) -> QuerySet:
    """The concerns the viewer raised, newest first."""
    return joined(Concern.objects.filter(raised_by_id=standing.person_id))


def concerns_to_handle(standing: Standing) -> QuerySet:
    """The concerns routed to the viewer, open ones first, the soonest due first."""
    return _open_first(joined(Concern.objects.filter(handler_id=standing.person_id)))


def _open_first(concerns: QuerySet) -> QuerySet:
    return concerns.annotate(
        still_open=Case(
            When(state__in=list(Concern.OPEN_STATES), then=Value(True)),
            default=Value(False),
            output_field=BooleanField(),
        )
    ).order_by("-still_open", "outcome_due_on", "-raised_at", "-id")


def concerns_about(standing: Standing) -> QuerySet:
    """Concerns about the viewer that their handler has told them of."""
    return joined(
        Concern.objects.filter(concerned_person_id=standing.person_id, concerned_person_told_at__isnull=False)
    )


def concerns_overseen(standing: Standing) -> QuerySet:
    """Every concern, for the Monitoring Officer and auditors; concerns from officers' reports after
    briefings (D6) for the Chief Executive, or whoever acts as Chief Executive; none for anyone else.
    A concern about the viewer that they have not been told of is never among them."""
    if standing.holds(*policies.CONCERN_OVERSIGHT_ROLES):
        concerns = Concern.objects.all()
    elif standing.holds(Role.CHIEF_EXECUTIVE) or standing.acting_chief_executive:
        concerns = Concern.objects.filter(rule="D6")
    else:
        return Concern.objects.none()
    return joined(concerns.exclude(_untold_about(standing.person_id)))


def concern_for(standing: Standing, pk: int) -> Concern:
    """One concern, if the viewer may know it exists; NotFound otherwise."""
    concern = joined(Concern.objects.filter(pk=pk)).first()
    if concern is None or not policies.sees_concern(standing, concern):
        raise NotFound("There is no such concern.")
    return concern


def open_concerns() -> QuerySet:
    """Every concern still being handled, for the hourly reminders (not a viewer's read)."""
    return joined(Concern.objects.filter(state__in=list(Concern.OPEN_STATES))).order_by("outcome_due_on", "id")


@dataclass(frozen=True)
class ConcernTasks:
    """What awaits the viewer in the concerns: those routed to them still open, with the first date
    due (an acknowledgement, else an outcome), and those they raised still being handled."""

    to_handle: int
    due_on: datetime.date | None
    raised_open: int


def concern_tasks(standing: Standing) -> ConcernTasks:
    """One query, whatever the counts (the home page's rows)."""
    if standing.person_id is None:
        return ConcernTasks(0, None, 0)
    still_open = Q(state__in=list(Concern.OPEN_STATES))
    mine = Q(handler_id=standing.person_id) & still_open
    counts = Concern.objects.filter(Q(handler_id=standing.person_id) | Q(raised_by_id=standing.person_id)).aggregate(
        to_handle=Count("pk", filter=mine),
        acknowledge_due_on=Min("acknowledge_due_on", filter=mine & Q(state=Concern.State.RECEIVED)),
        outcome_due_on=Min("outcome_due_on", filter=mine),
        raised_open=Count("pk", filter=Q(raised_by_id=standing.person_id) & still_open),
    )
    due = [day for day in (counts["acknowledge_due_on"], counts["outcome_due_on"]) if day is not None]
    return ConcernTasks(counts["to_handle"], min(due, default=None), counts["raised_open"])
