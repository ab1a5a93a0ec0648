"""Disposal runs (issue 21): what the retention schedule says is due, approved by the Monitoring Officer,
then erased, one record per transaction, keeping the history provable (``erasure.py``).

Nothing is erased without approval. A record under a legal hold, referred to by an open concern, about
a member of an open complaint, or with history from before the Merkle tree began is listed as held,
with the reason, and never erased (it is listed again by a later run, once nothing holds it).
"""

import datetime
import logging

from django.conf import settings
from django.db import transaction
from django.urls import reverse

from register import retention, selectors
from register.errors import Conflict, InvalidTransition, NotFound, RuleViolation
from register.models import AccessLogEntry, DisposalItem, DisposalRun, HistoryLink, Person, Post
from register.notice_links import NoticeLink
from register.queue import queue_task
from register.selectors import clock
from register.selectors.retention_schedule import periods_in_force
from register.services.history import save_with_history
from register.services.retention import erasure, records
from register.services.retention.schedule import require_manager
from register.services.system import system_user

logger = logging.getLogger(__name__)

ERASED_TEXT = retention.ERASED


def disposal_run_propose(*, as_of: datetime.date | None = None, actor: Person | None = None) -> DisposalRun:
    """List every record whose period in force was over by ``as_of`` (today by default) and not erased yet:
    one item each, due or held with the reason. ``actor`` None is the scheduled run (Celery beat); a
    person proposing one must be the Monitoring Officer. Refused while another run awaits approval or runs."""
    if actor is not None:
        require_manager(actor)
    as_of = as_of or clock.today()
    with transaction.atomic():
        pending = (
            DisposalRun.objects.select_for_update()
            .filter(state__in=(DisposalRun.State.PROPOSED, DisposalRun.State.APPROVED))
            .first()
        )
        if pending is not None:
            raise Conflict(
                f"The disposal run of {pending.as_of:%-d %B %Y} is still {pending.get_state_display().lower()}: "
                "approve, reject or finish it first."
            )
        run = DisposalRun(as_of=as_of, proposed_at=clock.now(), proposed_by=actor)
        who = actor or system_user()
        save_with_history(run, actor=who, reason=f"Disposal run proposed as of {as_of.isoformat()}")
        erased_already = _erased_already()
        for period in periods_in_force():
            kind = period.kind
            due = {
                pk: ended_on
                for pk, ended_on in records.ended_records(kind.key).items()
                if ended_on is not None
                and retention.due_on(ended_on, period.months) <= as_of
                and (kind.key, pk) not in erased_already
            }
            held = records.holds(kind, due)
            for pk, ended_on in sorted(due.items(), key=lambda item: (item[1], _order(item[0]))):
                item = DisposalItem(
                    run=run,
                    record_kind=kind.key,
                    record_id=pk,
                    ended_on=ended_on,
                    due_on=retention.due_on(ended_on, period.months),
                    months=period.months,
                    outcome=DisposalItem.Outcome.HELD if pk in held else DisposalItem.Outcome.DUE,
                    held_because=held.get(pk, "")[:300],
                )
                save_with_history(item, actor=who, reason=f"Listed by disposal run {run.pk}")
        _tell_the_monitoring_officer(run, actor)
    return run


def _order(pk: str):
    return (0, int(pk), "") if pk.isdigit() else (1, 0, pk)


def _erased_already() -> set[tuple[str, str]]:
    return set(DisposalItem.objects.filter(outcome=DisposalItem.Outcome.ERASED).values_list("record_kind", "record_id"))


def _tell_the_monitoring_officer(run: DisposalRun, actor: Person | None) -> None:
    from register.services.notifications import notify

    monitoring_officer = selectors.holder_of(Post.Role.MONITORING_OFFICER, clock.today())
    if monitoring_officer is None:
        logger.warning("Nobody holds the Monitoring Officer's post to approve disposal run %s", run.pk)
        return
    counts = dict.fromkeys(DisposalItem.Outcome.values, 0)
    for outcome in run.items.values_list("outcome", flat=True):
        counts[outcome] += 1
    notify(
        cause=f"disposal-run:{run.pk}",
        kind="disposal-run-proposed",
        recipients=[monitoring_officer],
        about=run,
        actor=actor,
        context={"run": run, "due": counts["due"], "held": counts["held"], "council_name": settings.COUNCIL_NAME},
        link=NoticeLink("Review the disposal run", reverse("retention:run", args=[run.pk])),
    )


def _locked_run(run: DisposalRun) -> DisposalRun:
    try:
        return DisposalRun.objects.select_for_update().get(pk=run.pk)
    except DisposalRun.DoesNotExist:
        raise NotFound("There is no such disposal run.") from None


def disposal_run_approve(*, actor: Person, run: DisposalRun, reason: str) -> DisposalRun:
    """The Monitoring Officer approves a proposed run (with a reason); erasure then runs (a Celery task)."""
    return _decide(actor=actor, run=run, reason=reason, state=DisposalRun.State.APPROVED, verb="approved")


def disposal_run_reject(*, actor: Person, run: DisposalRun, reason: str) -> DisposalRun:
    """The Monitoring Officer rejects a proposed run: nothing in it is erased."""
    return _decide(actor=actor, run=run, reason=reason, state=DisposalRun.State.REJECTED, verb="rejected")


def _decide(*, actor, run, reason, state, verb) -> DisposalRun:
    require_manager(actor)
    if not (reason or "").strip():
        raise RuleViolation("Give a reason for the decision: it is kept in the history.", field="reason")
    with transaction.atomic():
        run = _locked_run(run)
        if run.state != DisposalRun.State.PROPOSED:
            raise InvalidTransition(
                f"This disposal run is {run.get_state_display().lower()}: only a proposed run is {verb}."
            )
        run.state = state
        run.decided_by, run.decided_at, run.decision_reason = actor, clock.now(), reason.strip()
        save_with_history(run, actor=actor, reason=f"Disposal run {verb}: {reason.strip()}")
        if state == DisposalRun.State.APPROVED:
            transaction.on_commit(lambda: _queue_run(run.pk))
    return run


RUN_TASK = "retention.run_disposal"  # tasks/jobs.py run_disposal


def _queue_run(run_id: int) -> None:
    try:
        queue_task(RUN_TASK, run_id)
    except Exception:  # noqa: BLE001 - the broker is down: the run stays approved, and the next beat runs it
        logger.warning("Could not queue disposal run %s; it stays approved until run", run_id, exc_info=True)


def disposal_run_execute(*, run: DisposalRun) -> DisposalRun:
    """Erase every due item of an approved run, one record per transaction; then mark the run done.
    Each item is looked at again first: one held since the run was proposed is held, not erased."""
    run = DisposalRun.objects.select_related("decided_by").get(pk=run.pk)
    if run.state != DisposalRun.State.APPROVED:
        if run.state == DisposalRun.State.DONE:
            return run
        raise InvalidTransition("Only an approved disposal run is run: nothing is erased without approval.")
    for item in list(run.items.filter(outcome=DisposalItem.Outcome.DUE).order_by("id")):
        _erase_item(run, item)
    with transaction.atomic():
        run = _locked_run(run)
        if run.state == DisposalRun.State.APPROVED:
            run.state, run.finished_at = DisposalRun.State.DONE, clock.now()
            save_with_history(run, actor=run.decided_by, reason="Disposal run finished")
    return run


def _erase_item(run: DisposalRun, item: DisposalItem) -> None:
    kind = retention.kind(item.record_kind)
    actor = run.decided_by
    with transaction.atomic():
        item = DisposalItem.objects.select_for_update().get(pk=item.pk)
        if item.outcome != DisposalItem.Outcome.DUE:
            return
        held = records.holds(kind, [item.record_id]).get(item.record_id)
        if held:
            item.outcome, item.held_because = DisposalItem.Outcome.HELD, held[:300]
            save_with_history(item, actor=actor, reason=f"Held back when disposal run {run.pk} ran: {held}"[:1000])
            return
        reason = (
            f"Erased under the retention schedule: {kind.label.lower()} are kept "
            f"{retention.period_text(item.months)} after they end; this one ended on {item.ended_on.isoformat()}. "
            f"Disposal run {run.pk} of {run.as_of.isoformat()}, approved by {actor}."
        )
        if kind.key == records.ACCESS_LOG:
            _erase_access_log_entry(kind, item.record_id)
        else:
            _erase_record(kind, item.record_id, actor=actor, reason=reason)
        item.outcome, item.erased_at = DisposalItem.Outcome.ERASED, clock.now()
        save_with_history(item, actor=actor, reason=f"Erased by disposal run {run.pk}")


def _erase_record(kind: retention.RecordKind, record_id: str, *, actor: Person, reason: str) -> None:
    """Blank the erasable fields of the record and its related rows (the erasure's own history entry), then
    erase each value from every earlier history row of those rows; and the change reason of any earlier row
    that quotes one of them (services record a decision's reason as the change's reason too)."""
    rows = records.rows_of(kind, [record_id])[record_id]
    main = records.model_of(kind.model)
    for erasable in kind.erasable:
        model = records.model_of(erasable.model)
        fields = [model._meta.get_field(name) for name in erasable.fields]
        ids = rows.get(erasable.model, [])
        for instance in model._default_manager.select_for_update().filter(pk__in=ids).order_by("pk"):
            history_model = model.history.model
            earlier = list(history_model.objects.filter(id=instance.pk).order_by("history_id"))
            quoted = _texts(instance, earlier, fields)
            changed = False
            for field in fields:
                value = getattr(instance, field.attname)
                if not erasure.is_blank(value) and value != retention.ERASED:
                    setattr(instance, field.attname, erasure.erased_live_value(field))
                    changed = True
            if changed or (model is main and erasable.via == ""):
                save_with_history(instance, actor=actor, reason=reason)
            _erase_history(earlier, [field.attname for field in fields], quoted)


QUOTED_LENGTH = 4  # a shorter value ("Yes") in a change reason is not taken for a quotation of it


def _texts(instance, history_rows, fields) -> set[str]:
    """The text values of the fields about to be erased, live and in every history row of the record."""
    texts = set()
    for row in [instance, *history_rows]:
        for field in fields:
            value = getattr(row, field.attname)
            if isinstance(value, str) and len(value.strip()) >= QUOTED_LENGTH and value != retention.ERASED:
                texts.add(value.strip())
    return texts


def _erase_history(history_rows: list, attnames: list[str], quoted: set[str]) -> None:
    if not history_rows:
        return
    table = history_rows[0]._meta.db_table
    links = {
        link.row_id: link
        for link in HistoryLink.objects.filter(table=table, row_id__in=[str(row.pk) for row in history_rows])
    }
    for row in history_rows:
        link = links.get(str(row.pk))
        if link is None:
            raise erasure.ErasureRefused(f"The history row {table} {row.pk} has no link in the chain.")
        for attname in attnames:
            if erasure.is_blank(getattr(row, attname)) or getattr(row, attname) == retention.ERASED:
                continue
            erasure.erase_history_value(row, link, attname)
        change_reason = row.history_change_reason or ""
        if change_reason and any(text in change_reason for text in quoted):
            erasure.erase_history_value(row, link, "history_change_reason")


def _erase_access_log_entry(kind: retention.RecordKind, record_id: str) -> None:
    entry = AccessLogEntry.objects.get(pk=record_id)
    for erasable in kind.erasable:
        for name in erasable.fields:
            attname = AccessLogEntry._meta.get_field(name).attname
            if not erasure.is_blank(getattr(entry, attname)):
                erasure.erase_access_log_value(entry, attname)


def approved_runs_execute() -> int:
    """Run every approved run not yet done (the beat's safety net when the task after approval was lost)."""
    done = 0
    for run in DisposalRun.objects.filter(state=DisposalRun.State.APPROVED).order_by("id"):
        disposal_run_execute(run=run)
        done += 1
    return done
