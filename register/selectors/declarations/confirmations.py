"""Periodic re-confirmation of declarations (B6): when each person must next confirm, who has not, who watches whom."""

import datetime
from dataclasses import dataclass

from django.conf import settings
from django.db.models import Exists, IntegerField, Max, OuterRef, Q, QuerySet, Subquery
from django.utils import timezone

from register import policies, selectors
from register.models import Declaration, DeclarationConfirmation, Membership, Organization, Person, Post
from register.policies import Standing

Role = Post.Role


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


def _confirmation_oversight(viewer: Person, on: datetime.date, standing: Standing | None = None) -> Q | None:
    """Whose confirmations ``viewer`` watches, or None: the Monitoring Officer the members (and
    the Chief Executive, whose declarations they review); each Director their directorate's
    officers; the Chief Executive the Directors and the officers outside any directorate (whose
    declarations come to them); auditors everyone. The viewer's posts are their standing's, when
    it is for ``on``."""
    roles = standing.roles if standing is not None and standing.on == on else selectors.roles_of(viewer, on)
    if Role.AUDITOR in roles:
        return Q()
    watched = []
    if Role.MONITORING_OFFICER in roles:
        watched.append(Q(kind=Person.Kind.MEMBER))
        # The Chief Executive of the day (``holder_of``), within the list's own statement.
        chief = selectors.holdings_on(Role.CHIEF_EXECUTIVE, on).order_by("start_date").values("person")[:1]
        watched.append(Q(pk=Subquery(chief)))
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


def confirmations_outstanding(
    viewer: Person, *, on: datetime.date | None = None, standing: Standing | None = None
) -> QuerySet:
    """The non-confirmation list: people the viewer watches who have not confirmed by their due
    date, longest overdue first, each with ``last_confirmed_on`` (see ``confirmation_due_on``).
    Empty for anyone who watches nobody. ``standing``: the viewer's, when the caller has it."""
    on = on or selectors.today()
    scope = _confirmation_oversight(viewer, on, standing)
    if scope is None:
        return Person.objects.none()
    people = people_in_confirmation_scope(on).filter(scope).exclude(pk=viewer.pk)
    return _overdue(people, on).order_by("last_confirmed_on", "date_joined", "last_name", "first_name", "pk")


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


def latest_confirmation(on: datetime.date) -> Subquery:
    return Subquery(
        DeclarationConfirmation.objects.filter(person=OuterRef("pk"), confirmed_on__lte=on)
        .order_by("-confirmed_on")
        .values("confirmed_on")[:1]
    )


def status_from(person: Person, on: datetime.date) -> ConfirmationStatus:
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
        .annotate(last_confirmed_on=latest_confirmation(on), open_declarations=CountOf(open_declarations_of(person)))
        .only("pk", "date_joined")
        .first()
    )
    return status_from(row, on) if row is not None else None


def open_declarations_of(person: Person) -> QuerySet:
    return Declaration.objects.filter(declarant=person, state__in=Declaration.OPEN_STATES)


class CountOf(Subquery):
    """COUNT(*) of a queryset as a scalar subquery, so that several counts cost one query."""

    template = "(SELECT COUNT(*) FROM (%(subquery)s) AS counted)"
    output_field = IntegerField()

    def __init__(self, queryset, **extra):
        super().__init__(queryset.order_by().values("pk"), **extra)
