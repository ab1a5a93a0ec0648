"""Recording, ending early and cancelling the absence of a statutory officer: the Chief Executive's,
during which the Deputy decides attendance requests (A2), or the Monitoring Officer's, during which
their deputy acts."""

import datetime

from django.conf import settings
from django.db import transaction

from register import selectors, workflow
from register.errors import RuleViolation
from register.models import Absence, Person, Post
from register.services.history import save_with_history
from register.services.notifications import notify

Role = Post.Role


def absence_record(
    *,
    actor: Person,
    reason: str,
    start_date: datetime.date,
    end_date: datetime.date,
    role: str = Role.CHIEF_EXECUTIVE,
) -> Absence:
    """Record that the holder of ``role`` (the Chief Executive unless said otherwise) is absent, so
    that their deputy acts meanwhile (A2); the deputy is told."""
    if role not in Post.ABSENCE_DEPUTIES:
        raise RuleViolation("Absences are recorded for the Chief Executive and the Monitoring Officer.", field="role")
    if end_date < start_date:
        raise RuleViolation(
            f"The absence cannot end ({end_date:%d %B %Y}) before it starts ({start_date:%d %B %Y}).",
            field="end_date",
        )
    holding = selectors.holding_of(role, on=start_date)
    label = Role(role).label
    if holding is None:
        raise RuleViolation(f"Nobody holds the post of {label} on {start_date:%d %B %Y}.", field="start_date")
    absent = holding.person
    absence = Absence(
        person=absent, post=holding.post, start_date=start_date, end_date=end_date, recorded_by=actor, reason=reason
    )
    workflow.require(
        workflow.ABSENCE,
        workflow.RECORD_ABSENCE,
        absence,
        selectors.standing_of(actor, on=start_date),
        state=workflow.NEW,
    )
    with transaction.atomic():
        Person.objects.select_for_update(no_key=True).get(pk=absent.pk)
        _refuse_overlap(absence)
        save_with_history(absence, actor=actor, reason=reason)
        _tell_deputy(absence, actor, role)
    return absence


def absence_end(*, actor: Person, reason: str, absence: Absence, end_date: datetime.date) -> Absence:
    """End a recorded absence early: its last day becomes ``end_date`` (the officer is back the day after)."""
    with transaction.atomic():
        absence = Absence.objects.select_for_update(no_key=True, of=("self",)).select_related("post").get(pk=absence.pk)
        workflow.require(workflow.ABSENCE, workflow.END_ABSENCE, absence, selectors.standing_of(actor))
        if not absence.start_date <= end_date < absence.end_date:
            raise RuleViolation(
                f"An absence from {absence.start_date:%d %B %Y} to {absence.end_date:%d %B %Y} ends early on a day "
                f"from its first to the day before its last.",
                field="end_date",
            )
        absence.end_date = end_date
        save_with_history(absence, actor=actor, reason=reason, update_fields=["end_date"])
    return absence


def absence_cancel(*, actor: Person, reason: str, absence: Absence) -> Absence:
    with transaction.atomic():
        absence = Absence.objects.select_for_update(no_key=True, of=("self",)).select_related("post").get(pk=absence.pk)
        standing = selectors.standing_of(actor, on=absence.start_date)
        absence.state = workflow.require(workflow.ABSENCE, workflow.CANCEL_ABSENCE, absence, standing)
        save_with_history(absence, actor=actor, reason=reason, update_fields=["state"])
    return absence


def _refuse_overlap(absence: Absence) -> None:
    clash = (
        Absence.objects.filter(person=absence.person, state=Absence.State.RECORDED)
        .filter(start_date__lte=absence.end_date, end_date__gte=absence.start_date)
        .first()
    )
    if clash:
        raise RuleViolation(
            f"An absence from {clash.start_date:%d %B %Y} to {clash.end_date:%d %B %Y} is already recorded.",
            field="start_date",
        )


def _tell_deputy(absence: Absence, actor: Person, role: str) -> None:
    deputy = selectors.holder_of(Post.ABSENCE_DEPUTIES[role], absence.start_date)
    if deputy is None:
        return
    notify(
        cause=f"absence:{absence.pk}:recorded",
        kind="absence-recorded" if role == Role.CHIEF_EXECUTIVE else "statutory-absence-recorded",
        recipients=[deputy],
        about=absence,
        actor=actor,
        context={"absence": absence, "council_name": settings.COUNCIL_NAME},
    )
