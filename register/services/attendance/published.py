"""Corrections to the published register of officer attendance (A8), by the Chief Executive's office.

An entry's date or subject may be wrong (a date typed wrongly, a subject recorded in words the group
did not agree). A correction is a new row with the entry's date and subject from then on and a
reason published beside it; the briefing's own record is unchanged, and nothing is deleted (C3). The
officers' posts are not corrected here: they are the posts held on the day, and are corrected in the
people records (a holding's dates or post), which the entry then follows.
"""

import datetime

from django.db import transaction

from register import policies, selectors
from register.errors import NotFound, NotPermitted, RuleViolation
from register.models import AttendanceRequest, Person, PublicEntryCorrection
from register.policies.standing import Standing
from register.services.attendance.common import lock_request, standing_of
from register.services.history import save_with_history


def published_entry_to_correct(*, request: AttendanceRequest, actor: Person) -> AttendanceRequest:
    """The entry of the published register for ``request`` (``selectors.published_briefings``), if
    ``actor`` may correct it: the correction page's gate, in the service's own words."""
    return _correctable(request, standing_of(actor))


def _correctable(request: AttendanceRequest, standing: Standing) -> AttendanceRequest:
    if not policies.corrects_published_entry(standing, request):
        raise NotPermitted(
            "Only the Chief Executive, or the Deputy while acting for them, corrects the published register.",
            rule="A2",
        )
    entry = selectors.published_briefings().filter(pk=request.pk).first()
    if entry is None:
        raise NotFound("This briefing is not on the published register.")
    return entry


def published_entry_correct(
    *, request: AttendanceRequest, actor: Person, date: datetime.date, subject: str, reason: str
) -> PublicEntryCorrection:
    """Correct the date and subject the published register shows for ``request``, with a reason
    that is published with the entry and in the Atom feed. Only the acting Chief Executive (A2);
    a blank reason or subject, and a correction that changes nothing, are refused."""
    standing = standing_of(actor)
    with transaction.atomic():
        found = lock_request(request)
        entry = _correctable(found, standing)
        subject, reason = (subject or "").strip(), (reason or "").strip()
        if not reason:
            raise RuleViolation("Give the reason for the correction: it is published with the entry.", field="reason")
        if not subject:
            raise RuleViolation("Enter the subject the entry should show.", field="subject")
        if date is None:
            raise RuleViolation("Enter the date the entry should show.", field="date")
        if date == entry.shown_date and subject == (entry.corrected_subject or entry.subject):
            raise RuleViolation(
                "The correction changes nothing: the entry already shows this date and subject.", field="date"
            )
        correction = PublicEntryCorrection(
            request=found,
            date=date,
            subject=subject,
            reason=reason,
            corrected_by=actor,
            corrected_at=standing.at,
        )
        save_with_history(correction, actor=actor, reason=f"Published entry corrected: {reason}")
    return correction
