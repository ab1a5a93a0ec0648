"""A Code of Conduct complaint's handling (D4): the Independent Person is consulted and gives a view before
any decision, and again after an investigation; the decision and its date; the member told; training
needs and actions (D5); closing and withdrawal. Each move is the service's, and tells whom it should."""

import datetime

import pytest

from register import selectors
from register.errors import InvalidTransition, NotFound, NotPermitted, RuleViolation
from register.models import Notification
from register.models.conduct import Complaint, Consultation
from register.services.conduct import complaints
from tests.factories import make_person, row_counts
from tests.integration.complaint_helpers import consult, decide, decided, fresh, give_view, record

Decision = Complaint.Decision
IN_APP = Notification.Channel.IN_APP


def test_a_decision_before_the_independent_person_is_consulted_is_refused_naming_the_rule_D4(council):
    """No decision or finding before an Independent Person is consulted: refused, nothing saved."""
    complaint = record(council)
    before = row_counts()
    with pytest.raises(InvalidTransition) as refused:
        decide(council, complaint)
    assert refused.value.field == "decision"
    assert "Independent Person must be consulted, and give their view, before any decision" in refused.value.message
    assert row_counts() == before


def test_a_decision_after_consulting_but_before_the_view_is_given_is_refused_D4(council):
    complaint = record(council)
    consult(council, complaint)
    with pytest.raises(InvalidTransition) as refused:
        decide(council, complaint)
    assert "give their view" in refused.value.message
    assert fresh(complaint).decision == ""


def test_consulted_then_view_given_then_decided_with_its_date_D4(council, independent_person):
    complaint = record(council)
    consultation = consult(council, complaint)
    assert fresh(complaint).state == Complaint.State.CONSULTING
    assert Notification.objects.filter(
        kind="complaint-consultation", recipient=independent_person, channel=IN_APP
    ).exists()
    give_view(council, complaint)
    consultation.refresh_from_db()
    assert consultation.state == Consultation.State.GIVEN and consultation.given_at is not None
    assert fresh(complaint).state == Complaint.State.CONSULTED
    notice = Notification.objects.get(kind="complaint-view-given", recipient=council.monitoring_officer, channel=IN_APP)
    assert notice.link_path == f"/complaints/{complaint.pk}/"
    decide(council, complaint, Decision.INFORMAL_RESOLUTION, decided_on=selectors.today())
    complaint = fresh(complaint)
    assert complaint.state == Complaint.State.DECIDED
    assert complaint.decision == Decision.INFORMAL_RESOLUTION
    assert complaint.decided_on == selectors.today() and complaint.decided_by == council.monitoring_officer
    assert complaint.is_determined


def test_after_an_investigation_the_independent_person_is_consulted_again_before_the_next_decision_D4(council):
    complaint = record(council)
    consult(council, complaint)
    give_view(council, complaint)
    decide(council, complaint, Decision.INVESTIGATION)
    consult(council, complaint)
    assert fresh(complaint).state == Complaint.State.CONSULTING
    with pytest.raises(InvalidTransition):
        decide(council, complaint, Decision.NO_FURTHER_ACTION)
    give_view(council, complaint, view="The investigation found no breach.")
    decide(council, complaint, Decision.NO_FURTHER_ACTION)
    complaint = fresh(complaint)
    assert complaint.decision == Decision.NO_FURTHER_ACTION
    assert complaint.consultations.filter(state=Consultation.State.GIVEN).count() == 2


def test_a_determined_complaint_is_not_consulted_on_again_D4(council):
    complaint = decided(council)
    with pytest.raises(InvalidTransition) as refused:
        consult(council, complaint)
    assert "determined" in refused.value.message


def test_only_someone_in_the_independent_person_post_is_consulted_D4(council, officer):
    complaint = record(council)
    unappointed = make_person("independent")
    before = row_counts()
    with pytest.raises(RuleViolation) as refused:
        consult(council, complaint, independent_person=officer)
    assert refused.value.field == "independent_person"
    assert "does not hold the council's Independent Person post" in refused.value.message
    with pytest.raises(RuleViolation):
        consult(council, complaint, independent_person=unappointed)
    assert row_counts() == before


def test_an_independent_person_not_asked_cannot_give_a_view_and_does_not_see_the_complaint_D4(council):
    other = make_person("independent")
    council.appoint(other, council.organization, "independent-person", "Second Independent Person")
    complaint = record(council)
    consult(council, complaint)
    with pytest.raises(NotFound):
        give_view(council, complaint, independent_person=other)


def test_while_a_second_independent_persons_view_is_awaited_no_decision_is_made_D4(council):
    other = make_person("independent")
    council.appoint(other, council.organization, "independent-person", "Second Independent Person")
    complaint = record(council)
    consult(council, complaint)
    consult(council, complaint, independent_person=other)
    give_view(council, complaint)
    assert fresh(complaint).state == Complaint.State.CONSULTING
    give_view(council, complaint, independent_person=other)
    assert fresh(complaint).state == Complaint.State.CONSULTED


def test_a_complaint_not_accepted_under_the_code_says_why_D4(council):
    complaint = record(council)
    consult(council, complaint)
    give_view(council, complaint)
    before = row_counts()
    with pytest.raises(RuleViolation) as refused:
        decide(council, complaint, Decision.NOT_ACCEPTED)
    assert refused.value.field == "decision_reason" and refused.value.rule == "D4"
    assert row_counts() == before
    decide(council, complaint, Decision.NOT_ACCEPTED, decision_reason="Not acting in an official capacity")
    assert fresh(complaint).decision_reason == "Not acting in an official capacity"


@pytest.mark.parametrize(
    "decided_on, words",
    [
        (lambda: selectors.today() + datetime.timedelta(days=1), "cannot be in the future"),
        (lambda: datetime.date(2026, 1, 11), "before the complaint was received"),
    ],
)
def test_the_date_of_a_decision_is_neither_in_the_future_nor_before_the_complaint_was_received_D4(
    council, decided_on, words
):
    complaint = record(council)
    consult(council, complaint)
    give_view(council, complaint)
    with pytest.raises(RuleViolation) as refused:
        decide(council, complaint, decided_on=decided_on())
    assert refused.value.field == "decided_on" and words in refused.value.message


def test_only_the_monitoring_officer_or_deputy_records_and_decides_D4(council, officer, auditor):
    for actor in (officer, auditor, council.independent_person):
        with pytest.raises(NotPermitted):
            record(council, actor=actor, reference=f"9{actor.pk}")
    complaint = record(council, actor=council.deputy_monitoring_officer)
    assert complaint.recorded_by == council.deputy_monitoring_officer
    consult(council, complaint, actor=council.deputy_monitoring_officer)
    give_view(council, complaint)
    with pytest.raises(NotPermitted):
        complaints.complaint_decide(
            actor=auditor, reason="x", complaint=complaint, decision=Decision.NO_FURTHER_ACTION, decided_on=None
        )


def test_telling_the_member_lets_them_see_the_complaint_and_sends_them_a_notice_D4(council):
    complaint = decided(council)
    member = complaint.member
    complaints.complaint_tell_member(actor=council.monitoring_officer, reason="Test: told", complaint=complaint)
    assert fresh(complaint).member_told_at is not None
    notice = Notification.objects.get(kind="complaint-told", recipient=member, channel=IN_APP)
    assert complaint.reference in notice.subject
    with pytest.raises(InvalidTransition) as refused:
        complaints.complaint_tell_member(actor=council.monitoring_officer, reason="again", complaint=complaint)
    assert "already been told" in refused.value.message


def test_a_parish_councillor_is_told_outside_the_register_D4(council):
    complaint = record(council, member=None, local_council=council.parish_council, councillor_name="Cllr Parish")
    with pytest.raises(InvalidTransition) as refused:
        complaints.complaint_tell_member(actor=council.monitoring_officer, reason="Test", complaint=complaint)
    assert "told outside it" in refused.value.message


def test_a_complaint_with_actions_outstanding_is_not_closed_until_they_are_done_D5(council):
    complaint = decided(council)
    complaints.complaint_record_actions(
        actor=council.monitoring_officer,
        reason="Test",
        complaint=complaint,
        training_needs="Social media training for all councillors",
        actions_outstanding="Apology to be sent",
    )
    with pytest.raises(InvalidTransition) as refused:
        complaints.complaint_close(actor=council.monitoring_officer, reason="Test", complaint=complaint)
    assert "Actions are outstanding" in refused.value.message
    complaints.complaint_record_actions(
        actor=council.monitoring_officer,
        reason="Test",
        complaint=complaint,
        training_needs="Social media training for all councillors",
        actions_outstanding="",
    )
    complaints.complaint_close(actor=council.monitoring_officer, reason="Test", complaint=complaint)
    complaint = fresh(complaint)
    assert complaint.state == Complaint.State.CLOSED
    assert complaint.training_needs == "Social media training for all councillors"


def test_a_withdrawn_complaint_stays_on_the_register_and_is_not_decided_C3(council):
    complaint = record(council)
    complaints.complaint_withdraw(
        actor=council.monitoring_officer, reason="Withdrawn by the complainant by e-mail", complaint=complaint
    )
    complaint = fresh(complaint)
    assert complaint.state == Complaint.State.WITHDRAWN
    assert complaint.history.first().history_change_reason == "Withdrawn by the complainant by e-mail"
    with pytest.raises(InvalidTransition):
        consult(council, complaint)
