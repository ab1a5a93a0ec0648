"""Changes to relationship declarations between members and officers (B1-B7) and to the
periodic re-confirmation of them. The only code that changes these records.

Each service runs in one transaction, locks what it changes, checks the policy and the
transition table, saves with history (who, why) and writes its notices in the same transaction.
"""

import datetime
from collections import defaultdict
from collections.abc import Iterable

from django.conf import settings
from django.db import models, transaction
from django.db.models import Case, IntegerField, Value, When
from django.utils import timezone

from register import policies, selectors, workflow
from register.errors import NotFound, NotPermitted, RuleViolation
from register.models import Declaration, DeclarationConfirmation, Notification, Person
from register.models.declarations import IF_IN_DOUBT, WHAT_COUNTS, WHAT_DOES_NOT_COUNT
from register.selectors import declarations as declaration_selectors
from register.services.history import save_with_history
from register.services.notifications import notify

State = Declaration.State

OUT_OF_SCOPE_SAME_SIDE = {
    Person.Kind.MEMBER: (
        "This register is for relationships between a councillor and an officer (the protocol on "
        "member/officer relations, section 5.9). A relationship between two councillors is outside it: "
        "councillors' interests are registered and declared under the Members' Code of Conduct."
    ),
    Person.Kind.OFFICER: (
        "This register is for relationships between a councillor and an officer (the protocol on "
        "member/officer relations, section 5.9). A relationship between two officers is outside it: it is "
        "a matter for the council's employment policy on relationships at work."
    ),
}


def _common_context(**values) -> dict:
    return {"council_name": settings.COUNCIL_NAME, **values}


def _rule_for(declaration_or_person) -> str:
    """B3 governs members' declarations, B4 officers'."""
    person = getattr(declaration_or_person, "declarant", declaration_or_person)
    return "B3" if person.is_member else "B4"


# --- Declaring ----------------------------------------------------------------------------------


def declaration_submit(
    *,
    actor: Person,
    reason: str,
    other_person: Person,
    kind: str,
    began_on: datetime.date,
    description: str,
    family_relation: str = "",
    reviewer: Person | None = None,
) -> Declaration:
    """``actor`` declares a relationship with ``other_person`` (B1, B6).

    It goes to the reviewer worked out from today's posts (B3, B4), or to the one the declarant
    chose among those offered; the other person is told that a declaration names them and asked
    to make their own, and if they already have, the two are linked. Who may declare is the
    workflow's (``DECLARE``: councillors and officers current today); who they may name is checked here.
    """
    standing = selectors.standing_of(actor)
    workflow.require(workflow.DECLARATION, workflow.DECLARE, None, standing)
    today = standing.on
    family_relation = (family_relation or "").strip()
    description = (description or "").strip()
    _check_parties(actor, other_person, today)
    _check_details(kind=kind, family_relation=family_relation, began_on=began_on, description=description, today=today)
    route = declaration_selectors.route_for(actor, other_person, today, chosen=reviewer)

    with transaction.atomic():
        # Lock both people, in a fixed order, so that two declarations about the same pair made at
        # once see each other: neither duplicates, and the second links to the first.
        list(Person.objects.select_for_update(no_key=True).filter(pk__in=[actor.pk, other_person.pk]).order_by("pk"))
        _check_not_already_declared(actor, other_person, kind)
        counterpart = _counterpart_for(actor, other_person, kind)
        declaration = Declaration(
            declarant=actor,
            other_person=other_person,
            kind=kind,
            family_relation=family_relation,
            began_on=began_on,
            description=description,
            reviewer=route.person,
            reviewer_capacity=route.capacity,
            counterpart=counterpart,
        )
        save_with_history(declaration, actor=actor, reason=reason)
        if counterpart is not None:
            counterpart.counterpart = declaration
            save_with_history(
                counterpart,
                actor=actor,
                reason=f"Linked to {actor}'s own declaration of the same relationship",
                update_fields=["counterpart"],
            )
        _tell_reviewer(declaration, actor=actor, cause=f"declaration:{declaration.pk}:submitted")
        notify(
            cause=f"declaration:{declaration.pk}:submitted",
            kind="declaration-names-you",
            recipients=[other_person],
            about=declaration,
            actor=actor,
            context=_common_context(
                declarant=actor,
                kind_text=declaration.kind_text,
                already_declared=counterpart is not None,
                what_counts=WHAT_COUNTS,
                what_does_not_count=WHAT_DOES_NOT_COUNT,
                if_in_doubt=IF_IN_DOUBT,
                rule=_rule_for(other_person),
            ),
        )
    return declaration


def _check_parties(declarant: Person, other_person: Person, today: datetime.date) -> None:
    """The other person: someone else, on the other side (a councillor for an officer, and the
    other way round), and still in the council. The declarant's own standing is the workflow's."""
    if other_person.pk == declarant.pk:
        raise RuleViolation(
            "A declaration is about your relationship with someone else: you cannot name yourself.",
            field="other_person",
            rule="B1",
        )
    if other_person.kind == declarant.kind:
        raise RuleViolation(OUT_OF_SCOPE_SAME_SIDE[declarant.kind], field="other_person", rule="B1")
    if other_person.kind not in policies.DECLARING_KINDS:
        raise RuleViolation("The other person must be a councillor or an officer.", field="other_person", rule="B1")
    if not other_person.is_current_on(today):
        raise RuleViolation(
            f"{other_person} is no longer a {'councillor' if other_person.is_member else 'council officer'}, "
            "so there is nothing to declare.",
            field="other_person",
        )


def _check_details(*, kind, family_relation, began_on, description, today) -> None:
    if kind not in Declaration.Kind.values:
        raise RuleViolation("Choose the kind of relationship.", field="kind")
    if kind == Declaration.Kind.FAMILY and not family_relation:
        raise RuleViolation("Say how you are related, for example 'brother' or 'cousin'.", field="family_relation")
    if kind != Declaration.Kind.FAMILY and family_relation:
        raise RuleViolation("A relation is given only for a family relationship.", field="family_relation")
    if began_on is None:
        raise RuleViolation("Give the date the relationship began; an approximate date will do.", field="began_on")
    if began_on > today:
        raise RuleViolation(
            f"The relationship cannot begin in the future ({began_on:%d %B %Y}); declare it once it exists.",
            field="began_on",
        )
    if not description:
        raise RuleViolation("Describe the relationship in a few words.", field="description")


def _check_not_already_declared(declarant: Person, other_person: Person, kind: str) -> None:
    existing = Declaration.objects.filter(
        declarant=declarant, other_person=other_person, kind=kind, state__in=Declaration.OPEN_STATES
    ).first()
    if existing is not None:
        raise RuleViolation(
            f"You already have a current declaration of {existing.kind_text.lower()} with {other_person}, "
            f"made on {timezone.localdate(existing.declared_at):%d %B %Y}. End it, or withdraw it if it was "
            "made in error, before declaring again.",
            field="kind",
        )


def _counterpart_for(declarant: Person, other_person: Person, kind: str) -> Declaration | None:
    """The other person's own open, unlinked declaration of this relationship, the same kind first."""
    return (
        Declaration.objects.select_for_update(no_key=True)
        .filter(
            declarant=other_person, other_person=declarant, state__in=Declaration.OPEN_STATES, counterpart__isnull=True
        )
        .order_by(Case(When(kind=kind, then=Value(0)), default=Value(1), output_field=IntegerField()), "declared_at")
        .first()
    )


def _tell_reviewer(declaration: Declaration, *, actor: Person, cause: str) -> None:
    notify(
        cause=cause,
        kind="declaration-to-review",
        recipients=[declaration.reviewer],
        about=declaration,
        actor=actor,
        context=_common_context(
            declarant=declaration.declarant,
            other_person=declaration.other_person,
            kind_text=declaration.kind_text,
            capacity=declaration.reviewer_capacity,
            rule=_rule_for(declaration),
        ),
    )


# --- Acting on a declaration --------------------------------------------------------------------


def _locked(declaration: Declaration, move: str, actor: Person) -> Declaration:
    """The declaration, locked for change, once the workflow lets ``actor`` make ``move`` on it:
    "not found" unless they may know it exists, else the one right refusal (``workflow.require``).
    The record's state is set to where the move leads; the caller saves it."""
    locked = (
        Declaration.objects.select_for_update(no_key=True, of=("self",))
        .select_related("declarant", "reviewer", "other_person")
        .filter(pk=declaration.pk)
        .first()
    )
    if locked is None:
        raise NotFound(workflow.DECLARATION.not_found)
    locked.state = workflow.require(workflow.DECLARATION, move, locked, selectors.standing_of(actor))
    return locked


def declaration_review(
    *, actor: Person, reason: str, declaration: Declaration, advice: str, action_agreed: str, action_detail: str = ""
) -> Declaration:
    """The reviewer records advice and the action agreed (B3, B4, B5); the declarant is asked to
    acknowledge it. A reviewer may revise advice later, which asks for a new acknowledgement."""
    advice, action_detail = (advice or "").strip(), (action_detail or "").strip()
    with transaction.atomic():
        declaration = _locked(declaration, workflow.REVIEW, actor)
        if not advice:
            raise RuleViolation("Record your advice to the declarant.", field="advice")
        if action_agreed not in Declaration.Action.values:
            raise RuleViolation("Choose the action agreed (or 'no action needed').", field="action_agreed")
        if action_agreed == Declaration.Action.OTHER and not action_detail:
            raise RuleViolation("Describe the action agreed in a few words.", field="action_detail")
        if action_agreed != Declaration.Action.OTHER and action_detail:
            raise RuleViolation("Only an 'other' action is described in words; use the advice.", field="action_detail")
        declaration.advice, declaration.action_agreed, declaration.action_detail = advice, action_agreed, action_detail
        declaration.reviewed_by, declaration.reviewed_at, declaration.acknowledged_at = actor, timezone.now(), None
        save_with_history(
            declaration,
            actor=actor,
            reason=reason,
            update_fields=[
                "state",
                "advice",
                "action_agreed",
                "action_detail",
                "reviewed_by",
                "reviewed_at",
                "acknowledged_at",
            ],
        )
        notify(
            cause=f"declaration:{declaration.pk}:reviewed:{declaration.reviewed_at:%Y%m%dT%H%M%S%f}",
            kind="declaration-reviewed",
            recipients=[declaration.declarant],
            about=declaration,
            actor=actor,
            context=_common_context(
                reviewer=actor,
                capacity=declaration.reviewer_capacity,
                other_person=declaration.other_person,
                kind_text=declaration.kind_text,
                action_text=declaration.action_text,
            ),
        )
    return declaration


def declaration_acknowledge(*, actor: Person, reason: str, declaration: Declaration) -> Declaration:
    """The declarant acknowledges the advice and the action agreed."""
    with transaction.atomic():
        declaration = _locked(declaration, workflow.ACKNOWLEDGE, actor)
        declaration.acknowledged_at = timezone.now()
        save_with_history(declaration, actor=actor, reason=reason, update_fields=["state", "acknowledged_at"])
    return declaration


def declaration_end(*, actor: Person, reason: str, declaration: Declaration, ended_on: datetime.date) -> Declaration:
    """The relationship has ended: the declaration stays on the register, ended (C3)."""
    with transaction.atomic():
        declaration = _locked(declaration, workflow.END, actor)
        if ended_on is None:
            raise RuleViolation("Give the date the relationship ended.", field="ended_on")
        if ended_on < declaration.began_on:
            raise RuleViolation(
                f"The relationship cannot end ({ended_on:%d %B %Y}) before it began ({declaration.began_on:%d %B %Y}).",
                field="ended_on",
            )
        if ended_on > selectors.today():
            raise RuleViolation("Record the end once the relationship has ended, not in advance.", field="ended_on")
        declaration.ended_on = ended_on
        save_with_history(declaration, actor=actor, reason=reason, update_fields=["state", "ended_on"])
        notify(
            cause=f"declaration:{declaration.pk}:ended",
            kind="declaration-ended",
            recipients=[declaration.reviewer],
            about=declaration,
            actor=actor,
            context=_common_context(
                declarant=declaration.declarant,
                other_person=declaration.other_person,
                kind_text=declaration.kind_text,
                ended_on=ended_on,
            ),
        )
    return declaration


def declaration_withdraw(*, actor: Person, reason: str, declaration: Declaration) -> Declaration:
    """A declaration made in error is withdrawn, never deleted (C3); any link to the other
    person's declaration is undone, so that theirs can be linked to a correct one."""
    with transaction.atomic():
        declaration = _locked(declaration, workflow.WITHDRAW_DECLARATION, actor)
        counterpart = None
        if declaration.counterpart_id is not None:
            counterpart = Declaration.objects.select_for_update(no_key=True).get(pk=declaration.counterpart_id)
            declaration.counterpart = None
        save_with_history(declaration, actor=actor, reason=reason, update_fields=["state", "counterpart"])
        if counterpart is not None and counterpart.counterpart_id == declaration.pk:
            counterpart.counterpart = None
            save_with_history(
                counterpart,
                actor=actor,
                reason=f"Unlinked: {actor} withdrew their declaration as made in error",
                update_fields=["counterpart"],
            )
        notify(
            cause=f"declaration:{declaration.pk}:withdrawn",
            kind="declaration-withdrawn",
            recipients=[declaration.reviewer, declaration.other_person],
            about=declaration,
            actor=actor,
            context=_common_context(
                declarant=declaration.declarant,
                other_person=declaration.other_person,
                kind_text=declaration.kind_text,
            ),
        )
    return declaration


def declaration_reroute(
    *, actor: Person, reason: str, declaration: Declaration, reviewer: Person | None = None
) -> Declaration:
    """Send an open declaration to the reviewer of today's posts, when its reviewer has left the
    post or changed role (B3, B4). The declarant or the Monitoring Officer does this."""
    with transaction.atomic():
        declaration = _locked(declaration, workflow.REROUTE, actor)
        route = declaration_selectors.route_for(
            declaration.declarant, declaration.other_person, selectors.today(), chosen=reviewer
        )
        if route.person.pk == declaration.reviewer_id:
            raise RuleViolation(f"It already goes to {route.person} ({route.capacity}).", field="reviewer")
        declaration.reviewer, declaration.reviewer_capacity = route.person, route.capacity
        save_with_history(declaration, actor=actor, reason=reason, update_fields=["reviewer", "reviewer_capacity"])
        _tell_reviewer(declaration, actor=actor, cause=f"declaration:{declaration.pk}:routed-to:{route.person.pk}")
    return declaration


# --- Periodic re-confirmation (B6) --------------------------------------------------------------


def declarations_reconfirm(*, actor: Person, reason: str) -> DeclarationConfirmation:
    """``actor`` confirms that their open declarations are current and complete."""
    return _confirm(actor=actor, reason=reason, nothing_to_declare=False)


def declarations_nothing_to_declare(*, actor: Person, reason: str) -> DeclarationConfirmation:
    """``actor`` returns "nothing to declare", which counts as their confirmation."""
    return _confirm(actor=actor, reason=reason, nothing_to_declare=True)


def _confirm(*, actor: Person, reason: str, nothing_to_declare: bool) -> DeclarationConfirmation:
    standing = selectors.standing_of(actor)
    if not policies.declares(standing):
        raise NotPermitted("Only councillors and officers confirm declarations.", field="person", rule="B6")
    with transaction.atomic():
        Person.objects.select_for_update(no_key=True).get(pk=actor.pk)
        open_count = Declaration.objects.filter(declarant=actor, state__in=Declaration.OPEN_STATES).count()
        if nothing_to_declare and open_count:
            raise RuleViolation(
                f"You have {open_count} open declaration{'s' if open_count > 1 else ''}: confirm "
                f"{'them' if open_count > 1 else 'it'}, or end any relationship that has ended, instead of "
                "returning 'nothing to declare'.",
                field="nothing_to_declare",
                rule="B6",
            )
        if not nothing_to_declare and not open_count:
            raise RuleViolation(
                "You have no open declarations: return 'nothing to declare' instead.",
                field="nothing_to_declare",
                rule="B6",
            )
        confirmation = DeclarationConfirmation(
            person=actor,
            confirmed_on=standing.on,
            nothing_to_declare=nothing_to_declare,
            open_declarations=open_count,
        )
        save_with_history(confirmation, actor=actor, reason=reason)
    return confirmation


def confirmation_reminders_send(*, on: datetime.date | None = None) -> int:
    """Remind everyone whose confirmation falls due soon, once per due date, and everyone past it,
    once per interval (settings.DECLARATIONS_REMIND_*). Returns how many were reminded.

    Sent by the register itself (the system user), each in its own transaction, and idempotent:
    a repeated or late run sends nothing twice.
    """
    on = on or selectors.today()
    before = datetime.timedelta(days=settings.DECLARATIONS_REMIND_BEFORE_DAYS)
    every = max(1, settings.DECLARATIONS_REMIND_OVERDUE_EVERY_DAYS)
    reminded = 0
    for person in declaration_selectors.people_in_confirmation_scope(on).order_by("pk"):
        due_on = declaration_selectors.confirmation_due_on(person)
        if due_on < on:
            kind, cause = "declarations-confirmation-overdue", f"overdue-{(on - due_on).days // every}"
        elif due_on - before <= on:
            kind, cause = "declarations-confirmation-due", "due"
        else:
            continue
        with transaction.atomic():
            written = notify(
                cause=f"declarations-confirmation:{person.pk}:{due_on.isoformat()}:{cause}",
                kind=kind,
                recipients=[person],
                about=person,
                actor=None,
                context=_common_context(
                    due_on=due_on,
                    last_confirmed_on=person.last_confirmed_on,
                    what_counts=WHAT_COUNTS,
                    what_does_not_count=WHAT_DOES_NOT_COUNT,
                ),
            )
        reminded += bool(written)
    return reminded


# --- The conflict check's reminder (B7) ---------------------------------------------------------


def declare_at_meeting_remind(
    *,
    relationships: Iterable["declaration_selectors.ActiveRelationship"],
    about: models.Model,
    meeting_on: datetime.date,
    actor: Person | None,
    cause: str,
) -> list[Notification]:
    """Remind each member in ``relationships`` (from ``active_relationships``) to declare the
    interest at the meeting the officer attends (B7, B3). For the attendance service to call
    inside its own transaction; names the officer and the kind, never the description."""
    by_member, seen = defaultdict(list), set()
    for relationship in relationships:
        # Both sides' declarations of one relationship make one line of the reminder.
        key = (relationship.member.pk, relationship.officer.pk, relationship.kind)
        if key not in seen:
            seen.add(key)
            by_member[relationship.member].append(relationship)
    written = []
    for member, theirs in by_member.items():
        written += notify(
            cause=cause,
            kind="declaration-declare-at-meeting",
            recipients=[member],
            about=about,
            actor=actor,
            context=_common_context(relationships=theirs, meeting_on=meeting_on),
        )
    return written
