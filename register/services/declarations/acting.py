"""The moves on a declaration once made (B1, B3-B5, C3): review, acknowledge, end, withdraw, re-route."""

import datetime

from django.db import transaction
from django.utils import timezone

from register import selectors, workflow
from register.errors import NotFound, RuleViolation
from register.models import Declaration, Person
from register.selectors import declarations as declaration_selectors
from register.services.declarations.common import common_context, tell_reviewer
from register.services.history import save_with_history
from register.services.notifications import notify


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
            context=common_context(
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
            context=common_context(
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
            context=common_context(
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
        tell_reviewer(declaration, actor=actor, cause=f"declaration:{declaration.pk}:routed-to:{route.person.pk}")
    return declaration
