"""Recording and cancelling an absence of the Chief Executive, for whom the Deputy then acts (A2)."""

import datetime

from django.conf import settings
from django.db import transaction

from register import selectors, workflow
from register.errors import RuleViolation
from register.models import Absence, Person, Post
from register.services.history import save_with_history
from register.services.notifications import notify

Role = Post.Role


def absence_record(*, actor: Person, reason: str, start_date: datetime.date, end_date: datetime.date) -> Absence:
    """Record that the Chief Executive is absent, so that the Deputy acts for them (A2)."""

    if end_date < start_date:
        raise RuleViolation(
            f"The absence cannot end ({end_date:%d %B %Y}) before it starts ({start_date:%d %B %Y}).",
            field="end_date",
        )
    chief = selectors.holder_of(Role.CHIEF_EXECUTIVE, on=start_date)
    if chief is None:
        raise RuleViolation(f"Nobody holds the post of Chief Executive on {start_date:%d %B %Y}.", field="start_date")
    workflow.require(workflow.ABSENCE, workflow.RECORD_ABSENCE, None, selectors.standing_of(actor, on=start_date))
    with transaction.atomic():
        Person.objects.select_for_update(no_key=True).get(pk=chief.pk)
        clash = (
            Absence.objects.filter(person=chief, state=Absence.State.RECORDED)
            .filter(start_date__lte=end_date, end_date__gte=start_date)
            .first()
        )
        if clash:
            raise RuleViolation(
                f"An absence from {clash.start_date:%d %B %Y} to {clash.end_date:%d %B %Y} is already recorded.",
                field="start_date",
            )
        absence = Absence(person=chief, start_date=start_date, end_date=end_date, recorded_by=actor, reason=reason)
        save_with_history(absence, actor=actor, reason=reason)
        deputy = selectors.holder_of(Role.DEPUTY_CHIEF_EXECUTIVE, start_date)
        if deputy is not None:
            notify(
                cause=f"absence:{absence.pk}:recorded",
                kind="absence-recorded",
                recipients=[deputy],
                about=absence,
                actor=actor,
                context={"absence": absence, "council_name": settings.COUNCIL_NAME},
            )
    return absence


def absence_cancel(*, actor: Person, reason: str, absence: Absence) -> Absence:

    with transaction.atomic():
        absence = Absence.objects.select_for_update(no_key=True).get(pk=absence.pk)
        standing = selectors.standing_of(actor, on=absence.start_date)
        absence.state = workflow.require(workflow.ABSENCE, workflow.CANCEL_ABSENCE, absence, standing)
        save_with_history(absence, actor=actor, reason=reason, update_fields=["state"])
    return absence
