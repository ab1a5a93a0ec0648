"""Complaints made through the services, for the complaint tests (D4)."""

import datetime

from register import selectors
from register.models.conduct import Complaint
from register.services.conduct import complaints

RECEIVED = datetime.date(2026, 1, 12)


def record(council, *, actor=None, reference="1325a", **overrides) -> Complaint:
    """A member of the public's complaint about a borough councillor, recorded by the Monitoring Officer."""
    values = {
        "received_on": RECEIVED,
        "complainant_type": Complaint.ComplainantType.PUBLIC,
        "complainant_name": "Pat Complainant",
        "complainant_contact": "pat@example.org, 01234 567890",
        "nature_kind": Complaint.NatureKind.MEETING,
        "nature": "Behaviour not in accordance with the code of conduct at a meeting",
        "details": "Shouted at a resident during the planning committee.",
        "member": council.groups[0].members[0],
    }
    values.update(overrides)
    return complaints.complaint_record(
        actor=actor or council.monitoring_officer, reason="Test: recorded", reference=reference, **values
    )


def consult(council, complaint, *, independent_person=None, actor=None):
    return complaints.complaint_consult(
        actor=actor or council.monitoring_officer,
        reason="Test: consulted",
        complaint=complaint,
        independent_person=independent_person or council.independent_person,
        question="Is this within the Code?",
    )


def give_view(council, complaint, *, independent_person=None, view="The conduct falls within the Code."):
    return complaints.consultation_give_view(
        actor=independent_person or council.independent_person, reason="Test: view", complaint=complaint, view=view
    )


def decide(council, complaint, decision=Complaint.Decision.NO_FURTHER_ACTION, *, decision_reason="", decided_on=None):
    return complaints.complaint_decide(
        actor=council.monitoring_officer,
        reason="Test: decided",
        complaint=complaint,
        decision=decision,
        decision_reason=decision_reason,
        decided_on=decided_on or selectors.today(),
    )


def decided(council, **overrides) -> Complaint:
    complaint = record(council, **overrides)
    consult(council, complaint)
    give_view(council, complaint)
    return decide(council, complaint)


def fresh(complaint) -> Complaint:
    return Complaint.objects.get(pk=complaint.pk)
