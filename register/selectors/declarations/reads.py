"""Declarations as the viewer may read them (B1-B5): in full, in the narrow form the person named sees, or
not at all; and what in the declarations area awaits the viewer's action. Every list costs a fixed number of queries."""

import datetime
from dataclasses import dataclass

from django.db.models import Case, IntegerField, Q, QuerySet, Subquery, Value, When
from django.utils import timezone

from register import policies
from register.errors import NotFound
from register.models import Declaration, Person
from register.models.declarations import describe_kind
from register.policies import Standing
from register.selectors.declarations.confirmations import (
    ConfirmationStatus,
    CountOf,
    confirmations_outstanding,
    latest_confirmation,
    open_declarations_of,
    status_from,
)
from register.selectors.standing import standing_of


def joined(declarations: QuerySet) -> QuerySet:
    return declarations.select_related("declarant", "other_person", "reviewer", "reviewed_by", "counterpart")


def declarations_visible_to(
    viewer: Person, *, on: datetime.date | None = None, standing: Standing | None = None
) -> QuerySet:
    """Every declaration ``viewer`` may read in full (the queryset form of
    ``policies.sees_declaration``); declarations naming the viewer are not among them."""
    standing = standing or standing_of(viewer, on=on)
    declarations = joined(Declaration.objects.exclude(other_person=viewer))
    if policies.oversees_declarations(standing):
        return declarations
    return declarations.filter(Q(declarant=viewer) | Q(reviewer=viewer))


def declarations_made_by(viewer: Person) -> QuerySet:
    """The viewer's own declarations, newest first."""
    return joined(Declaration.objects.filter(declarant=viewer))


def declarations_to_review(viewer: Person, *, pending_only: bool = False) -> QuerySet:
    """The reviewer's list: declarations routed to ``viewer``, those awaiting review first."""
    declarations = joined(Declaration.objects.filter(reviewer=viewer)).exclude(other_person=viewer)
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
    declaration = joined(Declaration.objects.filter(pk=declaration_id)).first()
    if declaration is not None:
        if policies.sees_declaration(standing, declaration):
            return declaration
        if policies.is_named_in_declaration(standing, declaration):
            return _named(declaration)
    raise NotFound("There is no such declaration.")


def declaration_record(declaration_id: int) -> Declaration:
    """The declaration itself, for the workflow to judge a move on it; only after ``declaration_for``
    said the viewer may know it exists (the person it names gets the narrow view of it, not this)."""
    return joined(Declaration.objects.filter(pk=declaration_id)).get()


@dataclass(frozen=True)
class DeclarationTasks:
    """What needs the viewer's action in the declarations area, for the home page. Counts are
    None where the area is not the viewer's (they review nothing, watch nobody, declare nothing)."""

    to_review: int | None
    to_acknowledge: int | None
    naming_unanswered: int | None
    confirmation: ConfirmationStatus | None
    not_confirmed: int | None
    # When the longest-waiting of them arrived (none has a due date of its own).
    to_review_since: datetime.datetime | None = None
    to_acknowledge_since: datetime.datetime | None = None


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
            to_review=CountOf(declarations_to_review(viewer, pending_only=True)),
            to_acknowledge=CountOf(_own_awaiting_acknowledgement(viewer)),
            naming_unanswered=CountOf(_naming_unanswered(viewer)),
            last_confirmed_on=latest_confirmation(on),
            open_declarations=CountOf(open_declarations_of(viewer)),
            to_review_since=_earliest(declarations_to_review(viewer, pending_only=True), "declared_at"),
            to_acknowledge_since=_earliest(_own_awaiting_acknowledgement(viewer), "reviewed_at"),
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
        confirmation=status_from(row, on) if declares else None,
        not_confirmed=confirmations_outstanding(viewer, on=on, standing=standing).count() if watches else None,
        to_review_since=row.to_review_since if reviews else None,
        to_acknowledge_since=row.to_acknowledge_since if declares else None,
    )


def _earliest(declarations: QuerySet, field: str) -> Subquery:
    """The earliest ``field`` of ``declarations``, as a scalar subquery of the one query."""
    return Subquery(declarations.order_by(field).values(field)[:1])


def _own_awaiting_acknowledgement(viewer: Person) -> QuerySet:
    return Declaration.objects.filter(declarant=viewer, state=Declaration.State.REVIEWED)


def _naming_unanswered(viewer: Person) -> QuerySet:
    """Current declarations naming the viewer that their own declaration does not answer yet."""
    return Declaration.objects.filter(other_person=viewer, state__in=Declaration.OPEN_STATES, counterpart__isnull=True)
