"""The actor's standing (``register.policies.Standing``), read from the posts they hold on the day:
one statement for their holdings, with whether declarations are still routed to them and the day's
holders of the Chief Executive's and Deputy's posts, which say who acts as Chief Executive (A2). Pages and the API read
it once per request (``standing_for_request``), from the rows the sign-in read with the person in the
same statement (``people_with_standing``, PostgreSQL); services and tasks once per move, afresh.
"""

import contextvars
import datetime
import functools
from contextlib import contextmanager

from django.contrib.postgres.expressions import ArraySubquery
from django.db import DEFAULT_DB_ALIAS, connection
from django.db.models import DateField, Exists, OuterRef, Q, Value
from django.db.models.functions import JSONObject
from django.utils import timezone

from register.models import ApiToken, Declaration, Membership, Organization, Person, Post
from register.policies import Standing, nobody
from register.selectors import clock
from register.selectors.people import DECIDING_ROLES, acting_among, recorded_absence_on

Role = Post.Role

GROUP_CAPACITIES = {
    Role.GROUP_LEADER: "Group leader",
    Role.DEPUTY_GROUP_LEADER: "Deputy group leader, on the leader's behalf",
}


# The columns ``people_with_standing`` adds to a person: their standing's rows, whether declarations are
# routed to them, and the day the rows are for.
STANDING_ROWS, STANDING_ROUTED, STANDING_ON = "standing_rows", "standing_routed", "standing_on"
START_DATE = Membership._meta.get_field("start_date")

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
    if connection.vendor == "postgresql":
        # One statement: the same columns the sign-in loads with the person (``people_with_standing``).
        columns = _standing_columns(on, "pk")
        holdings, routed = Person.objects.filter(pk=person.pk).annotate(**columns).values_list(*columns).get()
    else:
        # SQLite has no arrays: the holdings, then whether declarations are routed to them.
        holdings = list(_holdings(person.pk, on))
        routed = Declaration.objects.filter(reviewer_id=person.pk).exists()
    return _standing_from(person, at=at, on=on, rows=holdings, routed=routed)


def _holdings(person_ref, on: datetime.date):
    """The rows a standing is read from: the person's holdings on the day and the day's holdings of
    the Chief Executive's and Deputy's posts (who acts as Chief Executive, A2), each with whether an
    absence is recorded for its holder; one JSON object a row, so that the same rows can be read on
    their own or as an array with the person (``people_with_standing``)."""
    return (
        Membership.objects.on(on)
        .filter(Q(person_id=person_ref) | Q(post__role__in=DECIDING_ROLES))
        .order_by("start_date", "pk")
        .values_list(
            JSONObject(
                id="pk",
                person_id="person_id",
                organization_id="organization_id",
                post_id="post_id",
                start_date="start_date",
                role="post__role",
                classification="organization__classification",
                absent=recorded_absence_on(on),
            ),
            flat=True,
        )
    )


def _standing_columns(on: datetime.date, person: str) -> dict:
    """For annotating rows that name a person by their field ``person`` (PostgreSQL): the person's
    standing rows on ``on``, and whether declarations are routed to them."""
    return {
        STANDING_ROWS: ArraySubquery(_holdings(OuterRef(person), on)),
        STANDING_ROUTED: Exists(Declaration.objects.filter(reviewer_id=OuterRef(person))),
    }


def people_with_standing():
    """People, each read with the rows of their standing now, in the same statement, for
    ``standing_for_request`` to use instead of reading them again: what the sign-in backends load
    once per request. On SQLite, people as they are: it has no arrays."""
    return _with_standing_on(timezone.localdate(clock.now()), Person, "pk", ())


def tokens_with_standing():
    """API tokens with their person, each read with the rows of the person's standing now
    (``standing_loaded_with`` hands them to the person)."""
    return _with_standing_on(timezone.localdate(clock.now()), ApiToken, "person_id", ("person",))


@functools.lru_cache(maxsize=4)
def _with_standing_on(on: datetime.date, model, person: str, related: tuple[str, ...]):
    """The annotated queryset, built once a day per process and only ever chained (``get`` and
    ``filter`` clone it): resolving the standing's columns against it costs more than the
    statement (1.1 of 2.2 ms for a signed-in person, on the bench)."""
    rows = model._default_manager.select_related(*related)
    if connection.vendor != "postgresql":
        return rows
    return rows.annotate(**_standing_columns(on, person), **{STANDING_ON: Value(on, output_field=DateField())})


def standing_loaded_with(record, person: Person) -> Person:
    """``person``, holding the standing rows ``tokens_with_standing`` read with ``record`` (if it did)."""
    for name in (STANDING_ON, STANDING_ROWS, STANDING_ROUTED):
        if hasattr(record, name):
            setattr(person, name, getattr(record, name))
    return person


def _standing_from(person, *, at: datetime.datetime, on: datetime.date, rows: list[dict], routed: bool) -> Standing:
    """The standing of ``person`` at ``at`` from the rows of ``_holdings`` and whether declarations
    are routed to them: the one place where rows become a Standing."""
    read = [_holding(row, person) for row in rows]
    holdings = [h for h in read if h.person_id == person.pk]
    roles = frozenset(h.post.role for h in holdings if h.post_id)
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
        declarations_routed_to_them=bool(routed),
        manages_notices=person.is_staff and person.has_perm("register.change_notification"),
        is_system=person.kind == Person.Kind.SYSTEM,
        is_superuser=person.is_superuser,
    )


def _holding(row: dict, person: Person) -> Membership:
    """A row of ``_holdings`` as the Membership it is, with its post, organization and holder: the
    columns read are set, the others deferred (as ``only()`` leaves them), so reading one of those
    loads it rather than finding a default. JSON has no dates: the field reads its own."""
    db = DEFAULT_DB_ALIAS
    holding = Membership.from_db(
        db,
        ["id", "person_id", "organization_id", "post_id", "start_date"],
        [row["id"], row["person_id"], row["organization_id"], row["post_id"], START_DATE.to_python(row["start_date"])],
    )
    holding.absent = bool(row["absent"])
    holding.organization = Organization.from_db(
        db, ["id", "classification"], [row["organization_id"], row["classification"]]
    )
    holding.post = Post.from_db(db, ["id", "role"], [row["post_id"], row["role"]]) if row["post_id"] else None
    holding.person = person if row["person_id"] == person.pk else Person.from_db(db, ["id"], [row["person_id"]])
    return holding


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
    API all need it): from the rows loaded with the person when they were signed in for this
    request (``people_with_standing``), else read now."""
    http_request = getattr(request, "_request", request)  # DRF wraps Django's request
    if not hasattr(http_request, "_register_standing"):
        http_request._register_standing = _standing_loaded_or_read(getattr(http_request, "user", None))
    return http_request._register_standing


def _standing_loaded_or_read(person) -> Standing:
    at = clock.now()
    on = timezone.localdate(at)
    # Used once: the rows are the posts held when the person was loaded, at the start of the request.
    loaded_on = getattr(person, STANDING_ON, None)
    if loaded_on is not None:
        rows, routed = getattr(person, STANDING_ROWS), getattr(person, STANDING_ROUTED)
        for name in (STANDING_ON, STANDING_ROWS, STANDING_ROUTED):
            delattr(person, name)
        if loaded_on == on and _held.get() is None:
            return _standing_from(person, at=at, on=on, rows=rows, routed=routed)
    return standing_of(person)
