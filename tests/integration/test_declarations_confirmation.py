"""Periodic re-confirmation of declarations (B6): the confirmation kept as evidence, who sees who
has not confirmed, and the reminders Celery beat sends before and after the due date."""

import datetime

import pytest
from django.conf import settings
from django.test import override_settings

from register import selectors
from register.errors import NotPermitted, RuleViolation
from register.models import DeclarationConfirmation, Notification, Person
from register.selectors.declarations import confirmation_due_on, confirmations_outstanding, people_in_confirmation_scope
from register.services import declarations
from tests.factories import make_person
from tests.integration.declaration_helpers import declare, snapshot

DAY = datetime.timedelta(days=1)


@pytest.fixture
def today():
    return selectors.today()


def nothing(person):
    return declarations.declarations_nothing_to_declare(actor=person, reason="Annual return")


def due_on(person, on):
    return confirmation_due_on(people_in_confirmation_scope(on).get(pk=person.pk))


def test_a_person_confirms_their_open_declarations_and_the_date_is_kept_as_evidence_B6(council, today):
    member = council.groups[0].members[0]
    declare(member, council.directorates[0].officers[0])
    confirmation = declarations.declarations_reconfirm(actor=member, reason="Annual confirmation")

    assert (confirmation.person, confirmation.confirmed_on) == (member, today)
    assert (confirmation.nothing_to_declare, confirmation.open_declarations) == (False, 1)
    row = confirmation.history.get()
    assert (row.history_user, row.history_change_reason) == (member, "Annual confirmation")


def test_nothing_to_declare_counts_as_a_confirmation_B6(council, today):
    officer = council.directorates[1].officers[2]
    nothing(officer)
    assert due_on(officer, today) == today + datetime.timedelta(days=365)
    assert officer not in confirmations_outstanding(council.directorates[1].director, on=today + 365 * DAY)
    assert officer in confirmations_outstanding(council.directorates[1].director, on=today + 366 * DAY)


def test_nothing_to_declare_is_refused_while_declarations_are_open_B6(council):
    member = council.groups[0].members[0]
    declare(member, council.directorates[0].officers[0])
    before = snapshot(DeclarationConfirmation)
    with pytest.raises(RuleViolation) as refused:
        nothing(member)
    assert (refused.value.rule, refused.value.field) == ("B6", "nothing_to_declare")
    assert snapshot(DeclarationConfirmation) == before


def test_confirming_declarations_when_there_are_none_asks_for_nothing_to_declare_B6(council):
    with pytest.raises(RuleViolation) as refused:
        declarations.declarations_reconfirm(actor=council.groups[0].members[0], reason="x")
    assert refused.value.field == "nothing_to_declare"
    assert not DeclarationConfirmation.objects.exists()


def test_only_councillors_and_officers_confirm_declarations_B6(council):
    """Confirming asks the same policy as declaring (policies.declares): anyone else may not (403, B6)."""
    robot = make_person(Person.Kind.SYSTEM, username="register-robot")
    for confirm in (declarations.declarations_reconfirm, declarations.declarations_nothing_to_declare):
        with pytest.raises(NotPermitted) as refused:
            confirm(actor=robot, reason="x")
        assert (refused.value.rule, refused.value.field) == ("B6", "person")
    assert not DeclarationConfirmation.objects.exists()


def test_the_monitoring_officer_sees_which_members_have_not_confirmed_B6(council, today):
    red = council.groups[0]
    nothing(red.members[0])
    late = today + 29 * DAY  # past a newcomer's 28 days
    outstanding = list(confirmations_outstanding(council.monitoring_officer, on=late))

    members = {p for g in council.groups for p in (g.leader, g.deputy, *g.members)}
    assert red.members[0] not in outstanding
    assert set(outstanding) >= members - {red.members[0]}
    assert council.chief_executive in outstanding  # whose declarations the Monitoring Officer reviews
    assert not set(outstanding) & {p for d in council.directorates for p in d.officers}
    assert confirmations_outstanding(council.monitoring_officer, on=today).count() == 0  # nobody is late yet


def test_each_director_sees_the_officers_of_their_own_directorate_who_have_not_confirmed_B6(council, today):
    place, resources = council.directorates
    nothing(place.officers[0])
    outstanding = set(confirmations_outstanding(place.director, on=today + 29 * DAY))
    assert outstanding == {place.assistant_director, *place.officers[1:]}


def test_the_chief_executive_sees_the_directors_and_officers_outside_directorates_B6(council, today):
    outstanding = set(confirmations_outstanding(council.chief_executive, on=today + 29 * DAY))
    assert outstanding == {
        council.deputy_chief_executive,
        council.monitoring_officer,
        council.deputy_monitoring_officer,
        council.auditor,
        council.democratic_services,
        *(d.director for d in council.directorates),
    }


def test_people_who_oversee_nobody_see_an_empty_list_B6(council, today):
    for person in (
        council.directorates[0].officers[0],
        council.groups[0].leader,
        council.directorates[0].assistant_director,
    ):
        assert not confirmations_outstanding(person, on=today + 400 * DAY).exists()


def test_someone_who_has_left_is_not_chased_B6(council, today):
    member = council.groups[0].members[1]
    member.left_on = today
    member.save()
    assert member not in confirmations_outstanding(council.monitoring_officer, on=today + 29 * DAY)


@override_settings(DECLARATIONS_CONFIRMATION_PERIOD_DAYS=90)
def test_the_period_is_configurable_B6(council, today):
    member = council.groups[0].members[0]
    nothing(member)
    assert due_on(member, today) == today + 90 * DAY
    assert member in confirmations_outstanding(council.monitoring_officer, on=today + 91 * DAY)


def test_the_default_period_is_a_year():
    assert settings.DECLARATIONS_CONFIRMATION_PERIOD_DAYS == 365


def reminders(person, kind=None):
    notices = Notification.objects.filter(
        recipient=person, channel="in-app", kind__startswith="declarations-confirmation"
    )
    return list(notices.filter(kind=kind) if kind else notices)


def test_reminders_go_before_the_due_date_once_and_after_it_at_intervals_B6(council, today):
    member = council.groups[0].members[0]
    due = due_on(member, today)  # a newcomer: 28 days after joining

    declarations.confirmation_reminders_send(on=due - 31 * DAY)
    assert reminders(member) == []
    declarations.confirmation_reminders_send(on=due - 30 * DAY)
    declarations.confirmation_reminders_send(on=due - 29 * DAY)
    [before] = reminders(member, "declarations-confirmation-due")
    assert f"{due:%-d %B %Y}" in before.subject

    declarations.confirmation_reminders_send(on=due)
    assert reminders(member, "declarations-confirmation-overdue") == []
    for day in (due + DAY, due + 2 * DAY, due + 14 * DAY, due + 15 * DAY):
        declarations.confirmation_reminders_send(on=day)
    overdue = reminders(member, "declarations-confirmation-overdue")
    assert len(overdue) == 2  # the day after, and a fortnight later
    assert "Monitoring Officer" in overdue[0].body_text
    assert all(n.actor is None for n in reminders(member))  # sent by the register itself (C1)


def test_a_person_who_has_confirmed_is_not_reminded_until_the_next_cycle_B6(council, today):
    member = council.groups[0].members[0]
    nothing(member)
    declarations.confirmation_reminders_send(on=today + DAY)
    assert reminders(member) == []
    declarations.confirmation_reminders_send(on=today + 335 * DAY)
    assert len(reminders(member, "declarations-confirmation-due")) == 1


def test_the_reminder_task_runs_the_service_and_beat_runs_it_daily_B6(
    council, today, django_capture_on_commit_callbacks
):
    from tasks.celery import app
    from tasks.jobs import send_declaration_confirmation_reminders

    with django_capture_on_commit_callbacks(execute=True):
        reminded = send_declaration_confirmation_reminders.delay().get()
    in_scope = Person.objects.filter(kind__in=["member", "officer"]).count()
    assert reminded == in_scope  # everyone in the test council is a newcomer, due within 28 days
    assert send_declaration_confirmation_reminders.delay().get() == 0  # a repeated run sends nothing twice
    assert Notification.objects.filter(kind="declarations-confirmation-due", status="sent").count() == 2 * in_scope

    entry = settings.CELERY_BEAT_SCHEDULE["declarations-confirmation-reminders"]
    assert entry["task"] == "declarations.send_confirmation_reminders" and entry["task"] in app.tasks
