"""Producing a subject access export: the reading and the record that it was produced, in one
transaction, so that no export leaves the register without auditors seeing who exported whose data."""

from django.db import transaction

from register import policies
from register.errors import NotPermitted, RuleViolation
from register.models import Person, SubjectAccessExport
from register.policies import Standing
from register.selectors import clock
from register.selectors.standing import standing_of
from register.selectors.subject_access import SubjectAccess, subject_access, subject_of
from register.services.history import save_with_history

LONGEST_REASON = 2000


def subject_access_export(
    *,
    person_id: int,
    actor: Person,
    reason: str,
    form: str,
    via: str,
    standing: Standing | None = None,
) -> tuple[SubjectAccessExport, SubjectAccess]:
    """Everything the register holds about a person, for the Monitoring Officer or the Data Protection
    Officer, and the record (with history) that ``actor`` produced it, in which ``form``, through ``via``
    and why. Refused without a reason; "not found" for a person the register does not hold."""
    standing = standing or standing_of(actor)
    if not policies.answers_subject_access(standing):
        raise NotPermitted(
            "Only the Monitoring Officer or the Data Protection Officer answers a subject access request."
        )
    reason = (reason or "").strip()
    if not reason:
        raise RuleViolation("Say why: the subject access request this export answers.", field="reason")
    if len(reason) > LONGEST_REASON:
        raise RuleViolation(f"Keep the reason under {LONGEST_REASON} characters.", field="reason")
    if form not in SubjectAccessExport.Form.values:
        raise RuleViolation("Choose a ZIP or a PDF.", field="form")
    with transaction.atomic():
        subject = subject_of(person_id)
        export = SubjectAccessExport(
            subject=subject,
            asked_by=actor,
            asked_by_capacity=policies.subject_access_capacity(standing),
            reason=reason,
            form=form,
            via=via,
            produced_at=clock.now(),
        )
        save_with_history(export, actor=actor, reason=f"Subject access export: {reason}")
        found = subject_access(standing=standing, person_id=subject.pk)
    return export, found
