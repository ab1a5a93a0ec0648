"""Deadlines that respect the meeting (A12), requests that lapse undecided (C3), and invitations
shown truthfully (issue 16, points 1 and 4)."""

import datetime

import pytest
from django.conf import settings
from django.test import override_settings

from register import selectors, states, workflow
from register.errors import InvalidTransition
from register.models import AttendanceRequest, Notification
from register.services import attendance
from register.services.attendance.lapses import LAPSE_REASON
from register.services.system import system_user
from tasks.jobs import lapse_attendance_requests
from tests.factories import LONDON, approved_request, meeting, submit_request
from tests.integration.test_api_attendance import REQUESTS, api
from tests.integration.test_attendance_pages import meeting_form, signed_in, text


def at(day: datetime.date, hour: int = 10, minute: int = 0) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(hour, minute), tzinfo=LONDON)


MONDAY = datetime.date(2026, 3, 2)  # the test clock's day


# --- The deadline (A12) ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("meeting_day", "due", "urgent"),
    [
        (datetime.date(2026, 3, 20), datetime.date(2026, 3, 4), False),  # normal: two working days
        (datetime.date(2026, 3, 5), datetime.date(2026, 3, 4), False),  # the day before the meeting is the deadline
        (datetime.date(2026, 3, 4), datetime.date(2026, 3, 3), True),  # sooner: the working day before it
        (datetime.date(2026, 3, 3), MONDAY, True),  # tomorrow: due today
    ],
)
def test_a_decision_is_due_by_the_earlier_of_the_deadline_and_the_working_day_before_the_meeting_A12(
    council, clock, meeting_day, due, urgent
):
    """Submitted on Monday 2 March: normally due Wednesday 4 March; a sooner meeting brings the deadline
    forward to the last working day before it, and makes the request urgent."""
    request = submit_request(council, starts_at=at(meeting_day, 18))
    assert (request.due_on, request.urgent) == (due, urgent)
    stored = AttendanceRequest.objects.get(pk=request.pk)
    assert (stored.due_on, stored.urgent) == (due, urgent)


def test_the_deadline_before_a_monday_meeting_is_the_friday_before_it_across_the_weekend_A12(council, clock):
    """The issue's case: on Friday 27 November, a meeting on Monday 30 November was given "due by 1
    December", after the meeting. Now it is due that Friday, and urgent."""
    clock.set(at(datetime.date(2026, 11, 27), 9))
    request = submit_request(council, starts_at=at(datetime.date(2026, 11, 30), 18))
    assert (request.due_on, request.urgent) == (datetime.date(2026, 11, 27), True)
    assert selectors.decision_due(datetime.date(2026, 11, 27), datetime.date(2026, 11, 30)).normal_due_on == (
        datetime.date(2026, 12, 1)
    )


@pytest.mark.parametrize(
    ("nation", "due", "urgent"),
    [
        # Good Friday (3 April) and Easter Monday (6 April) are bank holidays: normally due Tuesday 7
        # April, the meeting's own day; the working day before it is Thursday 2 April.
        ("england-and-wales", datetime.date(2026, 4, 2), True),
        # In Scotland Easter Monday is a working day: normally due Monday 6 April, the day before the meeting.
        ("scotland", datetime.date(2026, 4, 6), False),
    ],
)
def test_the_working_day_before_the_meeting_skips_the_bank_holidays_of_the_councils_nation_A12(
    council, clock, nation, due, urgent
):
    clock.set(at(datetime.date(2026, 4, 1), 9))
    with override_settings(COUNCIL_NATION=nation):
        request = submit_request(council, starts_at=at(datetime.date(2026, 4, 7), 18))
    assert (request.due_on, request.urgent) == (due, urgent)


def test_with_no_working_day_left_before_the_meeting_the_decision_is_due_on_its_day_A12(council, clock):
    """Sent on Saturday for a meeting on Monday morning: the Friday before has gone, so the decision is due
    on the Monday, before the meeting begins (else it lapses)."""
    clock.set(at(datetime.date(2026, 3, 7), 11))
    request = submit_request(council, starts_at=at(datetime.date(2026, 3, 9), 9))
    assert (request.due_on, request.urgent) == (datetime.date(2026, 3, 9), True)


def test_moving_the_meeting_sooner_makes_an_amended_request_urgent_A12(council, clock):
    request = submit_request(council, starts_at=at(datetime.date(2026, 3, 20), 18))
    assert not request.urgent
    amended = attendance.attendance_request_amend_brief(
        request=request,
        actor=council.groups[0].leader,
        reason="The meeting was brought forward",
        meeting=meeting(at(datetime.date(2026, 3, 4), 18)),
    )
    stored = AttendanceRequest.objects.get(pk=amended.pk)
    assert (stored.due_on, stored.urgent) == (datetime.date(2026, 3, 3), True)


# --- The Chief Executive's queue (A12) --------------------------------------------------------------


def test_urgent_requests_head_the_queue_then_the_soonest_meeting_on_the_page_and_in_the_api_A12(council, clock):
    later = submit_request(council, starts_at=at(datetime.date(2026, 3, 27), 18), subject="Later meeting")
    sooner = submit_request(council, group=1, starts_at=at(datetime.date(2026, 3, 12), 18), subject="Sooner meeting")
    # Sent on Wednesday for Friday: due Thursday, after the other two (due today), yet first as urgent.
    clock.set(at(datetime.date(2026, 3, 4), 9))
    urgent = submit_request(council, starts_at=at(datetime.date(2026, 3, 6), 18), subject="Urgent meeting")
    assert (urgent.due_on, later.due_on) == (datetime.date(2026, 3, 5), datetime.date(2026, 3, 4))
    expected = [urgent.pk, sooner.pk, later.pk]

    queue = list(selectors.attendance_decision_queue(viewer=council.chief_executive))
    assert [r.pk for r in queue] == expected
    assert [r.urgent for r in queue] == [True, False, False]

    page = text(signed_in(council.chief_executive).get("/attendance/queue/"))
    positions = [page.index(subject) for subject in ("Urgent meeting", "Sooner meeting", "Later meeting")]
    assert positions == sorted(positions)
    assert page.count(">Urgent</strong>") == 1
    assert "Meeting: 6 March 2026, 18:00" in page and "Meeting: 27 March 2026, 18:00" in page

    body = api(council.chief_executive).get(f"{REQUESTS}queue/").json()
    assert [(row["id"], row["urgent"]) for row in body["results"]] == [
        (urgent.pk, True),
        (sooner.pk, False),
        (later.pk, False),
    ]


# --- The form tells the leader before sending (A12) -----------------------------------------------


def test_the_request_form_warns_that_a_request_is_urgent_before_it_is_sent_A12(council, clock):
    leader, officer = council.groups[0].leader, council.directorates[0].officers[0]
    client = signed_in(leader)
    hint = text(client.get("/attendance/new/"))
    assert "the request is urgent and the decision is due by the last working day before the meeting" in hint
    answers = meeting_form(
        datetime.date(2026, 3, 4),
        officers=[officer.pk],
        subject="Libraries budget",
        scope="The options for branch libraries",
        needs_confidential_information="no",
    )

    warned = client.post("/attendance/new/", answers)
    page = text(warned)
    assert warned.status_code == 200
    assert "This request is urgent" in page
    assert "The Chief Executive's decision is due by Tuesday 3 March 2026" in page
    assert "normal deadline of Wednesday 4 March 2026" in page
    assert 'name="urgent_confirmed" value="2026-03-03"' in warned.content.decode()
    assert not AttendanceRequest.objects.exists(), "nothing is sent until the leader confirms"

    sent = client.post("/attendance/new/", {**answers, "urgent_confirmed": "2026-03-03"})
    created = AttendanceRequest.objects.get()
    assert sent.status_code == 302 and (created.due_on, created.urgent) == (datetime.date(2026, 3, 3), True)


def test_a_request_that_is_not_urgent_is_sent_at_once_without_a_warning_A12(council, clock):
    client = signed_in(council.groups[0].leader)
    sent = client.post(
        "/attendance/new/",
        meeting_form(
            datetime.date(2026, 3, 20),
            officers=[council.directorates[0].officers[0].pk],
            subject="Libraries budget",
            scope="The options for branch libraries",
            needs_confidential_information="no",
        ),
    )
    assert sent.status_code == 302
    assert not AttendanceRequest.objects.get().urgent


# --- A request undecided when its meeting begins lapses (A12, C3) --------------------------------


def lapsed_notices() -> list[Notification]:
    return list(Notification.objects.filter(kind="attendance-request-lapsed", channel="email"))


def test_a_request_still_awaiting_a_decision_when_its_meeting_begins_lapses_and_only_that_one_A12_C3(council, clock):
    begun = submit_request(council, starts_at=at(datetime.date(2026, 3, 3), 18))
    to_come = submit_request(council, starts_at=at(datetime.date(2026, 3, 10), 18))
    agreed = approved_request(council, group=1, starts_at=at(datetime.date(2026, 3, 3), 18))
    refused = submit_request(council, group=1, starts_at=at(datetime.date(2026, 3, 3), 18))
    attendance.attendance_request_refuse(request=refused, actor=council.chief_executive, reason="Not needed")

    clock.set(at(datetime.date(2026, 3, 3), 17, 59))
    assert lapse_attendance_requests() == 0, "not before the meeting begins"
    clock.set(at(datetime.date(2026, 3, 3), 18, 0))
    assert lapse_attendance_requests() == 1

    states_now = dict(AttendanceRequest.objects.values_list("pk", "state"))
    assert states_now == {
        begun.pk: workflow.LAPSED,
        to_come.pk: workflow.SUBMITTED,
        agreed.pk: workflow.APPROVED,
        refused.pk: workflow.REFUSED,
    }
    last = AttendanceRequest.objects.get(pk=begun.pk).history.order_by("-history_id").first()
    assert last.state == workflow.LAPSED
    assert last.history_user == system_user()
    assert last.history_change_reason == LAPSE_REASON

    recipients = {n.recipient for n in lapsed_notices()}
    assert {council.groups[0].leader, council.chief_executive} <= recipients
    assert all(n.about_id == begun.pk for n in lapsed_notices())
    assert "has lapsed" in lapsed_notices()[0].body_text

    assert lapse_attendance_requests() == 0, "safe to run again: nothing lapses twice"
    assert {n.recipient for n in lapsed_notices()} == recipients


def test_a_lapsed_request_cannot_be_decided_a_conflict_409_C3(council, clock):
    request = submit_request(council, starts_at=at(datetime.date(2026, 3, 3), 18))
    clock.set(at(datetime.date(2026, 3, 3), 18, 5))
    lapse_attendance_requests()
    for move in ("approve", "refuse"):
        answer = api(council.chief_executive).post(
            f"{REQUESTS}{request.pk}/{move}/", {"reason": "Too late"}, format="json"
        )
        assert answer.status_code == 409, (move, answer.json())
        assert "lapsed" in answer.json()["detail"]
    with pytest.raises(InvalidTransition):
        attendance.attendance_request_refuse(
            request=AttendanceRequest.objects.get(pk=request.pk), actor=council.chief_executive, reason="Too late"
        )
    page = text(signed_in(council.groups[0].leader).get(f"/attendance/{request.pk}/"))
    assert "Lapsed (no decision before the meeting)" in page


def test_the_parity_report_counts_lapsed_requests_C3(council, clock):
    submit_request(council, starts_at=at(datetime.date(2026, 3, 3), 18))
    clock.set(at(datetime.date(2026, 3, 3), 19))
    lapse_attendance_requests()
    rows = selectors.attendance_parity_report(viewer=council.chief_executive, start=MONDAY, end=clock.today)
    row = next(r for r in rows if r.group == council.groups[0].organization)
    assert (row.made, row.lapsed, row.pending) == (1, 1, 0)


def test_the_lapse_task_is_on_the_beat_schedule_every_few_minutes_C3():
    entry = settings.CELERY_BEAT_SCHEDULE["attendance-lapses"]
    assert entry["task"] == lapse_attendance_requests.name == "attendance.lapse_requests"
    assert entry["schedule"].minute == set(range(0, 60, 5))


# --- Invitations shown truthfully (point 4) -----------------------------------------------------------


def shown(request) -> list[str]:
    return [invitation.state_label for invitation in AttendanceRequest.objects.get(pk=request.pk).invitations.all()]


def api_shown(request, person) -> list[str]:
    body = api(person).get(f"{REQUESTS}{request.pk}/").json()
    return [invitation["state_text"] for invitation in body["invitations"]]


def test_an_officer_is_asked_until_approval_then_invited_and_the_stored_state_is_unchanged_A4(council, clock):
    officer = council.directorates[0].officers[0]
    request = submit_request(council, officers=[officer])
    assert shown(request) == ["Asked"] == api_shown(request, council.chief_executive)
    page = text(signed_in(council.groups[0].leader).get(f"/attendance/{request.pk}/"))
    assert ">Asked</strong>" in page and ">Invited</strong>" not in page
    assert request.invitations.get().state == workflow.INVITED, "stored states are not changed"

    attendance.attendance_request_approve(request=request, actor=council.chief_executive, reason="Agreed")
    assert shown(request) == ["Invited"] == api_shown(request, officer)


@pytest.mark.parametrize("ending", ["refuse", "withdraw", "cancel", "lapse"])
def test_an_officer_is_not_needed_once_the_request_will_not_go_ahead_C3(council, clock, ending):
    officer = council.directorates[0].officers[0]
    request = submit_request(council, officers=[officer], starts_at=at(datetime.date(2026, 3, 5), 18))
    chief, leader = council.chief_executive, council.groups[0].leader
    if ending == "refuse":
        attendance.attendance_request_refuse(request=request, actor=chief, reason="Not this time")
    elif ending == "withdraw":
        attendance.attendance_request_withdraw(request=request, actor=leader, reason="No longer needed")
    elif ending == "cancel":
        request = attendance.attendance_request_approve(request=request, actor=chief, reason="Agreed")
        attendance.attendance_invitation_respond(request=request, actor=officer, accept=True)
        attendance.attendance_request_cancel(request=request, actor=chief, reason="The meeting was called off")
    else:
        clock.set(at(datetime.date(2026, 3, 5), 18, 30))
        lapse_attendance_requests()
    assert shown(request) == ["Not needed"] == api_shown(request, chief)
    assert ">Not needed</strong>" in text(signed_in(officer).get(f"/attendance/{request.pk}/"))


def test_the_label_of_an_invitation_is_derived_from_its_state_and_its_requests_A4():
    shown_as = states.invitation_shown_state
    assert shown_as(states.INVITED, states.SUBMITTED) == states.ASKED
    assert shown_as(states.ACCEPTED, states.SUBMITTED) == states.ACCEPTED
    assert shown_as(states.DECLINED, states.SUBMITTED) == states.DECLINED
    for agreed in (states.APPROVED, states.HELD, states.CLOSED):
        assert shown_as(states.INVITED, agreed) == states.INVITED
        assert shown_as(states.ACCEPTED, agreed) == states.ACCEPTED
    for ended in (states.REFUSED, states.WITHDRAWN, states.CANCELLED, states.LAPSED):
        for answer in (states.INVITED, states.ACCEPTED, states.DECLINED):
            assert shown_as(answer, ended) == states.NOT_NEEDED
    assert set(states.INVITATION_SHOWN_LABELS) == {states.ASKED, states.NOT_NEEDED, *states.INVITATION_STATE_LABELS}


def test_the_chief_executive_is_told_that_a_request_is_urgent_A12(council, clock):
    submit_request(council, starts_at=at(datetime.date(2026, 3, 4), 18), subject="Flood defences")
    submit_request(council, starts_at=at(datetime.date(2026, 3, 20), 18), subject="Libraries")
    told = {
        n.body_text.split("Subject: ")[1].split("\n")[0]: n
        for n in Notification.objects.filter(kind="attendance-decision-needed", channel="email")
    }
    assert told["Flood defences"].subject.startswith("Urgent: To decide")
    assert "due by Tuesday 3 March 2026 (A12). This request is urgent" in told["Flood defences"].body_text
    assert not told["Libraries"].subject.startswith("Urgent") and "urgent" not in told["Libraries"].body_text
