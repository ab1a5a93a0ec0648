"""The admin changes nothing around the services: every change keeps who and why (C1), the Chief
Executive's post and absences keep their rules (A2), and only superusers change anything."""

import datetime

import pytest
from django.contrib.auth.models import Permission
from django.test import Client

from register.admin import MembershipForm
from register.errors import RuleViolation
from register.models import Absence, Membership, Organization, Person, Post
from register.services import people
from tests.factories import make_person

Role = Post.Role
DAY = datetime.date(2026, 3, 3)
PASSWORD = "correct-horse-battery-2026"


@pytest.fixture
def absence(council):
    return people.absence_record(actor=council.chief_executive, reason="Annual leave", start_date=DAY, end_date=DAY)


def person_form(person: Person, **changes) -> dict:
    """What the admin's change form for ``person`` posts when the administrator saves it as it is."""
    data = {
        "username": person.username,
        "first_name": person.first_name,
        "last_name": person.last_name,
        "email": person.email,
        "kind": person.kind,
        "member_type": person.member_type,
        "left_on": person.left_on or "",
    }
    for flag in ["is_active", "is_staff", "is_superuser"]:
        if getattr(person, flag):
            data[flag] = "on"
    data.update(changes)
    return data


def staff_auditor_client(council) -> tuple[Person, Client]:
    """The auditor, made staff and given every Django permission on the register's models: still not let into the admin."""
    auditor = council.auditor
    people.person_update(
        actor=council.system, reason="Lets the auditor read the admin", person=auditor, changes={"is_staff": True}
    )
    auditor.user_permissions.set(Permission.objects.filter(content_type__app_label="register"))
    client = Client()
    client.force_login(auditor)
    return auditor, client


# --- Absences are recorded on the register's page only (A2) -----------------------------------------


def test_an_absence_cannot_be_added_in_the_admin_A2(council, admin_client):
    """The Chief Executive's absence is recorded on the register's page, which tells the Deputy (A2)."""
    assert admin_client.get("/admin/register/absence/add/").status_code == 403
    response = admin_client.post(
        "/admin/register/absence/add/",
        {
            "person": council.chief_executive.pk,
            "start_date": "2026-03-03",
            "end_date": "2026-03-04",
            "state": "recorded",
            "recorded_by": council.chief_executive.pk,
            "reason": "Leave",
        },
    )
    assert response.status_code == 403
    assert not Absence.objects.exists()

    listing = admin_client.get("/admin/register/absence/")
    assert listing.status_code == 200
    assert "/admin/register/absence/add/" not in listing.content.decode()


def test_an_absence_cannot_be_changed_in_the_admin_but_is_listed_with_its_history_A2(council, admin_client, absence):
    """Nobody can set who recorded an absence, or its dates, in the admin: it is listed and read (A2, C1)."""
    listing = admin_client.get("/admin/register/absence/")
    assert listing.status_code == 200
    assert f"/admin/register/absence/{absence.pk}/change/" in listing.content.decode()

    page = admin_client.get(f"/admin/register/absence/{absence.pk}/change/")
    assert page.status_code == 200
    assert 'name="_save"' not in page.content.decode()
    response = admin_client.post(
        f"/admin/register/absence/{absence.pk}/change/",
        {
            "person": council.chief_executive.pk,
            "start_date": "2026-03-01",
            "end_date": "2026-03-10",
            "state": "recorded",
            "recorded_by": council.auditor.pk,
            "reason": "Leave",
        },
    )
    assert response.status_code == 403

    history = admin_client.get(f"/admin/register/absence/{absence.pk}/history/")
    assert history.status_code == 200
    assert "Annual leave" in history.content.decode()

    absence.refresh_from_db()
    assert (absence.start_date, absence.end_date, absence.recorded_by) == (DAY, DAY, council.chief_executive)
    assert absence.history.count() == 1


def test_an_old_version_cannot_be_saved_over_a_record_from_its_history_page_C1(council, admin_client, absence):
    """django-simple-history's revert page would save without the service: the admin shows it, never saves it."""
    version = absence.history.get()
    page = f"/admin/register/absence/{absence.pk}/history/{version.history_id}/"
    assert admin_client.get(page).status_code == 200

    response = admin_client.post(
        page,
        {
            "person": council.chief_executive.pk,
            "start_date": "2026-03-01",
            "end_date": "2026-03-10",
            "state": "cancelled",
            "recorded_by": council.auditor.pk,
            "reason": "Leave",
        },
    )
    assert response.status_code == 403
    absence.refresh_from_db()
    assert (absence.state, absence.recorded_by) == (Absence.State.RECORDED, council.chief_executive)
    assert absence.history.count() == 1


# --- The Chief Executive's post has one holder (A2) ---------------------------------------------------


def test_a_second_chief_executive_for_overlapping_dates_is_refused_in_the_admin_A2(council, admin_client):
    """The admin says what post_appoint says of a second Chief Executive, and saves nothing (A2)."""
    post = Post.objects.get(role=Role.CHIEF_EXECUTIVE)
    rival = make_person(Person.Kind.OFFICER)
    memberships_before = Membership.objects.count()

    response = admin_client.post(
        "/admin/register/membership/add/",
        {
            "person": rival.pk,
            "organization": council.organization.pk,
            "post": post.pk,
            "start_date": "2026-03-03",
            "end_date": "2026-03-31",
            "reason": "Interim appointment",
        },
    )

    assert response.status_code == 200
    with pytest.raises(RuleViolation) as refused:
        people.post_appoint(actor=council.system, reason="Interim appointment", person=rival, post=post, start_date=DAY)
    assert refused.value.message in response.content.decode()
    assert "only one person holds it at a time" in refused.value.message
    assert Membership.objects.count() == memberships_before


def test_moving_a_holding_onto_the_chief_executives_post_is_refused_in_the_admin_A2(council, admin_client):
    """Changing the Deputy's holding into a second Chief Executive's is refused as an appointment is (A2)."""
    deputy_holding = Membership.objects.get(post__role=Role.DEPUTY_CHIEF_EXECUTIVE)
    chief_post = Post.objects.get(role=Role.CHIEF_EXECUTIVE)

    response = admin_client.post(
        f"/admin/register/membership/{deputy_holding.pk}/change/",
        {
            "person": deputy_holding.person.pk,
            "organization": council.organization.pk,
            "post": chief_post.pk,
            "start_date": deputy_holding.start_date.isoformat(),
            "end_date": "",
            "reason": "Promotion",
        },
    )

    assert response.status_code == 200
    assert "only one person holds it at a time" in response.content.decode()
    deputy_holding.refresh_from_db()
    assert deputy_holding.post.role == Role.DEPUTY_CHIEF_EXECUTIVE
    assert deputy_holding.history.count() == 1


def test_the_service_checks_again_when_the_admin_forms_check_is_passed_A2(council, admin_client, monkeypatch):
    """Should the register change between the form's check and the save, the service refuses under
    its lock, and the admin says so and saves nothing (A2)."""
    monkeypatch.setattr(MembershipForm, "check", lambda form, candidate: None)  # as if the check ran before a rival
    post = Post.objects.get(role=Role.CHIEF_EXECUTIVE)
    rival = make_person(Person.Kind.OFFICER)

    response = admin_client.post(
        "/admin/register/membership/add/",
        {
            "person": rival.pk,
            "organization": council.organization.pk,
            "post": post.pk,
            "start_date": "2026-03-03",
            "reason": "Interim appointment",
        },
        follow=True,
    )

    assert response.redirect_chain[0][1] == 302
    assert "only one person holds it at a time" in response.content.decode()
    assert not Membership.objects.filter(person=rival).exists()


def test_a_holding_changed_by_the_service_is_checked_under_lock_A2(council):
    """membership_update refuses what post_appoint refuses, whoever calls it (A2)."""
    deputy_holding = Membership.objects.get(post__role=Role.DEPUTY_CHIEF_EXECUTIVE)
    with pytest.raises(RuleViolation, match="only one person holds it at a time"):
        people.membership_update(
            actor=council.system,
            reason="Promotion",
            membership=deputy_holding,
            changes={"post": Post.objects.get(role=Role.CHIEF_EXECUTIVE)},
        )
    deputy_holding.refresh_from_db()
    assert deputy_holding.post.role == Role.DEPUTY_CHIEF_EXECUTIVE


def test_an_appointment_in_the_admin_keeps_the_administrator_and_the_reason_C1(council, admin_client, admin_user):
    """A holding added in the admin is an appointment by post_appoint: its organization is the post's (C1)."""
    chief_holding = Membership.objects.get(post__role=Role.CHIEF_EXECUTIVE)
    people.membership_end(actor=council.system, reason="Retired", membership=chief_holding, end_date=DAY)
    successor = make_person(Person.Kind.OFFICER)

    response = admin_client.post(
        "/admin/register/membership/add/",
        {
            "person": successor.pk,
            "organization": council.directorates[0].organization.pk,
            "post": chief_holding.post.pk,
            "start_date": "2026-03-04",
            "reason": "Appointed by full council on 2 March",
        },
    )

    assert response.status_code == 302, response.content[:500]
    holding = Membership.objects.get(person=successor)
    assert holding.organization == council.organization
    row = holding.history.get()
    assert (row.history_user, row.history_change_reason) == (admin_user, "Appointed by full council on 2 March")


# --- People ------------------------------------------------------------------------------------------


def test_a_change_to_a_person_without_a_reason_is_refused_in_the_admin_C1(council, admin_client):
    """Every change keeps why: the admin's form asks for the reason and saves nothing without it (C1)."""
    officer = council.directorates[0].officers[0]
    response = admin_client.post(
        f"/admin/register/person/{officer.pk}/change/", person_form(officer, last_name="Renamed")
    )
    assert response.status_code == 200
    assert response.context["adminform"].form.errors == {"reason": ["This field is required."]}
    officer.refresh_from_db()
    assert officer.last_name == "Testperson"
    assert officer.history.count() == 1


def test_a_change_to_a_person_in_the_admin_keeps_the_administrator_and_the_reason_C1(council, admin_client, admin_user):
    """The change is saved by person_update, with the administrator and their reason in the history (C1)."""
    officer = council.directorates[0].officers[0]
    response = admin_client.post(
        f"/admin/register/person/{officer.pk}/change/",
        person_form(officer, last_name="Renamed", left_on="2026-03-31", reason="Married; leaves at the end of March"),
    )
    assert response.status_code == 302, response.content[:500]
    officer.refresh_from_db()
    assert (officer.last_name, officer.left_on) == ("Renamed", datetime.date(2026, 3, 31))
    latest = officer.history.latest()
    assert latest.history_user == admin_user
    assert latest.history_change_reason == "Married; leaves at the end of March"
    assert sorted(change.field for change in latest.diff_against(latest.prev_record).changes) == [
        "last_name",
        "left_on",
    ]


def test_a_councillor_in_a_group_cannot_be_made_an_officer_in_the_admin(council, admin_client):
    """The admin runs person_update's check: a kind that contradicts the person's memberships is refused."""
    member = council.groups[0].members[0]
    response = admin_client.post(
        f"/admin/register/person/{member.pk}/change/",
        person_form(member, kind="officer", member_type="", reason="Now works for the council"),
    )
    assert response.status_code == 200
    assert "so their kind (Member (councillor)) cannot change." in response.content.decode()
    member.refresh_from_db()
    assert member.kind == Person.Kind.MEMBER


def test_a_person_added_in_the_admin_is_created_by_the_service_with_the_reason_C1(council, admin_client, admin_user):
    """person_create's checks and history apply to a person added in the admin (C1)."""
    refused = admin_client.post(
        "/admin/register/person/add/",
        {
            "username": "new-member",
            "usable_password": "false",
            "first_name": "New",
            "last_name": "Member",
            "kind": "member",
            "reason": "Elected",
        },
    )
    assert refused.status_code == 200
    assert "A member is either elected or co-opted." in refused.content.decode()
    assert not Person.objects.filter(username="new-member").exists()

    response = admin_client.post(
        "/admin/register/person/add/",
        {
            "username": "new-member",
            "usable_password": "false",
            "first_name": "New",
            "last_name": "Member",
            "email": "new-member@council.example",
            "kind": "member",
            "member_type": "elected",
            "reason": "Elected at the by-election of 26 February",
        },
    )
    assert response.status_code == 302, response.content[:500]
    person = Person.objects.get(username="new-member")
    assert not person.has_usable_password()
    row = person.history.get()
    assert (row.history_user, row.history_change_reason) == (admin_user, "Elected at the by-election of 26 February")


def test_a_password_changed_in_the_admin_leaves_a_history_row_with_a_reason_C1(council, admin_client, admin_user):
    """The password is set by person_set_password: the history names the administrator and the reason,
    and holds no password (the history leaves the field out)."""
    officer = council.directorates[0].officers[0]
    page = f"/admin/register/person/{officer.pk}/password/"
    assert 'name="reason"' in admin_client.get(page).content.decode()

    response = admin_client.post(
        page, {"password1": PASSWORD, "password2": PASSWORD, "reason": "Locked out; asked by phone"}
    )

    assert response.status_code == 302, response.content[:500]
    officer.refresh_from_db()
    assert officer.check_password(PASSWORD)
    latest = officer.history.latest()
    assert latest.history_user == admin_user
    assert latest.history_change_reason == "Locked out; asked by phone"
    assert "password" not in {field.name for field in type(latest)._meta.fields}


def test_a_password_changed_in_the_admin_without_a_reason_says_who_changed_it_C1(council, admin_client, admin_user):
    """With no reason given, the history says the password was changed in the admin, and by whom (C1)."""
    officer = council.directorates[0].officers[0]
    page = f"/admin/register/person/{officer.pk}/password/"
    admin_client.post(page, {"password1": PASSWORD, "password2": PASSWORD})
    response = admin_client.post(page, {"usable_password": "false", "unset-password": "Disable"})

    assert response.status_code == 302, response.content[:500]
    officer.refresh_from_db()
    assert not officer.has_usable_password()
    first, second = officer.history.order_by("-history_id")[:2][::-1]
    assert (first.history_user, first.history_change_reason) == (
        admin_user,
        f"Password changed in the admin by {admin_user}",
    )
    assert second.history_change_reason == f"Password sign-in turned off in the admin by {admin_user}"


def test_a_weak_password_is_refused_in_the_admin_and_nothing_is_saved(council, admin_client):
    officer = council.directorates[0].officers[0]
    response = admin_client.post(
        f"/admin/register/person/{officer.pk}/password/", {"password1": "password", "password2": "password"}
    )
    assert response.status_code == 200
    assert "too common" in response.content.decode()
    assert officer.history.count() == 1


def test_a_weak_password_is_refused_by_the_service_too(council):
    """What the admin's form refuses, person_set_password refuses, whoever calls it."""
    officer = council.directorates[0].officers[0]
    with pytest.raises(RuleViolation, match="too common") as refused:
        people.person_set_password(actor=council.system, reason="Reset", person=officer, raw_password="password")
    assert refused.value.field == "password"


# --- Groups, directorates and posts ----------------------------------------------------------------


def test_a_post_changed_in_the_admin_keeps_the_administrator_and_the_reason_C1(council, admin_client, admin_user):
    post = Post.objects.get(role=Role.MONITORING_OFFICER)
    response = admin_client.post(
        f"/admin/register/post/{post.pk}/change/",
        {
            "label": "Monitoring Officer and Head of Legal",
            "role": post.role,
            "organization": post.organization.pk,
            "single_holder": "on",
            "politically_restricted": "on",
            "reason": "The post took on legal services",
        },
    )
    assert response.status_code == 302, response.content[:500]
    post.refresh_from_db()
    assert (post.label, post.politically_restricted) == ("Monitoring Officer and Head of Legal", True)
    latest = post.history.latest()
    assert (latest.history_user, latest.history_change_reason) == (admin_user, "The post took on legal services")


def test_a_held_post_cannot_change_its_role_in_the_admin(council, admin_client):
    """A post's holders were checked against its role: a held post keeps it (the service's check, on the form)."""
    post = Post.objects.get(role=Role.DIRECTOR, organization=council.directorates[0].organization)
    response = admin_client.post(
        f"/admin/register/post/{post.pk}/change/",
        {
            "label": post.label,
            "role": Role.ASSISTANT_DIRECTOR,
            "organization": post.organization.pk,
            "single_holder": "on",
            "reason": "Regraded",
        },
    )
    assert response.status_code == 200
    assert "its role and organization cannot change" in response.content.decode()
    post.refresh_from_db()
    assert post.role == Role.DIRECTOR


def test_an_organization_changed_in_the_admin_keeps_the_administrator_and_the_reason_C1(
    council, admin_client, admin_user
):
    group = council.groups[1].organization
    response = admin_client.post(
        f"/admin/register/organization/{group.pk}/change/",
        {"name": group.name, "classification": "party", "is_administration": "on", "reason": "Joined the coalition"},
    )
    assert response.status_code == 302, response.content[:500]
    group.refresh_from_db()
    assert group.is_administration
    latest = group.history.latest()
    assert (latest.history_user, latest.history_change_reason) == (admin_user, "Joined the coalition")


def test_a_directorate_cannot_join_the_administration_in_the_admin(council, admin_client):
    directorate = council.directorates[0].organization
    response = admin_client.post(
        f"/admin/register/organization/{directorate.pk}/change/",
        {"name": directorate.name, "classification": "directorate", "is_administration": "on", "reason": "Mistake"},
    )
    assert response.status_code == 200
    assert "Only a political group can be part of the administration." in response.content.decode()
    directorate.refresh_from_db()
    assert not directorate.is_administration


# --- Only superusers change anything in the admin ------------------------------------------------------


def test_an_auditor_with_staff_access_and_every_permission_cannot_open_the_admin_or_change_anything(council):
    """The admin is the superusers' emergency tool alone (issue 17, point 7): staff who are not
    superusers, even with every Django permission, are sent to its sign-in page, reading or changing;
    auditors read everything in the register's own pages, and change nothing anywhere."""
    auditor, client = staff_auditor_client(council)
    officer = council.directorates[0].officers[0]
    group = council.groups[1].organization

    attempts = [
        client.get("/admin/"),
        client.get(f"/admin/register/person/{officer.pk}/change/"),
        client.get(f"/admin/register/person/{officer.pk}/history/"),
        client.post(
            f"/admin/register/person/{officer.pk}/change/", person_form(officer, last_name="X", reason="Audit")
        ),
        client.post(f"/admin/register/person/{officer.pk}/password/", {"password1": PASSWORD, "password2": PASSWORD}),
        client.post(
            f"/admin/register/organization/{group.pk}/change/",
            {"name": "Audited Group", "classification": "party", "reason": "Audit"},
        ),
        client.get("/admin/register/post/add/"),
        client.get("/admin/register/membership/add/"),
        client.get("/admin/register/person/add/"),
    ]
    assert [response.status_code for response in attempts] == [302] * len(attempts)
    assert all(response["Location"].startswith("/admin/login/") for response in attempts)
    officer.refresh_from_db()
    group.refresh_from_db()
    assert (officer.last_name, officer.has_usable_password(), group.name) == ("Testperson", False, "Blue Group")
    assert officer.history.count() == 1
    assert not Organization.objects.filter(name="Audited Group").exists()
    home = client.get("/").content.decode()
    assert "/admin/" not in home, "the navigation offers the admin to superusers only"


@pytest.mark.parametrize("model", [Person, Organization, Post, Membership])
def test_every_form_that_changes_a_record_in_the_admin_asks_for_the_reason_C1(council, admin_client, model):
    """Adding and changing a person, an organization, a post or a membership both ask why (C1)."""
    record = model.objects.exclude(username="system") if model is Person else model.objects
    pages = [f"/admin/register/{model._meta.model_name}/add/"]
    pages.append(f"/admin/register/{model._meta.model_name}/{record.order_by('pk').first().pk}/change/")
    for page in pages:
        response = admin_client.get(page)
        assert response.status_code == 200, page
        assert response.context["adminform"].form.fields["reason"].required, page


def test_a_group_with_members_keeps_its_classification(council):
    """organization_update, which the admin saves through, refuses what would orphan the group's memberships."""
    group = council.groups[1].organization  # in opposition: only a group can be in the administration
    with pytest.raises(RuleViolation, match=r"classification \(Political group\) cannot change") as refused:
        people.organization_update(
            actor=council.system, reason="Tidy", organization=group, changes={"classification": "directorate"}
        )
    assert refused.value.field == "classification"
    group.refresh_from_db()
    assert group.classification == Organization.Classification.PARTY


def test_a_post_two_people_hold_at_once_cannot_become_a_post_with_one_holder(council):
    """post_update checks the post's holdings under the lock post_appoint takes."""
    auditors = Post.objects.get(role=Role.AUDITOR)
    second = make_person(Person.Kind.OFFICER)
    people.post_appoint(actor=council.system, reason="Test data", person=second, post=auditors, start_date=DAY)
    with pytest.raises(RuleViolation, match="cannot become a post with one holder"):
        people.post_update(actor=council.system, reason="Tidy", post=auditors, changes={"single_holder": True})
    auditors.refresh_from_db()
    assert not auditors.single_holder


def test_the_admin_offers_no_page_for_two_factor_devices_which_only_set_up_and_reset_change_C3(admin_client):
    """django-otp's own admin pages would show an authenticator's secret and delete devices: they are
    not there (a lost phone is reset by Democratic Services, who keep the old device, issue 18)."""
    for page in ("/admin/otp_totp/totpdevice/", "/admin/otp_static/staticdevice/"):
        assert admin_client.get(page).status_code == 404, page
    assert "totpdevice" not in admin_client.get("/admin/").content.decode()
