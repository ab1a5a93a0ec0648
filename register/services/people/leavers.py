"""Recording that someone has left the council (an officer leaves; a councillor stands down or is
disqualified): one transaction that ends their posts and memberships on their last day and deals
with what is open, as ``register.selectors.leavers.leaving_plan`` describes it, with history and the
reason on every row and a notice to each person affected. Nothing is deleted (C3). From the day
after they left they cannot sign in (``register.backends``)."""

import datetime

from django.db import transaction

from register import selectors, workflow
from register.errors import RuleViolation
from register.models import AttendanceInvitation, Declaration, Membership, Person
from register.selectors.leavers import (
    LeavingPlan,
    check_leaving_date,
    declaration_ending_recipients,
    leaving_plan,
)
from register.services.attendance.notices import request_context
from register.services.declarations.common import common_context, tell_reviewer
from register.services.history import save_with_history
from register.services.notifications import notify
from register.services.people.changes import check_unchanged_since, require_keeper
from register.services.sign_in.tokens import revoke_all_tokens


def person_leave(
    *, actor: Person, reason: str, person: Person, left_on: datetime.date, version: int | None = None
) -> LeavingPlan:
    """Record that ``person`` left on ``left_on`` (their last day), and everything that follows:
    all of it or, when anything is refused, none of it. Answers what was done."""
    reason = (reason or "").strip()
    require_keeper(actor, workflow.RECORD_LEAVER, person, flow=workflow.PERSON_RECORD)
    if not reason:
        raise RuleViolation("Say why they left (for example: resigned, retired, stood down).", field="reason")
    with transaction.atomic():
        person = Person.objects.select_for_update(no_key=True).get(pk=person.pk)
        # Under the lock: a second leaver recorded meanwhile is a state conflict, not a second change.
        require_keeper(actor, workflow.RECORD_LEAVER, person, flow=workflow.PERSON_RECORD)
        check_unchanged_since(person, version)
        check_leaving_date(person, left_on, selectors.today())
        plan = leaving_plan(person, left_on)
        if plan.problems:
            raise RuleViolation(" ".join(plan.problems), field="reviewer")
        why = f"{person} left the council on {left_on:%d %B %Y}: {reason}"
        person.left_on = left_on
        save_with_history(person, actor=actor, reason=reason, update_fields=["left_on"])
        for holding in plan.holdings:
            _end_holding(holding, left_on, actor=actor, why=why)
        for invitation in plan.invitations:
            _lapse_invitation(invitation, plan, actor=actor, why=why)
        for declaration in plan.declarations_ending:
            _end_declaration(declaration, plan, actor=actor, why=why)
        for rerouting in plan.reroutings:
            _send_on(rerouting.declaration, rerouting.route, plan, actor=actor, why=why)
        if left_on <= selectors.today():
            # Gone already (or going today): their API tokens stop now. A later last day needs nothing
            # here: from the day after it, the API refuses their tokens as it refuses them (register.backends).
            revoke_all_tokens(actor=actor, person=person, reason=why)
    return plan


def _end_holding(holding: Membership, left_on: datetime.date, *, actor: Person, why: str) -> None:
    holding = Membership.objects.select_for_update(no_key=True).get(pk=holding.pk)
    holding.end_date = left_on
    save_with_history(holding, actor=actor, reason=why, update_fields=["end_date"])


def _lapse_invitation(invitation: AttendanceInvitation, plan: LeavingPlan, *, actor: Person, why: str) -> None:
    """The officer will not attend a briefing after their last day (A4): the invitation lapses, and the
    group and the acting Chief Executive are told; the request stays with the group."""
    locked = AttendanceInvitation.objects.select_for_update(no_key=True).get(pk=invitation.pk)
    locked.state = workflow.next_state(workflow.ATTENDANCE_INVITATION, locked.state, workflow.OFFICER_LEFT)
    save_with_history(locked, actor=actor, reason=why, update_fields=["state"])
    request = invitation.request
    notify(
        cause=f"attendance-request:{request.pk}:officer-left:{plan.person.pk}",
        kind="attendance-officer-left",
        recipients=plan.invitation_recipients[invitation.pk],
        about=request,
        actor=actor,
        context=request_context(request, officer=plan.person, left_on=plan.left_on),
    )


def _end_declaration(declaration: Declaration, plan: LeavingPlan, *, actor: Person, why: str) -> None:
    """A relationship with someone who has left ends on their last day (B1, C3); the other party and
    the reviewer are told. The other person's notice says no more than that it named them."""
    locked = Declaration.objects.select_for_update(no_key=True).get(pk=declaration.pk)
    locked.state = workflow.next_state(workflow.DECLARATION, locked.state, workflow.END_PERSON_LEFT)
    # A declaration whose relationship began after the leaving date ends the day it began.
    locked.ended_on = max(plan.left_on, locked.began_on)
    save_with_history(locked, actor=actor, reason=why, update_fields=["state", "ended_on"])
    notify(
        cause=f"declaration:{declaration.pk}:ended:person-left:{plan.person.pk}",
        kind="declaration-ended-person-left",
        recipients=declaration_ending_recipients(declaration, plan.person),
        about=locked,
        actor=actor,
        context=common_context(
            leaver=plan.person,
            left_on=plan.left_on,
            declarant=declaration.declarant,
            other_person=declaration.other_person,
            kind_text=declaration.kind_text,
            ended_on=locked.ended_on,
        ),
    )


def _send_on(declaration: Declaration, route, plan: LeavingPlan, *, actor: Person, why: str) -> None:
    """A declaration whose reviewer has left goes to whoever holds the reviewing post now (B3, B4):
    the new reviewer is asked to review it and the declarant is told where it went."""
    locked = Declaration.objects.select_for_update(no_key=True).get(pk=declaration.pk)
    workflow.next_state(workflow.DECLARATION, locked.state, workflow.REROUTE_REVIEWER_LEFT)
    locked.reviewer, locked.reviewer_capacity = route.person, route.capacity
    save_with_history(locked, actor=actor, reason=why, update_fields=["reviewer", "reviewer_capacity"])
    tell_reviewer(locked, actor=actor, cause=f"declaration:{locked.pk}:routed-to:{route.person.pk}")
    notify(
        cause=f"declaration:{locked.pk}:reviewer-left:{plan.person.pk}",
        kind="declaration-reviewer-left",
        recipients=[declaration.declarant],
        about=locked,
        actor=actor,
        context=common_context(
            leaver=plan.person,
            left_on=plan.left_on,
            reviewer=route.person,
            capacity=route.capacity,
            other_person=declaration.other_person,
            kind_text=declaration.kind_text,
        ),
    )
