"""The Monitoring Officer sets a kind's retention period and places or releases legal holds (issue 21)."""

from django.core.exceptions import ValidationError
from django.db import transaction

from register import retention, selectors
from register.errors import Conflict, NotPermitted, RuleViolation
from register.models import LegalHold, Person, RetentionRule
from register.policies.retention import manages_retention
from register.selectors import clock
from register.services.history import save_with_history

MANAGES = "Only the Monitoring Officer changes the retention schedule, holds records and approves disposal (issue 21)."


def require_manager(actor: Person):
    standing = selectors.standing_of(actor)
    if not manages_retention(standing):
        raise NotPermitted(MANAGES, rule="retention")
    return standing


def _reason(reason: str, field: str = "reason") -> str:
    if not (reason or "").strip():
        raise RuleViolation("Give a reason: it is kept in the history.", field=field)
    return reason.strip()


def _record_kind(key: str) -> retention.RecordKind:
    try:
        return retention.kind(key)
    except ValueError as error:
        raise RuleViolation(str(error), field="record_kind") from None


def retention_period_set(*, actor: Person, record_kind: str, months: int, reason: str) -> RetentionRule:
    """Set how long records of a kind are kept after they end; never below the schedule's minimum."""
    require_manager(actor)
    kind = _record_kind(record_kind)
    reason = _reason(reason)
    if not isinstance(months, int) or isinstance(months, bool):
        raise RuleViolation("Give the period as a whole number of months.", field="months")
    if problem := retention.period_problem(kind.key, months):
        raise RuleViolation(problem, field="months")
    with transaction.atomic():
        rule = RetentionRule.objects.select_for_update().filter(record_kind=kind.key).first()
        if rule is None:
            rule = RetentionRule(record_kind=kind.key)
        rule.months, rule.set_by, rule.set_at = months, actor, clock.now()
        save_with_history(
            rule,
            actor=actor,
            reason=f"Retention period for {kind.label.lower()} set to {retention.period_text(months)}: {reason}",
        )
    return rule


def legal_hold_place(*, actor: Person, record_kind: str, record_id: str, reason: str) -> LegalHold:
    """Hold a record back from erasure, whatever its period, until the hold is released."""
    require_manager(actor)
    kind = _record_kind(record_kind)
    reason = _reason(reason)
    record_id = str(record_id).strip()
    if not record_id:
        raise RuleViolation("Say which record is held.", field="record_id")
    from register.services.retention.records import model_of

    model = model_of(kind.model)
    try:
        exists = model._default_manager.filter(pk=record_id).exists()
    except (ValueError, TypeError, ValidationError):  # a malformed id is no record
        exists = False
    if not exists:
        raise RuleViolation(f"There is no {kind.label.lower()} record {record_id}.", field="record_id")
    with transaction.atomic():
        if LegalHold.objects.filter(record_kind=kind.key, record_id=record_id, state=LegalHold.State.ACTIVE).exists():
            raise Conflict("That record is already under a legal hold.")
        hold = LegalHold(
            record_kind=kind.key, record_id=record_id, reason=reason, placed_by=actor, placed_at=clock.now()
        )
        save_with_history(hold, actor=actor, reason=f"Legal hold placed: {reason}")
    return hold


def legal_hold_release(*, actor: Person, hold: LegalHold, reason: str) -> LegalHold:
    require_manager(actor)
    reason = _reason(reason)
    with transaction.atomic():
        hold = LegalHold.objects.select_for_update().get(pk=hold.pk)
        if hold.state != LegalHold.State.ACTIVE:
            raise Conflict("That legal hold has been released already.")
        hold.state = LegalHold.State.RELEASED
        hold.released_by, hold.released_at, hold.release_reason = actor, clock.now(), reason
        save_with_history(hold, actor=actor, reason=f"Legal hold released: {reason}")
    return hold
