"""Where a declaration goes (B3, B4): who may review it, in which post, by the rule that routes it."""

import datetime
from dataclasses import dataclass

from register import selectors
from register.errors import RuleViolation
from register.models import Membership, Person, Post

Role = Post.Role


@dataclass(frozen=True)
class Route:
    """A person a declaration may go to, the post in which they review it, and the rule."""

    person: Person
    capacity: str
    rule: str


def declaration_routes(
    declarant: Person, other_person: Person, on: datetime.date, *, excluding: frozenset[int] = frozenset()
) -> list[Route]:
    """Who may review a declaration by ``declarant`` about ``other_person`` made on ``on``.

    The first route is the default; an officer may choose among the routes offered ("their
    Assistant Director or Director", B4). A reviewer is never the declarant or the other person,
    nor anyone of ``excluding`` (a reviewer recorded as leaving, whose posts end that day).
    An empty list means nobody holds a reviewing post that day.
    """
    if declarant.is_member:
        candidates = _member_routes(on)
    elif selectors.holds(declarant, Role.MONITORING_OFFICER, on):
        candidates = _monitoring_officers_own_routes(on)
    else:
        candidates = _officer_routes(declarant, on)
    excluded = {declarant.pk, other_person.pk, *excluding}
    if excluding and not declarant.is_member and all(route.person.pk in excluded for route in candidates):
        # The officer's reviewers are all leaving: as with both posts vacant, the Chief Executive.
        chief = selectors.holder_of(Role.CHIEF_EXECUTIVE, on)
        candidates = [Route(chief, _reviewing_capacity(chief, on), "B4")] if chief is not None else []
    routes, seen = [], set()
    for route in candidates:
        if route.person.pk in excluded or route.person.pk in seen:
            continue
        seen.add(route.person.pk)
        routes.append(route)
    if declarant.is_member:
        # A member's declaration has one reviewer: the Monitoring Officer, or whoever stands in.
        return routes[:1]
    return routes


def _member_routes(on) -> list[Route]:
    """B3: the Monitoring Officer; when they are named in it (or the post is vacant), the deputy;
    failing both, the Chief Executive."""
    routes = []
    for role, capacity in (
        (Role.MONITORING_OFFICER, "Monitoring Officer"),
        (Role.DEPUTY_MONITORING_OFFICER, "Deputy Monitoring Officer, for the Monitoring Officer"),
        (Role.CHIEF_EXECUTIVE, "Chief Executive, for the Monitoring Officer"),
    ):
        person = selectors.holder_of(role, on)
        if person is not None:
            routes.append(Route(person, capacity, "B3"))
    return routes


def _monitoring_officers_own_routes(on) -> list[Route]:
    """The Monitoring Officer cannot review their own declaration: their deputy, or the Chief Executive."""
    routes = []
    for role, capacity in (
        (
            Role.DEPUTY_MONITORING_OFFICER,
            "Deputy Monitoring Officer, reviewing the Monitoring Officer's own declaration",
        ),
        (Role.CHIEF_EXECUTIVE, "Chief Executive, reviewing the Monitoring Officer's own declaration"),
    ):
        person = selectors.holder_of(role, on)
        if person is not None:
            routes.append(Route(person, capacity, "B4"))
    return routes


def _officer_routes(officer: Person, on) -> list[Route]:
    """B4: the officer's Assistant Director or Director (``selectors.officer_reviewers``: a
    Director's go to the Chief Executive, the Chief Executive's to the Monitoring Officer). With
    both posts of the directorate vacant, the Chief Executive."""
    reviewers = selectors.officer_reviewers(officer, on)
    if not reviewers:
        chief = selectors.holder_of(Role.CHIEF_EXECUTIVE, on)
        reviewers = [chief] if chief is not None and chief.pk != officer.pk else []
    return [Route(person, _reviewing_capacity(person, on), "B4") for person in reviewers]


REVIEWING_ROLES = [Role.ASSISTANT_DIRECTOR, Role.DIRECTOR, Role.CHIEF_EXECUTIVE, Role.MONITORING_OFFICER]


def _reviewing_capacity(person: Person, on) -> str:
    holding = (
        Membership.objects.on(on)
        .filter(person=person, post__role__in=REVIEWING_ROLES)
        .select_related("post")
        .order_by("post__role")
        .first()
    )
    return holding.post.label if holding else str(person)


def route_for(
    declarant: Person,
    other_person: Person,
    on: datetime.date,
    chosen: Person | None = None,
    *,
    excluding: frozenset[int] = frozenset(),
) -> Route:
    """The route a new declaration takes: the default, or the declarant's choice among those offered."""
    rule = "B3" if declarant.is_member else "B4"
    routes = declaration_routes(declarant, other_person, on, excluding=excluding)
    if not routes:
        raise RuleViolation(
            f"Nobody holds a post that can review this declaration on {on:%d %B %Y}. "
            "Please tell the Monitoring Officer's office.",
            rule=rule,
            field="reviewer",
        )
    if chosen is None:
        return routes[0]
    for route in routes:
        if route.person.pk == chosen.pk:
            return route
    offered = " or ".join(f"{route.person} ({route.capacity})" for route in routes)
    raise RuleViolation(f"This declaration goes to {offered}, not to {chosen}.", rule=rule, field="reviewer")
