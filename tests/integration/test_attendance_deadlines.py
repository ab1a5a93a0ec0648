"""Deadlines in working days of the council's nation, reminders and escalation (A12)."""

import datetime

import pytest
from django.conf import settings
from django.test import override_settings

from register import selectors, working_days
from register.models import Notification
from register.services import attendance, people
from tasks.jobs import send_attendance_reminders
from tests.factories import LONDON, approved_request, submit_request


def at(day, hour=10):
    return datetime.datetime.combine(day, datetime.time(hour), tzinfo=LONDON)


THURSDAY_BEFORE_EASTER = datetime.date(2026, 4, 2)
MONDAY_BEFORE_ST_PATRICKS_DAY = datetime.date(2026, 3, 16)


# --- Working days ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("nation", "due"),
    [
        ("england-and-wales", datetime.date(2026, 4, 8)),  # Good Friday and Easter Monday do not count
        ("scotland", datetime.date(2026, 4, 7)),  # Easter Monday is a working day in Scotland
        ("northern-ireland", datetime.date(2026, 4, 8)),
    ],
)
def test_a_decision_is_due_two_working_days_after_submission_in_the_councils_nation_A12(council, clock, nation, due):
    clock.set(at(THURSDAY_BEFORE_EASTER))
    with override_settings(COUNCIL_NATION=nation):
        request = submit_request(council, starts_at=at(datetime.date(2026, 4, 20), 18))
    assert request.due_on == due


def test_st_patricks_day_is_not_a_working_day_in_northern_ireland_only_A12(council, clock):
    clock.set(at(MONDAY_BEFORE_ST_PATRICKS_DAY))
    with override_settings(COUNCIL_NATION="northern-ireland"):
        assert submit_request(council).due_on == datetime.date(2026, 3, 19)
    assert submit_request(council).due_on == datetime.date(2026, 3, 18)


def test_the_number_of_working_days_is_configurable_A12(council, clock):
    assert settings.ATTENDANCE_DECISION_WORKING_DAYS == 2
    with override_settings(ATTENDANCE_DECISION_WORKING_DAYS=5):
        # Monday 2 March, for a meeting after the deadline (a sooner one would make it urgent).
        request = submit_request(council, starts_at=at(datetime.date(2026, 3, 20), 18))
    assert request.due_on == datetime.date(2026, 3, 9)


def test_a_request_made_at_the_weekend_counts_from_the_next_working_day_A12():
    assert working_days.add_working_days(datetime.date(2026, 3, 7), 2) == datetime.date(2026, 3, 10)
    assert working_days.working_days_between(datetime.date(2026, 3, 6), datetime.date(2026, 3, 9)) == 1
    assert working_days.previous_working_day(datetime.date(2026, 4, 7)) == datetime.date(2026, 4, 2)


def test_officers_responses_are_due_working_days_after_approval_and_never_after_the_meeting_A12(council, clock):
    request = approved_request(council)  # approved Monday 2 March, meeting Monday 9 March
    assert request.responses_due_on == datetime.date(2026, 3, 4)
    soon = approved_request(council, starts_at=at(datetime.date(2026, 3, 3), 18))
    assert soon.responses_due_on == datetime.date(2026, 3, 3)


# --- Reminders and escalation ------------------------------------------------------------------------


def notices(kind):
    return list(Notification.objects.filter(kind=kind, channel="email").select_related("recipient"))


def test_the_acting_chief_executive_is_reminded_the_working_day_before_the_decision_is_due_A12(council, clock):
    request = submit_request(council)  # Monday, due Wednesday
    send_attendance_reminders()
    assert notices("attendance-decision-reminder") == []

    clock.set(at(datetime.date(2026, 3, 3)))
    send_attendance_reminders()
    reminders = notices("attendance-decision-reminder")
    assert [n.recipient for n in reminders] == [council.chief_executive]
    assert "Wednesday 4 March" in reminders[0].body_text
    assert reminders[0].actor is None, "sent by the register itself"
    assert request.history.count() == 1, "a reminder changes no request"


def test_reminders_are_sent_once_however_often_the_sweep_runs_A12(council, clock):
    submit_request(council)
    clock.set(at(datetime.date(2026, 3, 3)))
    send_attendance_reminders()
    clock.advance(hours=1)
    send_attendance_reminders()
    assert len(notices("attendance-decision-reminder")) == 1


def test_an_overdue_decision_is_escalated_to_the_deputy_and_shows_as_overdue_A12(council, clock):
    request = submit_request(council)  # due Wednesday 4 March
    clock.set(at(datetime.date(2026, 3, 5)))
    queue = list(selectors.attendance_decision_queue(viewer=council.chief_executive))
    assert [(r.pk, r.decision_overdue) for r in queue] == [(request.pk, True)]
    assert queue[0].is_decision_overdue(clock.today)

    sent = send_attendance_reminders()
    overdue = notices("attendance-decision-overdue")
    assert {n.recipient for n in overdue} == {council.deputy_chief_executive, council.chief_executive}
    assert sent["decision overdue"] == 1
    assert notices("attendance-decision-reminder") == []


def test_a_decision_not_yet_due_is_not_overdue_A12(council, clock):
    submit_request(council)
    clock.set(at(datetime.date(2026, 3, 4), 17))
    assert [r.decision_overdue for r in selectors.attendance_decision_queue(viewer=council.chief_executive)] == [False]


def test_when_the_chief_executive_is_absent_the_deputy_is_told_of_requests_awaiting_a_decision_A12(council, clock):
    request = submit_request(council)
    people.absence_record(
        actor=council.chief_executive, reason="Leave", start_date=clock.today, end_date=datetime.date(2026, 3, 6)
    )
    send_attendance_reminders()
    handed_over = notices("attendance-decision-needed")
    assert {n.recipient for n in handed_over} == {council.chief_executive, council.deputy_chief_executive}
    to_deputy = next(n for n in handed_over if n.recipient == council.deputy_chief_executive)
    assert "acting in the Chief Executive's absence" in to_deputy.body_text
    assert request.subject in to_deputy.body_text

    clock.set(at(datetime.date(2026, 3, 3)))
    send_attendance_reminders()
    assert [n.recipient for n in notices("attendance-decision-reminder")] == [council.deputy_chief_executive]


def test_a_request_made_while_the_chief_executive_is_absent_goes_to_the_deputy_A12(council, clock):
    people.absence_record(actor=council.chief_executive, reason="Leave", start_date=clock.today, end_date=clock.today)
    submit_request(council)
    assert [n.recipient for n in notices("attendance-decision-needed")] == [council.deputy_chief_executive]


def test_officers_are_reminded_before_their_answer_is_due_and_the_group_told_when_overdue_A12(council, clock, officer):
    request = approved_request(council, officers=[officer])  # answers due Wednesday 4 March
    clock.set(at(datetime.date(2026, 3, 3)))
    send_attendance_reminders()
    reminders = notices("attendance-response-reminder")
    assert [n.recipient for n in reminders] == [officer]
    assert "Reminder" in reminders[0].subject

    clock.set(at(datetime.date(2026, 3, 5)))
    send_attendance_reminders()
    overdue = [n for n in notices("attendance-response-reminder") if n.subject.startswith("Overdue")]
    assert [n.recipient for n in overdue] == [officer]
    assert [n.recipient for n in notices("attendance-response-overdue")] == [council.groups[0].leader]
    invitation = request.invitations.get()
    assert invitation.is_response_overdue(clock.today)


def test_an_officer_who_has_answered_is_not_reminded_A12(council, clock, officer):
    request = approved_request(council, officers=[officer])
    attendance.attendance_invitation_respond(request=request, actor=officer, accept=True)
    clock.set(at(datetime.date(2026, 3, 5)))
    send_attendance_reminders()
    assert notices("attendance-response-reminder") == []
    assert not request.invitations.get().is_response_overdue(clock.today)


def test_the_reminder_sweep_is_on_the_beat_schedule_A12():
    entry = settings.CELERY_BEAT_SCHEDULE["attendance-reminders"]
    assert entry["task"] == send_attendance_reminders.name == "attendance.send_reminders"
