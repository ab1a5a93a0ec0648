"""Issue 17, points 2 and 6: Democratic Services invite a person to set their password (a link made by
Django's token machinery, by e-mail alone, working once and for PASSWORD_RESET_TIMEOUT), and record, end
early and cancel the Chief Executive's and the Monitoring Officer's absences (A2)."""

import datetime
import re

import pytest
from django.core import mail
from django.test import Client

from register.errors import InvalidTransition, NotFound, NotPermitted, RuleViolation
from register.models import Absence, Notification, Person, Post
from register.services import people
from register.services.delivery import deliver
from register.services.people.absences import absence_end
from register.services.people.accounts import person_invite_to_sign_in
from tests.factories import make_person

Role = Post.Role
SET_PASSWORD = re.compile(r"https?://[^/\s]+(/sign-in/set-password/[^/\s]+/[^/\s]+/)")
NEW_PASSWORD = "correct-horse-battery-47"


def signed_in(person) -> Client:
    client = Client()
    client.force_login(person)
    return client


def invite(council, person, reason="New councillor after the election"):
    return person_invite_to_sign_in(actor=council.democratic_services, reason=reason, person=person)


def the_link(person) -> str:
    """The set-password path, from the e-mail as it was delivered to ``person``."""
    notice = Notification.objects.get(kind="account-invitation", recipient=person)
    deliver(notice.pk)
    sent = [message for message in mail.outbox if message.to == [person.email]]
    assert sent, "the invitation was e-mailed"
    return SET_PASSWORD.search(sent[-1].body).group(1)


# --- Accounts (point 6) -----------------------------------------------------------------------------


def test_democratic_services_invite_by_email_alone_and_the_history_says_who_and_why_A1(council):
    """The invitation is one e-mail (no in-app notice: its link sets the password), and the person's
    history names who invited them and why."""
    person = make_person(Person.Kind.MEMBER)
    invite(council, person)
    notices = Notification.objects.filter(kind="account-invitation", recipient=person)
    assert [notice.channel for notice in notices] == [Notification.Channel.EMAIL]
    assert "/sign-in/set-password/" in notices[0].body_text
    latest = person.history.order_by("-history_id").first()
    assert latest.history_user_id == council.democratic_services.pk
    assert "New councillor after the election" in latest.history_change_reason


@pytest.mark.parametrize("who", ["monitoring_officer", "deputy_monitoring_officer", "auditor", "chief_executive"])
def test_only_democratic_services_invite_someone_to_set_a_password_A1(council, who):
    """Those who read the records of people are refused naming the rule; anyone else is not even told
    the record exists; nothing is sent."""
    person = make_person(Person.Kind.OFFICER)
    refusal = NotFound if who == "chief_executive" else NotPermitted
    with pytest.raises(refusal) as refused:
        person_invite_to_sign_in(actor=getattr(council, who), reason="Try", person=person)
    assert refusal is NotFound or refused.value.rule == "A1"
    assert not Notification.objects.filter(kind="account-invitation").exists()


def test_the_invitation_page_is_refused_to_anyone_but_democratic_services_A1(council):
    person = make_person(Person.Kind.OFFICER)
    assert signed_in(council.monitoring_officer).get(f"/people/{person.pk}/invite/").status_code == 403
    assert signed_in(council.directorates[0].officers[0]).get(f"/people/{person.pk}/invite/").status_code == 404
    page = signed_in(council.democratic_services).get(f"/people/{person.pk}/invite/")
    assert page.status_code == 200 and "Send the invitation" in page.content.decode()


def test_someone_with_no_email_address_is_not_invited_and_the_field_is_named(council):
    person = make_person(Person.Kind.OFFICER)
    people.person_update(actor=council.democratic_services, reason="Left blank", person=person, changes={"email": ""})
    with pytest.raises(RuleViolation) as refused:
        invite(council, person)
    assert refused.value.field == "email"
    page = signed_in(council.democratic_services).post(f"/people/{person.pk}/invite/", {"reason": "Try"})
    assert page.status_code == 400 and "no e-mail address" in page.content.decode()
    assert not Notification.objects.filter(kind="account-invitation").exists()


def test_a_leaver_cannot_be_invited_the_workflow_says_they_have_left(council, clock):
    person = make_person(Person.Kind.OFFICER)
    people.person_update(
        actor=council.democratic_services,
        reason="Left the council",
        person=person,
        changes={"left_on": clock.at.date() - datetime.timedelta(days=1)},
    )
    with pytest.raises(InvalidTransition, match="has left"):
        invite(council, person)
    assert signed_in(council.democratic_services).get(f"/people/{person.pk}/invite/").status_code == 409


def test_the_link_sets_the_password_once_and_the_history_records_it(council):
    """The person sets their own password through ``person_set_password`` (a history row by them), then
    signs in with it; the same link then no longer works."""
    person = make_person(Person.Kind.MEMBER)
    invite(council, person)
    path = the_link(person)
    anonymous = Client()
    form = anonymous.get(path)
    assert form.status_code == 200 and person.username in form.content.decode()
    mismatch = anonymous.post(path, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD + "x"})
    assert mismatch.status_code == 400 and "not the same" in mismatch.content.decode()
    weak = anonymous.post(path, {"new_password1": "12345678", "new_password2": "12345678"})
    assert weak.status_code == 400
    done = anonymous.post(path, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    assert done.status_code == 302 and done["Location"] == "/sign-in/"
    person.refresh_from_db()
    assert person.check_password(NEW_PASSWORD)
    latest = person.history.order_by("-history_id").first()
    assert (latest.history_user_id, latest.history_change_reason) == (
        person.pk,
        "Set their own password from the invitation e-mail",
    )
    signed = Client().post("/sign-in/", {"username": person.username, "password": NEW_PASSWORD})
    assert signed.status_code == 302, "they sign in with the password they chose"

    used = Client().get(path)
    assert used.status_code == 400 and "no longer works" in used.content.decode()
    again = Client().post(path, {"new_password1": "another-pass-99", "new_password2": "another-pass-99"})
    assert again.status_code == 400
    person.refresh_from_db()
    assert person.check_password(NEW_PASSWORD)


def test_an_expired_link_is_refused(council, settings):
    """After PASSWORD_RESET_TIMEOUT the link gets a page that says so, and changes nothing."""
    person = make_person(Person.Kind.OFFICER)
    invite(council, person)
    path = the_link(person)
    settings.PASSWORD_RESET_TIMEOUT = 0  # Django's tokens compare whole seconds: any age is now too old
    import time

    time.sleep(1.1)
    page = Client().post(path, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    assert page.status_code == 400 and "no longer works" in page.content.decode()
    person.refresh_from_db()
    assert not person.has_usable_password()


def test_a_link_made_up_or_for_someone_who_left_since_does_not_work(council, clock):
    person = make_person(Person.Kind.OFFICER)
    invite(council, person)
    path = the_link(person)
    assert Client().get("/sign-in/set-password/MQ/not-a-token/").status_code == 400
    people.person_update(
        actor=council.democratic_services, reason="Left", person=person, changes={"left_on": clock.at.date()}
    )
    clock.set(clock.at + datetime.timedelta(days=1))
    assert Client().get(path).status_code == 400


def test_the_link_is_shown_nowhere_but_in_the_email_not_even_to_a_superuser_in_the_admin(council, admin_client):
    """The inbox has no notice of the invitation, and the admin's outbox shows the e-mail without its body."""
    person = make_person(Person.Kind.OFFICER)
    invite(council, person)
    path = the_link(person)
    assert signed_in(person).get("/notices/").content.decode().count("set-password") == 0
    notice = Notification.objects.get(kind="account-invitation", recipient=person)
    page = admin_client.get(f"/admin/register/notification/{notice.pk}/change/")
    assert page.status_code == 200 and "account-invitation" in page.content.decode()
    assert path not in page.content.decode() and "set-password" not in page.content.decode()
    for version in notice.history.all():
        shown = admin_client.get(f"/admin/register/notification/{notice.pk}/history/{version.history_id}/")
        assert shown.status_code == 200 and "set-password" not in shown.content.decode()


# --- Absences (point 2; A2) ---------------------------------------------------------------------------

MONDAY = datetime.date(2026, 3, 9)


def record_mo_absence(actor, start=MONDAY, days=5):
    return people.absence_record(
        actor=actor,
        reason="Annual leave",
        start_date=start,
        end_date=start + datetime.timedelta(days=days - 1),
        role=Role.MONITORING_OFFICER,
    )


@pytest.mark.parametrize("who", ["deputy_monitoring_officer", "democratic_services", "monitoring_officer"])
def test_the_monitoring_officers_absence_is_recorded_by_them_their_deputy_or_democratic_services_A2(
    council, clock, who
):
    absence = record_mo_absence(getattr(council, who))
    assert (absence.person, absence.post.role) == (council.monitoring_officer, Role.MONITORING_OFFICER)


def test_the_chief_executive_does_not_record_the_monitoring_officers_absence_A2(council, clock):
    with pytest.raises(NotPermitted) as refused:
        record_mo_absence(council.chief_executive)
    assert refused.value.rule == "A2"
    assert not Absence.objects.exists()


def test_the_deputy_monitoring_officer_is_told_of_the_absence_A2(council, clock):
    absence = record_mo_absence(council.democratic_services)
    told = Notification.objects.filter(kind="statutory-absence-recorded", recipient=council.deputy_monitoring_officer)
    assert {notice.channel for notice in told} == {Notification.Channel.EMAIL, Notification.Channel.IN_APP}
    assert f"{absence.end_date:%-d %B %Y}" in told.first().subject


def test_an_overlapping_absence_is_refused_naming_start_date_A2(council, clock):
    record_mo_absence(council.democratic_services)
    page = signed_in(council.democratic_services).post(
        "/people/absences/",
        {
            "role": Role.MONITORING_OFFICER,
            **_date("start_date", MONDAY + datetime.timedelta(days=2)),
            **_date("end_date", MONDAY + datetime.timedelta(days=8)),
            "reason": "Conference",
        },
    )
    assert page.status_code == 400
    assert page.context["form"].errors["start_date"] == [
        "An absence from 09 March 2026 to 13 March 2026 is already recorded."
    ]
    assert Absence.objects.count() == 1


def test_democratic_services_record_end_early_and_cancel_absences_on_their_page_A2(council, clock):
    client = signed_in(council.democratic_services)
    recorded = client.post(
        "/people/absences/",
        {
            "role": Role.MONITORING_OFFICER,
            **_date("start_date", MONDAY),
            **_date("end_date", MONDAY + datetime.timedelta(days=4)),
            "reason": "Annual leave",
        },
    )
    assert recorded.status_code == 302
    absence = Absence.objects.get()
    assert absence.post.role == Role.MONITORING_OFFICER and absence.recorded_by == council.democratic_services
    listing = client.get("/people/absences/").content.decode()
    assert f"/people/absences/{absence.pk}/end/" in listing and f"/people/absences/{absence.pk}/cancel/" in listing

    too_late = client.post(
        f"/people/absences/{absence.pk}/end/", {**_date("end_date", absence.end_date), "reason": "Back"}
    )
    assert too_late.status_code == 400 and "end_date" in too_late.context["form"].errors
    ended = client.post(
        f"/people/absences/{absence.pk}/end/",
        {**_date("end_date", MONDAY + datetime.timedelta(days=1)), "reason": "Back early"},
    )
    assert ended.status_code == 302
    absence.refresh_from_db()
    assert absence.end_date == MONDAY + datetime.timedelta(days=1)
    assert absence.history.order_by("-history_id").first().history_change_reason == "Back early"

    cancelled = client.post(f"/people/absences/{absence.pk}/cancel/", {"reason": "Did not go after all"})
    assert cancelled.status_code == 302
    absence.refresh_from_db()
    assert absence.state == Absence.State.CANCELLED
    assert f"/people/absences/{absence.pk}/cancel/" not in client.get("/people/absences/").content.decode()


def test_the_chief_executive_sees_no_way_to_end_the_monitoring_officers_absence_A2(council, clock):
    absence = record_mo_absence(council.democratic_services)
    with pytest.raises(NotPermitted):
        absence_end(actor=council.chief_executive, reason="Back", absence=absence, end_date=MONDAY)
    assert signed_in(council.chief_executive).get(f"/people/absences/{absence.pk}/end/").status_code == 403
    page = signed_in(council.monitoring_officer).get("/people/absences/")
    assert page.status_code == 200 and f"/people/absences/{absence.pk}/end/" in page.content.decode()
    roles = [value for value, _ in page.context["form"].fields["role"].choices]
    assert roles == [Role.MONITORING_OFFICER], "the Monitoring Officer records only their own post's absence"


def test_the_chief_executives_own_absence_page_keeps_working_A2(council, clock):
    client = signed_in(council.deputy_chief_executive)
    recorded = client.post(
        "/attendance/absence/",
        {**_date("start_date", MONDAY), **_date("end_date", MONDAY), "reason": "Leave"},
    )
    assert recorded.status_code == 302
    assert Absence.objects.get().person == council.chief_executive


def test_the_chief_executives_page_lists_the_chief_executives_absences_only_A2(council, clock):
    """The Monitoring Officer's absence is on Democratic Services' page, not among the Chief Executive's."""
    record_mo_absence(council.democratic_services)
    people.absence_record(
        actor=council.chief_executive, reason="Leave", start_date=MONDAY, end_date=MONDAY, role=Role.CHIEF_EXECUTIVE
    )
    rows = signed_in(council.chief_executive).get("/attendance/absence/").context["rows"]
    assert [absence.person for absence, _ in rows] == [council.chief_executive]
    both = signed_in(council.democratic_services).get("/people/absences/").context["rows"]
    assert {absence.person for absence, _ in both} == {council.chief_executive, council.monitoring_officer}


def test_the_absences_list_costs_a_fixed_number_of_queries(council, clock, django_assert_max_num_queries):
    for week in range(4):
        record_mo_absence(council.democratic_services, start=MONDAY + datetime.timedelta(weeks=week), days=2)
    client = signed_in(council.democratic_services)
    client.get("/people/absences/")
    with django_assert_max_num_queries(15):
        client.get("/people/absences/")


def _date(prefix: str, day: datetime.date) -> dict:
    return {f"{prefix}_0": str(day.day), f"{prefix}_1": str(day.month), f"{prefix}_2": str(day.year)}
