"""Retention and disposal (issue 21, items 1-2): the Monitoring Officer's schedule, legal holds, and
disposal runs that erase personal fields only once approved, never from a record that something holds,
while the history still verifies (C4)."""

import datetime

import pytest
from django.db import connection

from register import retention
from register.errors import InvalidTransition, NotPermitted, RuleViolation
from register.models import AccessLogEntry, Declaration, DisposalItem, DisposalRun, HistoryLink, RetentionRule
from register.selectors.retention_schedule import period_in_force
from register.services import retention as services
from register.services.audit import verify_history
from register.services.audit.access_log import record_read
from register.services.declarations import declaration_end
from tests.integration import complaint_helpers
from tests.integration.concern_helpers import raise_concern
from tests.integration.declaration_helpers import DESCRIPTION, declare

ENDED = datetime.date(2026, 3, 1)
SEVEN_YEARS_ON = datetime.timedelta(days=7 * 366)


@pytest.fixture
def ended_declaration(council, clock):
    officer, member = council.directorates[0].officers[0], council.groups[0].members[0]
    declaration = declare(officer, member, family_relation="", description=DESCRIPTION)
    return declaration_end(actor=officer, reason="The friendship ended", declaration=declaration, ended_on=ENDED)


def proposed(council, clock) -> DisposalRun:
    clock.advance(days=7 * 366)
    return services.disposal_run_propose(actor=council.monitoring_officer)


def item_of(run, record) -> DisposalItem:
    return run.items.get(record_kind="declaration", record_id=str(record.pk))


def test_a_period_below_the_minimum_is_refused_naming_months(council, clock):
    """The Monitoring Officer may not keep declarations shorter than six years (Limitation Act): refused on
    ``months``, with the schedule's own words; nothing is saved."""
    with pytest.raises(RuleViolation) as refused:
        services.retention_period_set(
            actor=council.monitoring_officer, record_kind="declaration", months=71, reason="Shorter"
        )
    assert refused.value.field == "months"
    assert "may not be shorter than 6 years" in refused.value.message
    assert not RetentionRule.objects.exists()
    rule = services.retention_period_set(
        actor=council.monitoring_officer, record_kind="declaration", months=96, reason="Eight years, by counsel"
    )
    assert period_in_force("declaration").months == 96 and period_in_force("declaration").rule == rule


def test_only_the_monitoring_officer_changes_the_schedule(council, clock):
    """The deputy and auditors read the schedule; only the Monitoring Officer sets it (issue 21)."""
    for person in (council.deputy_monitoring_officer, council.auditor, council.chief_executive):
        with pytest.raises(NotPermitted):
            services.retention_period_set(actor=person, record_kind="notice", months=36, reason="Longer")


@pytest.mark.sqlite_too
def test_nothing_is_erased_without_approval(council, clock, ended_declaration):
    """A proposed run lists the declaration as due but erases nothing; running it before approval is refused;
    a rejected run erases nothing either."""
    run = proposed(council, clock)
    assert item_of(run, ended_declaration).outcome == DisposalItem.Outcome.DUE
    with pytest.raises(InvalidTransition):
        services.disposal_run_execute(run=run)
    ended_declaration.refresh_from_db()
    assert ended_declaration.description == DESCRIPTION
    with pytest.raises(RuleViolation):
        services.disposal_run_reject(actor=council.monitoring_officer, run=run, reason=" ")
    services.disposal_run_reject(actor=council.monitoring_officer, run=run, reason="Not this month")
    with pytest.raises(InvalidTransition):
        services.disposal_run_execute(run=run)
    ended_declaration.refresh_from_db()
    assert ended_declaration.description == DESCRIPTION
    assert item_of(run, ended_declaration).erased_at is None


@pytest.mark.sqlite_too
def test_an_approved_run_erases_the_personal_fields_and_the_history_still_verifies(council, clock, ended_declaration):
    """Approved, the run blanks the declaration's personal fields with a history entry naming the rule and
    the run, erases them from every earlier history row (their digests kept), and verify_history passes."""
    run = proposed(council, clock)
    services.disposal_run_approve(actor=council.monitoring_officer, run=run, reason="Checked the list")
    run = services.disposal_run_execute(run=run)
    assert run.state == DisposalRun.State.DONE and run.finished_at is not None
    item = item_of(run, ended_declaration)
    assert item.outcome == DisposalItem.Outcome.ERASED and item.erased_at is not None
    declaration = Declaration.objects.get(pk=ended_declaration.pk)
    assert declaration.description == retention.ERASED and declaration.other_person_id is None
    assert declaration.kind == Declaration.Kind.FRIENDSHIP and declaration.ended_on == ENDED
    rows = list(Declaration.history.filter(id=declaration.pk).order_by("history_id"))
    assert "Erased under the retention schedule" in rows[-1].history_change_reason
    assert f"Disposal run {run.pk}" in rows[-1].history_change_reason
    assert rows[-1].description == retention.ERASED
    assert all(row.description == "" and row.other_person_id is None for row in rows[:-1])
    links = HistoryLink.objects.filter(
        table=Declaration.history.model._meta.db_table, row_id__in=[str(r.pk) for r in rows[:-1]]
    )
    assert all({"description", "other_person_id"} <= set(link.erased) for link in links)
    assert verify_history().ok


@pytest.mark.parametrize("holder", ["legal hold", "open complaint", "open concern"])
def test_a_record_under_a_legal_hold_an_open_complaint_or_an_open_concern_is_held(
    council, clock, ended_declaration, holder
):
    """A legal hold in force, an open complaint about the member the declaration names, or an open concern
    that refers to it holds the declaration back, with the reason; approved and run, it is not erased."""
    member = council.groups[0].members[0]
    if holder == "legal hold":
        services.legal_hold_place(
            actor=council.monitoring_officer,
            record_kind="declaration",
            record_id=str(ended_declaration.pk),
            reason="A claim is expected",
        )
        because = "legal hold"
    elif holder == "open complaint":
        complaint_helpers.record(council, member=member)
        because = "open complaint 1325a"
    else:
        raise_concern(council.directorates[0].officers[0], member, declaration=ended_declaration)
        because = "concern"
    run = proposed(council, clock)
    item = item_of(run, ended_declaration)
    assert item.outcome == DisposalItem.Outcome.HELD and because in item.held_because
    services.disposal_run_approve(actor=council.monitoring_officer, run=run, reason="Checked")
    services.disposal_run_execute(run=run)
    ended_declaration.refresh_from_db()
    assert ended_declaration.description == DESCRIPTION
    assert item_of(run, ended_declaration).outcome == DisposalItem.Outcome.HELD


def test_a_hold_placed_after_the_run_was_proposed_still_holds_the_record(council, clock, ended_declaration):
    run = proposed(council, clock)
    services.disposal_run_approve(actor=council.monitoring_officer, run=run, reason="Checked")
    services.legal_hold_place(
        actor=council.monitoring_officer, record_kind="declaration", record_id=str(ended_declaration.pk), reason="Late"
    )
    services.disposal_run_execute(run=run)
    ended_declaration.refresh_from_db()
    assert ended_declaration.description == DESCRIPTION
    assert item_of(run, ended_declaration).outcome == DisposalItem.Outcome.HELD


@pytest.mark.sqlite_too
def test_an_access_log_reader_is_erased_keeping_the_log_verifiable(council, clock, ended_declaration):
    """The access log's reader is erased through its own function: salt dropped, digest kept, the log's
    leaves and checkpoints still verify."""
    entry = record_read(
        reader=council.monitoring_officer, record_kind="declaration", record_id=ended_declaration.pk, via="test"
    )
    run = proposed(council, clock)
    assert run.items.filter(record_kind="access-log", record_id=str(entry.pk), outcome="due").exists()
    services.disposal_run_approve(actor=council.monitoring_officer, run=run, reason="Checked")
    services.disposal_run_execute(run=run)
    entry = AccessLogEntry.objects.get(pk=entry.pk)
    assert entry.reader_id is None and set(entry.erased) == {"reader_id"} and "reader_id" not in entry.salts
    assert verify_history().ok


def test_a_second_run_is_refused_while_one_awaits_approval(council, clock, ended_declaration):
    from register.errors import Conflict

    proposed(council, clock)
    with pytest.raises(Conflict):
        services.disposal_run_propose(actor=council.monitoring_officer)


def test_beat_proposes_a_run_monthly_and_tells_the_monitoring_officer(council, clock, ended_declaration, settings):
    """Celery beat runs the proposal on the 1st of each month (DISPOSAL_RUN_SCHEDULE); the task lists what is
    due and sends the Monitoring Officer a notice; it erases nothing."""
    from register.models import Notification
    from tasks.jobs import propose_disposal_run, run_disposal

    entry = settings.CELERY_BEAT_SCHEDULE["retention-disposal-run"]
    assert entry["task"] == propose_disposal_run.name
    assert entry["schedule"].day_of_month == {1}
    clock.advance(days=7 * 366)
    propose_disposal_run()
    run = DisposalRun.objects.get()
    assert run.proposed_by is None and item_of(run, ended_declaration).outcome == DisposalItem.Outcome.DUE
    notices = Notification.objects.filter(kind="disposal-run-proposed")
    assert {notice.recipient for notice in notices} == {council.monitoring_officer}
    assert "await your approval" in notices.first().subject
    ended_declaration.refresh_from_db()
    assert ended_declaration.description == DESCRIPTION
    services.disposal_run_approve(actor=council.monitoring_officer, run=run, reason="Checked")
    run_disposal(run.pk)
    ended_declaration.refresh_from_db()
    assert ended_declaration.description == retention.ERASED


@pytest.mark.skipif(connection.vendor != "postgresql", reason="moves the tree's start as the maintenance role")
@pytest.mark.history_tampered  # the tree's start is moved past rows hashed as leaves: verify_history would refuse it
def test_a_record_with_history_from_before_the_tree_began_is_held_saying_why(council, clock, ended_declaration):
    """Rows linked before the history's Merkle tree began have no salts, and the erasure function refuses
    them: such a record is held, and the run says why (docs/audit.md, "Where the tree starts")."""
    from django.utils import timezone

    from register.models import HistoryTreeStart

    head = HistoryLink.objects.order_by("-position").first()
    if HistoryTreeStart.objects.exists():
        from tests.tampering import tamper

        tamper(
            f'UPDATE "{HistoryTreeStart._meta.db_table}" SET position = %s, chain_hash = %s',
            [head.position, head.chain_hash],
        )
    else:
        HistoryTreeStart.objects.create(position=head.position, chain_hash=head.chain_hash, started_at=timezone.now())
    run = proposed(council, clock)
    item = item_of(run, ended_declaration)
    assert item.outcome == DisposalItem.Outcome.HELD
    assert "before the history's Merkle tree began" in item.held_because


def test_approval_queues_the_run_which_erases_after_commit(
    council, clock, ended_declaration, django_capture_on_commit_callbacks
):
    """Approving a run hands it to Celery once the approval commits (in-process here): the run is done."""
    run = proposed(council, clock)
    with django_capture_on_commit_callbacks(execute=True):
        services.disposal_run_approve(actor=council.monitoring_officer, run=run, reason="Checked")
    run.refresh_from_db()
    assert run.state == DisposalRun.State.DONE
    ended_declaration.refresh_from_db()
    assert ended_declaration.description == retention.ERASED
