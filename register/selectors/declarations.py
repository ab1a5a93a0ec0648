"""Reads of relationship declarations (B1-B7), scoped to the viewer, and the routing of a
declaration to its reviewer.

Kept beside ``selectors.py`` (whose who-holds-what reads it uses) so that the declarations area
can be found by name. Every list here costs a fixed number of queries whatever its length.
"""

import datetime
from collections.abc import Iterable
from dataclasses import dataclass

from django.conf import settings
from django.db.models import Case, Exists, IntegerField, Max, OuterRef, Q, QuerySet, Subquery, Value, When
from django.utils import timezone

from register import policies, selectors
from register.errors import NotFound, RuleViolation
from register.models import Declaration, DeclarationConfirmation, Membership, Organization, Person, Post
from register.models.declarations import describe_action, describe_kind
from register.policies import Standing
from register.selectors.standing import standing_of

Role = Post.Role


# --- Routing (B3, B4) ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Route:
    """A person a declaration may go to, the post in which they review it, and the rule."""

    person: Person
    capacity: str
    rule: str


def declaration_routes(declarant: Person, other_person: Person, on: datetime.date) -> list[Route]:
    """Who may review a declaration by ``declarant`` about ``other_person`` made on ``on``.

    The first route is the default; an officer may choose among the routes offered ("their
    Assistant Director or Director", B4). A reviewer is never the declarant or the other person.
    An empty list means nobody holds a reviewing post that day.
    """
    if declarant.is_member:
        candidates = _member_routes(on)
    elif selectors.holds(declarant, Role.MONITORING_OFFICER, on):
        candidates = _monitoring_officers_own_routes(on)
    else:
        candidates = _officer_routes(declarant, on)
    excluded = {declarant.pk, other_person.pk}
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


def route_for(declarant: Person, other_person: Person, on: datetime.date, chosen: Person | None = None) -> Route:
    """The route a new declaration takes: the default, or the declarant's choice among those offered."""
    rule = "B3" if declarant.is_member else "B4"
    routes = declaration_routes(declarant, other_person, on)
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


# --- Who sees what ------------------------------------------------------------------------------


def _joined(declarations: QuerySet) -> QuerySet:
    return declarations.select_related("declarant", "other_person", "reviewer", "reviewed_by", "counterpart")


def declarations_visible_to(
    viewer: Person, *, on: datetime.date | None = None, standing: Standing | None = None
) -> QuerySet:
    """Every declaration ``viewer`` may read in full (the queryset form of
    ``policies.sees_declaration``); declarations naming the viewer are not among them."""
    standing = standing or standing_of(viewer, on=on)
    declarations = _joined(Declaration.objects.exclude(other_person=viewer))
    if policies.oversees_declarations(standing):
        return declarations
    return declarations.filter(Q(declarant=viewer) | Q(reviewer=viewer))


def declarations_made_by(viewer: Person) -> QuerySet:
    """The viewer's own declarations, newest first."""
    return _joined(Declaration.objects.filter(declarant=viewer))


def declarations_to_review(viewer: Person, *, pending_only: bool = False) -> QuerySet:
    """The reviewer's list: declarations routed to ``viewer``, those awaiting review first."""
    declarations = _joined(Declaration.objects.filter(reviewer=viewer)).exclude(other_person=viewer)
    if pending_only:
        declarations = declarations.filter(state=Declaration.State.SUBMITTED)
    # Awaiting review, then awaiting acknowledgement, then the rest; newest first within each.
    return declarations.order_by(_state_order(), "-declared_at", "-id")


def _state_order() -> Case:
    order = [
        Declaration.State.SUBMITTED,
        Declaration.State.REVIEWED,
        Declaration.State.ACKNOWLEDGED,
        Declaration.State.ENDED,
        Declaration.State.WITHDRAWN,
    ]
    return Case(*[When(state=state, then=Value(i)) for i, state in enumerate(order)], output_field=IntegerField())


@dataclass(frozen=True)
class NamedDeclaration:
    """What the other person sees of a declaration naming them: who made it, its kind, and
    whether it still stands. Never the description, the advice or the action agreed."""

    id: int
    declarant: Person
    kind: str
    kind_text: str
    declared_on: datetime.date
    state: str
    state_text: str
    your_declaration_id: int | None

    @property
    def pk(self) -> int:
        """So that a service handed the narrow view finds the record (and refuses the move)."""
        return self.id


NAMED_STATE_TEXT = {
    Declaration.State.ENDED: "Ended",
    Declaration.State.WITHDRAWN: "Withdrawn (made in error)",
}


def _named(declaration: Declaration) -> NamedDeclaration:
    state = declaration.state
    return NamedDeclaration(
        id=declaration.pk,
        declarant=declaration.declarant,
        kind=declaration.kind,
        kind_text=describe_kind(declaration.kind, declaration.family_relation),
        declared_on=timezone.localdate(declaration.declared_at),
        state=state if state in NAMED_STATE_TEXT else "current",
        state_text=NAMED_STATE_TEXT.get(state, "Current"),
        your_declaration_id=declaration.counterpart_id,
    )


NAMED_FIELDS = ("id", "declarant", "other_person", "kind", "family_relation", "declared_at", "state", "counterpart")


def declarations_naming(viewer: Person) -> list[NamedDeclaration]:
    """Declarations by others that name ``viewer``, in the narrow form the other person sees."""
    rows = (
        Declaration.objects.filter(other_person=viewer)
        .select_related("declarant")
        .only(*NAMED_FIELDS, *[f"declarant__{f}" for f in ("id", "username", "first_name", "last_name", "kind")])
    )
    return [_named(row) for row in rows]


def declaration_for(
    viewer: Person, declaration_id: int, *, on: datetime.date | None = None, standing: Standing | None = None
):
    """One declaration as ``viewer`` may see it: the record in full, the narrow view for the
    other person, or NotFound for everyone else (the register does not reveal that it exists)."""
    standing = standing or standing_of(viewer, on=on)
    declaration = _joined(Declaration.objects.filter(pk=declaration_id)).first()
    if declaration is not None:
        if policies.sees_declaration(standing, declaration):
            return declaration
        if policies.is_named_in_declaration(standing, declaration):
            return _named(declaration)
    raise NotFound("There is no such declaration.")


def declaration_record(declaration_id: int) -> Declaration:
    """The declaration itself, for the workflow to judge a move on it; only after ``declaration_for``
    said the viewer may know it exists (the person it names gets the narrow view of it, not this)."""
    return _joined(Declaration.objects.filter(pk=declaration_id)).get()


# --- Periodic re-confirmation (B6) --------------------------------------------------------------


def confirmation_period() -> datetime.timedelta:
    return datetime.timedelta(days=settings.DECLARATIONS_CONFIRMATION_PERIOD_DAYS)


def first_confirmation_allowance() -> datetime.timedelta:
    return datetime.timedelta(days=settings.DECLARATIONS_FIRST_CONFIRMATION_DAYS)


def people_in_confirmation_scope(on: datetime.date) -> QuerySet:
    """Every member and officer current on ``on``, with the date they last confirmed by then
    (``last_confirmed_on``, None if never)."""
    people = Person.objects.filter(kind__in=[Person.Kind.MEMBER, Person.Kind.OFFICER], is_active=True).filter(
        Q(left_on__isnull=True) | Q(left_on__gte=on)
    )
    return people.annotate(
        last_confirmed_on=Max(
            "declaration_confirmations__confirmed_on",
            filter=Q(declaration_confirmations__confirmed_on__lte=on),
        )
    )


def confirmation_due_on(person: Person) -> datetime.date:
    """When ``person`` (from ``people_in_confirmation_scope``) must next confirm: a period after
    their last confirmation, or for a newcomer, a short allowance after they joined the register."""
    if person.last_confirmed_on is not None:
        return person.last_confirmed_on + confirmation_period()
    return timezone.localdate(person.date_joined) + first_confirmation_allowance()


def _overdue(people: QuerySet, on: datetime.date) -> QuerySet:
    """Those whose due date has passed (the due date itself is the last day to confirm)."""
    never_by = timezone.make_aware(datetime.datetime.combine(on - first_confirmation_allowance(), datetime.time.min))
    return people.filter(
        Q(last_confirmed_on__lt=on - confirmation_period())
        | Q(last_confirmed_on__isnull=True, date_joined__lt=never_by)
    )


def _confirmation_oversight(viewer: Person, on: datetime.date) -> Q | None:
    """Whose confirmations ``viewer`` watches, or None: the Monitoring Officer the members (and
    the Chief Executive, whose declarations they review); each Director their directorate's
    officers; the Chief Executive the Directors and the officers outside any directorate (whose
    declarations come to them); auditors everyone."""
    roles = selectors.roles_of(viewer, on)
    if Role.AUDITOR in roles:
        return Q()
    watched = []
    if Role.MONITORING_OFFICER in roles:
        watched.append(Q(kind=Person.Kind.MEMBER))
        chief = selectors.holder_of(Role.CHIEF_EXECUTIVE, on)
        if chief is not None:
            watched.append(Q(pk=chief.pk))
    if Role.DIRECTOR in roles:
        directed = Membership.objects.on(on).filter(person=viewer, post__role=Role.DIRECTOR).values("organization")
        placed_there = Membership.objects.on(on).filter(organization__in=directed).values("person")
        watched.append(Q(kind=Person.Kind.OFFICER, pk__in=placed_there))
    if Role.CHIEF_EXECUTIVE in roles:
        directors = Membership.objects.on(on).filter(post__role=Role.DIRECTOR).values("person")
        placed = Membership.objects.on(on).filter(
            person=OuterRef("pk"), organization__classification=Organization.Classification.DIRECTORATE
        )
        watched.append(Q(kind=Person.Kind.OFFICER) & (Q(pk__in=directors) | ~Exists(placed)))
    if not watched:
        return None
    scope = watched[0]
    for more in watched[1:]:
        scope |= more
    return scope


def confirmations_outstanding(viewer: Person, *, on: datetime.date | None = None) -> QuerySet:
    """The non-confirmation list: people the viewer watches who have not confirmed by their due
    date, longest overdue first, each with ``last_confirmed_on`` (see ``confirmation_due_on``).
    Empty for anyone who watches nobody."""
    on = on or selectors.today()
    scope = _confirmation_oversight(viewer, on)
    if scope is None:
        return Person.objects.none()
    people = people_in_confirmation_scope(on).filter(scope).exclude(pk=viewer.pk)
    return _overdue(people, on).order_by("last_confirmed_on", "date_joined", "last_name", "first_name", "pk")


def confirmations_overdue_everywhere(on: datetime.date) -> QuerySet:
    return _overdue(people_in_confirmation_scope(on), on)


@dataclass(frozen=True)
class ConfirmationStatus:
    """Where one person stands with their re-confirmation (B6) on a day."""

    on: datetime.date
    last_confirmed_on: datetime.date | None
    due_on: datetime.date
    open_declarations: int

    @property
    def overdue(self) -> bool:
        return self.due_on < self.on

    @property
    def due_soon(self) -> bool:
        """Due within the reminder window, or overdue: what the reminders ask the person to do."""
        return self.due_on - datetime.timedelta(days=settings.DECLARATIONS_REMIND_BEFORE_DAYS) <= self.on


def _latest_confirmation(on: datetime.date) -> Subquery:
    return Subquery(
        DeclarationConfirmation.objects.filter(person=OuterRef("pk"), confirmed_on__lte=on)
        .order_by("-confirmed_on")
        .values("confirmed_on")[:1]
    )


def _status_from(person: Person, on: datetime.date) -> ConfirmationStatus:
    return ConfirmationStatus(
        on=on,
        last_confirmed_on=person.last_confirmed_on,
        due_on=confirmation_due_on(person),
        open_declarations=person.open_declarations,
    )


def confirmation_status(person: Person, *, on: datetime.date | None = None) -> ConfirmationStatus | None:
    """When ``person`` last confirmed, when they must next, and how many declarations they have
    open; None for anyone who does not confirm (not a current councillor or officer). One query."""
    on = on or selectors.today()
    if person.kind not in policies.DECLARING_KINDS or not person.is_current_on(on):
        return None
    row = (
        Person.objects.filter(pk=person.pk)
        .annotate(last_confirmed_on=_latest_confirmation(on), open_declarations=_CountOf(_open_declarations_of(person)))
        .only("pk", "date_joined")
        .first()
    )
    return _status_from(row, on) if row is not None else None


def _open_declarations_of(person: Person) -> QuerySet:
    return Declaration.objects.filter(declarant=person, state__in=Declaration.OPEN_STATES)


class _CountOf(Subquery):
    """COUNT(*) of a queryset as a scalar subquery, so that several counts cost one query."""

    template = "(SELECT COUNT(*) FROM (%(subquery)s) AS counted)"
    output_field = IntegerField()

    def __init__(self, queryset, **extra):
        super().__init__(queryset.order_by().values("pk"), **extra)


@dataclass(frozen=True)
class DeclarationTasks:
    """What needs the viewer's action in the declarations area, for the home page. Counts are
    None where the area is not the viewer's (they review nothing, watch nobody, declare nothing)."""

    to_review: int | None
    to_acknowledge: int | None
    naming_unanswered: int | None
    confirmation: ConfirmationStatus | None
    not_confirmed: int | None


def declaration_tasks(
    viewer: Person, *, on: datetime.date | None = None, standing: Standing | None = None
) -> DeclarationTasks:
    """The home page's declaration counts: declarations awaiting the viewer's review, advice
    awaiting their acknowledgement, declarations naming them they have not answered with their
    own, their re-confirmation, and who they watch has not re-confirmed. A fixed number of
    queries: one for the viewer's own counts, and the non-confirmation list's count."""
    standing = standing or standing_of(viewer, on=on)
    on = standing.on
    declares = policies.declares(standing)
    row = (
        Person.objects.filter(pk=viewer.pk)
        .annotate(
            to_review=_CountOf(declarations_to_review(viewer, pending_only=True)),
            to_acknowledge=_CountOf(_own_awaiting_acknowledgement(viewer)),
            naming_unanswered=_CountOf(_naming_unanswered(viewer)),
            last_confirmed_on=_latest_confirmation(on),
            open_declarations=_CountOf(_open_declarations_of(viewer)),
        )
        .only("pk", "date_joined")
        .get()
    )
    reviews = policies.has_declarations_to_review(standing)
    watches = policies.watches_confirmations(standing)
    return DeclarationTasks(
        to_review=row.to_review if reviews else None,
        to_acknowledge=row.to_acknowledge if declares else None,
        naming_unanswered=row.naming_unanswered if declares else None,
        confirmation=_status_from(row, on) if declares else None,
        not_confirmed=confirmations_outstanding(viewer, on=on).count() if watches else None,
    )


def _own_awaiting_acknowledgement(viewer: Person) -> QuerySet:
    return Declaration.objects.filter(declarant=viewer, state=Declaration.State.REVIEWED)


def _naming_unanswered(viewer: Person) -> QuerySet:
    """Current declarations naming the viewer that their own declaration does not answer yet."""
    return Declaration.objects.filter(other_person=viewer, state__in=Declaration.OPEN_STATES, counterpart__isnull=True)


# --- The conflict check (B7) --------------------------------------------------------------------


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
