"""A concern from raising to an outcome (D1, D2, D3), the officer's report after a briefing that becomes
one (D6), bad input, and reminders and escalation in working days (as A12)."""

import datetime

import pytest

from register import selectors, workflow
from register.errors import InvalidTransition, NotFound, NotPermitted, RuleViolation
from register.models import Concern, Notification, Post
from register.models.conduct import LONGEST_ACCOUNT
from register.services import attendance
from register.services.conduct import concerns as services
from tasks.jobs import send_concern_reminders
from tests.factories import LONDON, approved_request, row_counts
from tests.integration.concern_helpers import raise_concern

Role = Post.Role
MINUTES = datetime.timedelta(minutes=1)


def notices(kind, **filters):
    return list(Notification.objects.filter(kind=kind, channel="email", **filters).order_by("id"))


# --- Raising and handling (D1, D2, D3) ---------------------------------------------------------------


def test_the_handler_takes_a_concern_to_an_outcome_and_the_raiser_is_told_at_each_step_D2(council, settings):
    settings.CONCERNS_PROTOCOL = "redress"
    officer, member = council.directorates[0].officers[0], council.groups[1].members[0]
    director = council.directorates[0].director
    concern = raise_concern(officer, member, what_happened="The councillor shouted at me in the lobby.")
    assert [n.recipient for n in notices("concern-received")] == [director]

    concern = services.concern_acknowledge(concern=concern, actor=director)
    assert concern.state == Concern.State.ACKNOWLEDGED and concern.acknowledged_at is not None
    assert [n.recipient for n in notices("concern-acknowledged")] == [officer]
    concern = services.concern_look_into(concern=concern, actor=director, reason="Reading the notes")
    concern = services.concern_raise_with_member(
        concern=concern, actor=director, raised_with="The councillor and the Blue Group's leader"
    )
    assert concern.state == Concern.State.RAISED
    concern = services.concern_resolve_informally(
        concern=concern, actor=director, reason="The councillor apologised in writing."
    )
    concern = services.concern_close(
        concern=concern, actor=director, outcome=Concern.Outcome.RESOLVED, outcome_detail="An apology was given."
    )
    assert (concern.state, concern.outcome) == (Concern.State.CLOSED, "resolved")
    assert [n.recipient for n in notices("concern-closed")] == [officer], "the person concerned was never told"
    reasons = list(concern.history.order_by("history_id").values_list("history_change_reason", flat=True))
    assert reasons[-2] == "The councillor apologised in writing."
    assert len(reasons) == 6


def test_only_the_handler_handles_a_concern_D1(council, settings):
    settings.CONCERNS_PROTOCOL = "complaints"
    member, officer = council.groups[0].members[0], council.directorates[0].officers[0]
    concern = raise_concern(member, officer)
    with pytest.raises(NotPermitted):
        services.concern_acknowledge(concern=concern, actor=council.auditor)
    with pytest.raises(NotFound):
        services.concern_acknowledge(concern=concern, actor=council.directorates[0].director)
    with pytest.raises(NotFound, match="no such concern"):
        services.concern_acknowledge(concern=concern, actor=officer), "the person concerned, not yet told"


def test_telling_the_person_concerned_never_names_a_raiser_who_asked_not_to_be_named_D1(council, settings):
    settings.CONCERNS_PROTOCOL = "complaints"
    member, officer = council.groups[0].members[0], council.directorates[0].officers[0]
    concern = raise_concern(member, officer, raiser_withheld=True)
    concern = services.concern_acknowledge(concern=concern, actor=council.monitoring_officer)
    told = services.concern_tell_concerned_person(
        concern=concern, actor=council.monitoring_officer, reason="They need to answer it."
    )
    assert told.concerned_person_told_at is not None
    [email] = notices("concern-told")
    assert email.recipient == officer
    assert str(member) not in email.subject + email.body_text + email.body_html
    assert "asked not to be named" in email.body_text
    services.concern_look_into(concern=told, actor=council.monitoring_officer)
    services.concern_close(concern=told, actor=council.monitoring_officer, outcome=Concern.Outcome.NOT_UPHELD)
    assert {n.recipient for n in notices("concern-closed")} == {member, officer}
    assert all(str(member) not in n.body_text for n in notices("concern-closed", recipient=officer))


def test_telling_needs_a_reason_and_happens_once_D1(council, settings):
    settings.CONCERNS_PROTOCOL = "complaints"
    concern = raise_concern(council.groups[0].members[0], council.directorates[0].officers[0])
    concern = services.concern_acknowledge(concern=concern, actor=council.monitoring_officer)
    with pytest.raises(RuleViolation) as refused:
        services.concern_tell_concerned_person(concern=concern, actor=council.monitoring_officer, reason=" ")
    assert refused.value.field == "reason"
    services.concern_tell_concerned_person(concern=concern, actor=council.monitoring_officer, reason="Fairness")
    with pytest.raises(InvalidTransition, match="already been told"):
        services.concern_tell_concerned_person(concern=concern, actor=council.monitoring_officer, reason="Again")


def test_a_concern_is_raised_with_the_member_only_when_it_is_about_a_member_D2(council, settings):
    settings.CONCERNS_PROTOCOL = "complaints"
    concern = raise_concern(council.groups[0].members[0], council.directorates[0].officers[0])
    concern = services.concern_acknowledge(concern=concern, actor=council.monitoring_officer)
    with pytest.raises(InvalidTransition):
        services.concern_raise_with_member(concern=concern, actor=council.monitoring_officer, raised_with="x")


def test_referring_on_and_raising_with_need_to_say_to_whom_D2(council, settings):
    settings.CONCERNS_PROTOCOL = "redress"
    officer, member = council.directorates[0].officers[0], council.groups[1].members[0]
    director = council.directorates[0].director
    concern = services.concern_acknowledge(concern=raise_concern(officer, member), actor=director)
    for call, field in (
        (lambda: services.concern_raise_with_member(concern=concern, actor=director, raised_with=""), "raised_with"),
        (lambda: services.concern_refer_on(concern=concern, actor=director, referred_to="  "), "referred_to"),
        (lambda: services.concern_close(concern=concern, actor=director, outcome="maybe"), "outcome"),
    ):
        with pytest.raises(RuleViolation) as refused:
            call()
        assert refused.value.field == field
    referred = services.concern_refer_on(concern=concern, actor=director, referred_to="Human Resources")
    assert (referred.state, referred.referred_to) == (Concern.State.REFERRED_ON, "Human Resources")


def test_the_raiser_withdraws_it_and_the_handler_is_told_C3(council, settings):
    settings.CONCERNS_PROTOCOL = "complaints"
    member = council.groups[0].members[0]
    concern = raise_concern(member, council.directorates[0].officers[0])
    with pytest.raises(NotPermitted):
        services.concern_withdraw(concern=concern, actor=council.monitoring_officer)
    withdrawn = services.concern_withdraw(concern=concern, actor=member, reason="Sorted out between us")
    assert withdrawn.state == Concern.State.WITHDRAWN
    assert Concern.objects.filter(pk=concern.pk).exists(), "nothing is deleted"
    assert [n.recipient for n in notices("concern-withdrawn")] == [council.monitoring_officer]


# --- Bad input ----------------------------------------------------------------------------------------


def test_a_concern_about_oneself_is_refused_naming_the_person_concerned_D1_D2(council):
    officer = council.directorates[0].officers[0]
    before = row_counts()
    with pytest.raises(RuleViolation) as refused:
        raise_concern(officer, officer)
    assert refused.value.field == "concerned_person"
    assert row_counts() == before


@pytest.mark.parametrize(
    ("raiser", "concerned", "field"),
    [
        (lambda c: c.groups[0].members[0], lambda c: c.groups[1].members[0], "concerned_person"),
        (lambda c: c.directorates[0].officers[0], lambda c: c.directorates[1].officers[0], "concerned_person"),
        (lambda c: c.directorates[0].officers[0], lambda c: None, "concerned_person"),
        (lambda c: c.groups[0].members[0], lambda c: c.independent_person, "concerned_person"),
    ],
    ids=["councillor-about-councillor", "officer-about-officer", "officer-about-nobody", "about-independent-person"],
)
def test_a_concern_about_someone_on_the_same_side_or_outside_the_protocol_is_refused_D1_D2(
    council, raiser, concerned, field
):
    with pytest.raises(RuleViolation) as refused:
        raise_concern(raiser(council), concerned(council), information=False)
    assert refused.value.field == field
    assert not Concern.objects.exists()


def test_a_concern_about_someone_who_has_left_is_refused(council):
    from register.services import people

    officer = council.directorates[0].officers[0]
    people.person_update(
        actor=council.democratic_services,
        reason="Left",
        person=officer,
        changes={"left_on": selectors.today() - datetime.timedelta(days=3)},
    )
    officer.refresh_from_db()
    with pytest.raises(RuleViolation, match="no longer") as refused:
        raise_concern(council.groups[0].members[0], officer)
    assert refused.value.field == "concerned_person"


def test_ten_thousand_characters_are_refused_naming_the_field_and_the_limit(council):
    before = row_counts()
    with pytest.raises(RuleViolation) as refused:
        raise_concern(council.groups[0].members[0], None, what_happened="x" * 10_000)
    assert refused.value.field == "what_happened"
    assert f"{LONGEST_ACCOUNT:,}" in refused.value.message
    assert row_counts() == before


@pytest.mark.parametrize(
    ("options", "field"),
    [
        ({"what_happened": "   "}, "what_happened"),
        ({"happened_on": None}, "happened_on"),
        ({"happened_on": datetime.date(2099, 1, 1)}, "happened_on"),
        ({"briefing": 10**12}, "briefing"),
        ({"declaration": 10**12}, "declaration"),
    ],
    ids=["empty-account", "no-date", "future-date", "unknown-briefing", "unknown-declaration"],
)
def test_bad_input_is_refused_naming_the_field_and_nothing_is_saved(council, options, field):
    before = row_counts()
    with pytest.raises(RuleViolation) as refused:
        raise_concern(council.groups[0].members[0], council.directorates[0].officers[0], **options)
    assert refused.value.field == field
    assert row_counts() == before


def test_a_briefing_of_another_group_is_treated_as_not_found_for_the_briefing_field(council):
    others = approved_request(council, group=1)
    with pytest.raises(RuleViolation, match="no such briefing") as refused:
        raise_concern(council.groups[0].members[0], council.directorates[0].officers[0], briefing=others)
    assert refused.value.field == "briefing"
    own = approved_request(council, group=0)
    concern = raise_concern(council.groups[0].leader, council.directorates[0].officers[0], briefing=own)
    assert concern.briefing == own


def test_script_in_the_account_is_escaped_in_the_email(council, settings):
    settings.CONCERNS_PROTOCOL = "complaints"
    raise_concern(council.groups[0].members[0], None, what_happened="<script>alert('x')</script> went missing")
    [email] = notices("concern-received")
    assert "<script>" not in email.body_html
    assert "&lt;script&gt;" in email.body_html
    assert "<script>alert('x')</script>" in email.body_text, "the plain text carries what was typed, unescaped"


def test_only_councillors_and_officers_raise_concerns_D1(council, independent_person):
    with pytest.raises(NotPermitted):
        raise_concern(independent_person, council.directorates[0].officers[0])


# --- D6: an officer's report after a briefing ---------------------------------------------------------


def report_after(council, clock, officer, **options):
    request = approved_request(council, officers=[officer])
    clock.set(request.meeting.starts_at + 90 * MINUTES)
    start = request.meeting.starts_at
    attendance.attendance_record_attendance(
        request=request,
        actor=officer,
        arrived_at=start,
        left_at=start + 45 * MINUTES,
        attested=False,
        concerns=["party-business"],
        report=options.pop("report", "The group discussed its campaign while I was in the room."),
    )
    return request


@pytest.mark.parametrize(
    ("protocol", "handler"),
    [("redress", lambda c: c.directorates[0].director), ("complaints", lambda c: c.directorates[0].assistant_director)],
)
def test_an_officers_report_after_a_briefing_is_a_concern_routed_as_D2_that_still_reaches_the_chief_executive_D6(
    council, clock, settings, protocol, handler
):
    settings.CONCERNS_PROTOCOL = protocol
    officer = council.directorates[0].officers[0]
    request = report_after(council, clock, officer)
    concern = Concern.objects.get()
    assert (concern.kind, concern.rule, concern.protocol) == (Concern.Kind.ABOUT_MEMBER, "D6", protocol)
    assert (concern.raised_by, concern.concerned_person) == (officer, request.requested_by)
    assert concern.briefing == request and concern.attendance_record.invitation.officer == officer
    assert concern.handler == handler(council)
    assert "campaign" in concern.what_happened
    assert concern.happened_on == request.meeting.starts_at.astimezone(LONDON).date()
    assert concern.history.get().history_user == officer, "attributed to the officer whose report caused it (C1)"
    reports = {n.recipient for n in notices("attendance-report")}
    assert reports == {council.chief_executive, council.monitoring_officer}, "A13's notice is kept as it was"
    assert [n.recipient for n in notices("concern-received")] == [handler(council)]
    chief = selectors.standing_of(council.chief_executive)
    assert workflow.CONCERN.sees(chief, concern), "the Chief Executive sees a D6 concern"
    assert not workflow.CONCERN.sees(selectors.standing_of(request.requested_by), concern), "not yet told"


def test_an_attestation_raises_no_concern_D6(council, clock):
    officer = council.directorates[0].officers[0]
    request = approved_request(council, officers=[officer])
    clock.set(request.meeting.starts_at + 90 * MINUTES)
    start = request.meeting.starts_at
    attendance.attendance_record_attendance(
        request=request, actor=officer, arrived_at=start, left_at=start + 45 * MINUTES, attested=True
    )
    assert not Concern.objects.exists()


def test_nobody_raises_a_concern_from_a_report_but_the_register_D6(council):
    with pytest.raises(NotPermitted):
        workflow.require(
            workflow.CONCERN, workflow.RAISE_FROM_REPORT, None, selectors.standing_of(council.chief_executive)
        )


# --- Reminders and escalation (as A12) ------------------------------------------------------------------


def at(day, hour=10):
    return datetime.datetime.combine(day, datetime.time(hour), tzinfo=LONDON)


def test_the_handler_is_reminded_the_working_day_before_acknowledgement_is_due_D3(council, clock, settings):
    settings.CONCERNS_PROTOCOL = "complaints"
    concern = raise_concern(council.groups[0].members[0], None)  # Monday 2 March: acknowledge by Monday 9 March
    assert concern.acknowledge_due_on == datetime.date(2026, 3, 9)
    send_concern_reminders()
    assert notices("concern-reminder") == []
    clock.set(at(datetime.date(2026, 3, 6)))  # Friday, the working day before
    send_concern_reminders()
    send_concern_reminders()
    [reminder] = notices("concern-reminder")
    assert reminder.recipient == council.monitoring_officer
    assert "Monday 9 March 2026" in reminder.body_text
    assert reminder.actor is None


def test_an_overdue_concern_is_escalated_to_the_monitoring_officer_once_D2(council, clock, settings):
    settings.CONCERNS_PROTOCOL = "redress"
    officer, member = council.directorates[0].officers[0], council.groups[1].members[0]
    raise_concern(officer, member)
    clock.set(at(datetime.date(2026, 3, 10)))
    sent = send_concern_reminders()
    send_concern_reminders()
    assert sent == {"acknowledge overdue": 1}
    [overdue] = notices("concern-overdue")
    assert overdue.recipient == council.monitoring_officer
    assert overdue.link_path == f"/concerns/{Concern.objects.get().pk}/"


def test_a_monitoring_officers_overdue_concern_goes_to_the_deputy_and_the_head_of_paid_service_D3(
    council, clock, settings
):
    settings.CONCERNS_PROTOCOL = "complaints"
    concern = raise_concern(council.groups[0].members[0], None)
    services.concern_acknowledge(concern=concern, actor=council.monitoring_officer)
    clock.set(at(datetime.date(2026, 3, 31)))  # the outcome was due by Monday 30 March
    assert concern.outcome_due_on == datetime.date(2026, 3, 30)
    send_concern_reminders()
    overdue = notices("concern-overdue")
    assert {n.recipient for n in overdue} == {council.deputy_monitoring_officer, council.chief_executive}
    assert "brought to an outcome" in overdue[0].body_text
    assert {n.link_path for n in overdue} == {"/concerns/"}, "not the concern, which is not theirs to read"
    assert str(council.groups[0].members[0]) not in overdue[0].body_text, "who raised it is not said"


def test_a_closed_concern_is_neither_reminded_nor_escalated_D3(council, clock, settings):
    settings.CONCERNS_PROTOCOL = "complaints"
    concern = raise_concern(council.groups[0].members[0], None)
    concern = services.concern_look_into(concern=concern, actor=council.monitoring_officer)
    services.concern_close(concern=concern, actor=council.monitoring_officer, outcome=Concern.Outcome.NO_ACTION)
    clock.set(at(datetime.date(2026, 4, 30)))
    assert send_concern_reminders() == {}


def test_the_hourly_beat_runs_the_concern_reminders(settings):
    from tasks.jobs import send_concern_reminders as task

    entry = settings.CELERY_BEAT_SCHEDULE["concern-reminders"]
    assert entry["task"] == task.name == "concerns.send_reminders"
