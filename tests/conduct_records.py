"""Concerns, complaints and consultations as they stand at some point of their handling, saved with
history, for the tests of what reads them (the Standards Committee report, D5).

The services that move them (register/services/conduct/) have their own tests; these records are
written as the services would have left them, each history row dated when it happened."""

import datetime
import itertools

from register.models import Complaint, Concern, Consultation
from register.services.history import save_with_history
from tests.factories import LONDON

_numbers = itertools.count(1)


def at(day: datetime.date, hour: int = 10) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(hour), tzinfo=LONDON)


def _save(record, *, actor, reason: str, when: datetime.datetime) -> None:
    record._history_date = when
    save_with_history(record, actor=actor, reason=reason)


def complaint(
    council,
    reference: str,
    *,
    received_on: datetime.date,
    local_council=None,
    member=None,
    councillor_name: str = "",
    complainant_type: str = Complaint.ComplainantType.PUBLIC,
    complainant_name: str = "",
    nature_kind: str = Complaint.NatureKind.MEETING,
    nature: str = "Behaviour not in accordance with the code of conduct during a meeting",
    view_given_on: datetime.date | None = None,
    view_asked_on: datetime.date | None = None,
    decision: str = "",
    decision_reason: str = "",
    decided_on: datetime.date | None = None,
    withdrawn_on: datetime.date | None = None,
    training_needs: str = "",
    actions_outstanding: str = "",
    reported_with: Complaint | None = None,
) -> Complaint:
    """A complaint received on ``received_on``; consulted on, decided or withdrawn when told."""
    mo = council.monitoring_officer
    if local_council is None and member is None:
        member = council.groups[1].members[0]
    if local_council is not None and not councillor_name:
        councillor_name = f"Councillor Parishname{next(_numbers)}"
    record = Complaint(
        reference=reference,
        reported_with=reported_with,
        received_on=received_on,
        local_council=local_council,
        complainant_type=complainant_type,
        complainant_name=complainant_name or f"Complainant Surname{next(_numbers)}",
        complainant_contact="1 High Street",
        nature_kind=nature_kind,
        nature=nature,
        details="What the complainant wrote, at length.",
        member=member,
        councillor_name=councillor_name,
        state=Complaint.State.RECEIVED,
        recorded_by=mo,
        recorded_at=at(received_on),
    )
    _save(record, actor=mo, reason="Complaint recorded", when=at(received_on))
    asked_on = view_asked_on or view_given_on
    if asked_on:
        consultation = Consultation(
            complaint=record,
            independent_person=council.independent_person,
            asked_by=mo,
            asked_at=at(asked_on),
            question="Is this a breach of the Code?",
        )
        _save(consultation, actor=mo, reason="Independent Person consulted", when=at(asked_on))
        record.state = Complaint.State.CONSULTING
        _save(record, actor=mo, reason="Independent Person consulted", when=at(asked_on))
        if view_given_on:
            consultation.state = Consultation.State.GIVEN
            consultation.view = "The Independent Person's view."
            consultation.given_at = at(view_given_on, 14)
            _save(consultation, actor=council.independent_person, reason="View given", when=at(view_given_on, 14))
            record.state = Complaint.State.CONSULTED
            _save(record, actor=council.independent_person, reason="View given", when=at(view_given_on, 14))
    if decision:
        record.state = Complaint.State.DECIDED
        record.decision = decision
        record.decision_reason = decision_reason
        record.decided_on = decided_on
        record.decided_by = mo
        _save(record, actor=mo, reason="Decided", when=at(decided_on, 15))
    if withdrawn_on:
        record.state = Complaint.State.WITHDRAWN
        _save(record, actor=mo, reason="Withdrawn by the complainant", when=at(withdrawn_on, 15))
    if training_needs or actions_outstanding:
        record.training_needs = training_needs
        record.actions_outstanding = actions_outstanding
        when = at(decided_on or received_on, 16)
        _save(record, actor=mo, reason="Training needs and actions recorded", when=when)
    return record


def concern(
    council,
    *,
    kind: str = Concern.Kind.ABOUT_MEMBER,
    state: str = Concern.State.RECEIVED,
    raised_on: datetime.date,
    raised_by=None,
    concerned_person=None,
    handler=None,
    acknowledge_due_on: datetime.date | None = None,
    outcome_due_on: datetime.date | None = None,
    what_happened: str = "Asked for party business to be discussed in front of me.",
) -> Concern:
    """A concern raised on ``raised_on``, now at ``state``."""
    officer = council.directorates[0].officers[0]
    member = council.groups[0].members[0]
    if kind == Concern.Kind.ABOUT_MEMBER:
        raised_by, concerned_person = raised_by or officer, concerned_person or member
        rule = "D2"
    elif kind == Concern.Kind.ABOUT_OFFICER:
        raised_by, concerned_person = raised_by or member, concerned_person or officer
        rule = "D1"
    else:
        raised_by, rule = raised_by or member, "D3"
    handler = handler or council.monitoring_officer
    record = Concern(
        kind=kind,
        rule=rule,
        protocol="redress",
        raised_by=raised_by,
        raised_at=at(raised_on),
        concerned_person=concerned_person,
        what_happened=what_happened,
        happened_on=raised_on - datetime.timedelta(days=1),
        handler=handler,
        handler_capacity="Monitoring Officer",
        state=state,
        acknowledge_due_on=acknowledge_due_on or raised_on + datetime.timedelta(days=7),
        outcome_due_on=outcome_due_on or raised_on + datetime.timedelta(days=28),
        acknowledged_at=None if state == Concern.State.RECEIVED else at(raised_on, 12),
        outcome=Concern.Outcome.NO_ACTION if state == Concern.State.CLOSED else "",
        closed_at=at(raised_on, 16) if state == Concern.State.CLOSED else None,
    )
    _save(record, actor=raised_by, reason="Concern raised", when=at(raised_on))
    return record
