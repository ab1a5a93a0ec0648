"""The actor's standing (``register.policies.Standing``), read from the posts they hold on the day:
one query for their holdings, with whether declarations are still routed to them and the day's
holders of the Chief Executive's and Deputy's posts, which say who acts as Chief Executive (A2). Pages and the API read
it once per request (``standing_for_request``); services and tasks once per move.
"""

import contextvars
import datetime
from contextlib import contextmanager

from django.db.models import Exists, Q
from django.utils import timezone

from register.models import Declaration, Membership, Organization, Person, Post
from register.policies import Standing, nobody
from register.selectors import clock
from register.selectors.people import DECIDING_ROLES, acting_among, recorded_absence_on

Role = Post.Role

GROUP_CAPACITIES = {
    Role.GROUP_LEADER: "Group leader",
    Role.DEPUTY_GROUP_LEADER: "Deputy group leader, on the leader's behalf",
}


# Standings read once for a move made of many service calls (``standing_held``), by person.
_held: contextvars.ContextVar[dict | None] = contextvars.ContextVar("held_standings", default=None)


@contextmanager
def standing_held():
    """Within the block, each person's standing now is read once, not once per service call: for
    one move made of many calls (an import of a thousand people), in which the actor's own posts do
    not change. Outside such a block, every call reads it afresh."""
    token = _held.set({})
    try:
        yield
    finally:
        _held.reset(token)


def standing_of(person, *, at: datetime.datetime | None = None, on: datetime.date | None = None) -> Standing:
    """Who ``person`` is at ``at`` (now by default), by the posts they hold on ``on`` (the day of
    ``at`` by default): their posts, the groups they lead or deputise for, their group and
    directorate, whether they act as Chief Executive, and whether declarations are still routed
    to them. Anyone not signed in has no standing at all."""
    held = _held.get()
    if held is not None and at is None and on is None and getattr(person, "pk", None) is not None:
        if person.pk not in held:
            held[person.pk] = _standing_of(person, at=None, on=None)
        return held[person.pk]
    return _standing_of(person, at=at, on=on)


def _standing_of(person, *, at: datetime.datetime | None, on: datetime.date | None) -> Standing:
    at = at or clock.now()
    on = on or timezone.localdate(at)
    if person is None or not getattr(person, "is_authenticated", False):
        return nobody(at, on)
    routed = Exists(Declaration.objects.filter(reviewer_id=person.pk))
    read = (
        Membership.objects.on(on)
        .filter(Q(person=person) | Q(post__role__in=DECIDING_ROLES))
        .select_related("person", "post", "organization")
        .annotate(declarations_routed=routed, absent=recorded_absence_on(on))
    )
    read = list(read)
    holdings = [h for h in read if h.person_id == person.pk]
    roles = frozenset(h.post.role for h in holdings if h.post_id)
    # Read with the holdings, in the same statement; when nobody holds anything that day, on its own.
    routed_to_them = read[0].declarations_routed if read else Declaration.objects.filter(reviewer=person).exists()
    return Standing(
        person_id=person.pk,
        kind=person.kind,
        at=at,
        on=on,
        is_active=person.is_current_on(on),
        roles=roles,
        groups_led=_groups_led(holdings),
        group_id=_organization_of(holdings, Organization.Classification.PARTY),
        directorate_id=_organization_of(holdings, Organization.Classification.DIRECTORATE),
        acting_chief_executive=_acting_capacity(person, roles, read),
        declarations_routed_to_them=routed_to_them,
        manages_notices=person.is_staff and person.has_perm("register.change_notification"),
        is_system=person.kind == Person.Kind.SYSTEM,
        is_superuser=person.is_superuser,
    )


def _groups_led(holdings: list[Membership]) -> dict[int, str]:
    """Each group led or deputy-led, with the capacity; a leader's own capacity wins (A1)."""
    led: dict[int, str] = {}
    for holding in holdings:
        role = holding.post.role if holding.post_id else None
        if role == Role.GROUP_LEADER or (role == Role.DEPUTY_GROUP_LEADER and holding.organization_id not in led):
            led[holding.organization_id] = GROUP_CAPACITIES[role]
    return led


def _organization_of(holdings: list[Membership], classification: str) -> int | None:
    return next((h.organization_id for h in holdings if h.organization.classification == classification), None)


def _acting_capacity(person: Person, roles: frozenset[str], read: list[Membership]) -> str:
    """The capacity in which ``person`` decides attendance (A2), or "" when they do not: only the
    Chief Executive and the Deputy can. The two posts' holdings were read with the person's own."""
    if not roles & set(DECIDING_ROLES):
        return ""
    acting = acting_among(read)
    return acting.capacity if acting.person is not None and acting.person.pk == person.pk else ""


def standing_for_request(request) -> Standing:
    """The signed-in person's standing, read once per HTTP request (pages, the navigation and the
    API all need it)."""
    http_request = getattr(request, "_request", request)  # DRF wraps Django's request
    if not hasattr(http_request, "_register_standing"):
        http_request._register_standing = standing_of(getattr(http_request, "user", None))
    return http_request._register_standing
