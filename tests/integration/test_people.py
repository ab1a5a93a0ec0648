"""People, groups and posts: who holds what on which day, and what is refused."""

import datetime

import pytest
from django.core.management import call_command
from django.test import override_settings

from register import selectors
from register.errors import NotPermitted, RuleViolation
from register.models import Absence, AttendanceRequest, Declaration, Membership, Organization, Person, Post
from register.services import people
from tests.factories import TERM_START, make_person

Role = Post.Role
DAY = datetime.date(2026, 3, 3)


def test_the_holder_of_a_post_on_a_date_is_the_person_appointed_for_that_day(council):
    successor = make_person(Person.Kind.OFFICER)
    holding = Membership.objects.get(post__role=Role.MONITORING_OFFICER)
    people.membership_end(
        actor=council.system, reason="Retired", membership=holding, end_date=datetime.date(2026, 3, 31)
    )
    post = holding.post
    people.post_appoint(
        actor=council.system, reason="Appointed", person=successor, post=post, start_date=datetime.date(2026, 4, 1)
    )

    assert selectors.holder_of(Role.MONITORING_OFFICER, TERM_START - datetime.timedelta(days=1)) is None
    assert selectors.holder_of(Role.MONITORING_OFFICER, datetime.date(2026, 3, 31)) == council.monitoring_officer
    assert selectors.holder_of(Role.MONITORING_OFFICER, datetime.date(2026, 4, 1)) == successor


def test_the_chief_executive_acts_when_no_absence_is_recorded(council):
    acting = selectors.acting_chief_executive(DAY)
    assert acting.person == council.chief_executive
    assert acting.capacity == "Chief Executive"


def test_the_deputy_acts_during_a_recorded_absence_and_the_capacity_says_so(council):
    people.absence_record(
        actor=council.chief_executive,
        reason="Annual leave",
        start_date=datetime.date(2026, 3, 2),
        end_date=datetime.date(2026, 3, 6),
    )

    acting = selectors.acting_chief_executive(DAY)
    assert acting.person == council.deputy_chief_executive
    assert acting.capacity == "Deputy Chief Executive, acting in the Chief Executive's absence"
    assert selectors.chief_executive_capacity(council.deputy_chief_executive, DAY) == acting.capacity
    assert selectors.acting_chief_executive(datetime.date(2026, 3, 7)).person == council.chief_executive


def test_a_deputy_acting_with_no_recorded_absence_is_refused_A2(council):
    with pytest.raises(RuleViolation) as refused:
        selectors.chief_executive_capacity(council.deputy_chief_executive, DAY)
    assert refused.value.rule == "A2"
    assert "absence" in refused.value.message


def test_a_cancelled_absence_no_longer_lets_the_deputy_act_A2(council):
    absence = people.absence_record(
        actor=council.deputy_chief_executive, reason="Illness", start_date=DAY, end_date=DAY
    )
    people.absence_cancel(actor=council.chief_executive, reason="Returned early", absence=absence)
    assert selectors.acting_chief_executive(DAY).person == council.chief_executive
    assert Absence.objects.get(pk=absence.pk).state == Absence.State.CANCELLED


def test_only_the_chief_executive_or_deputy_records_an_absence_A2(council):
    with pytest.raises(NotPermitted) as refused:
        people.absence_record(actor=council.groups[0].leader, reason="Leave", start_date=DAY, end_date=DAY)
    assert refused.value.rule == "A2"
    assert not Absence.objects.exists()


def test_an_officers_reviewers_are_the_assistant_director_and_director_of_their_directorate(council):
    place = council.directorates[0]
    assert selectors.officer_reviewers(place.officers[0], DAY) == [place.assistant_director, place.director]


def test_an_assistant_directors_reviewer_is_their_director(council):
    place = council.directorates[0]
    assert selectors.officer_reviewers(place.assistant_director, DAY) == [place.director]


def test_a_directors_reviewer_is_the_chief_executive(council):
    assert selectors.officer_reviewers(council.directorates[1].director, DAY) == [council.chief_executive]


def test_the_chief_executives_reviewer_is_the_monitoring_officer(council):
    assert selectors.officer_reviewers(council.chief_executive, DAY) == [council.monitoring_officer]


def test_reviewers_follow_an_officers_move_between_directorates(council):
    place, resources = council.directorates
    mover = place.officers[0]
    placement = Membership.objects.get(person=mover, post__isnull=True)
    people.membership_end(
        actor=council.system, reason="Transfer", membership=placement, end_date=datetime.date(2026, 1, 31)
    )
    council.join(mover, resources.organization, start_date=datetime.date(2026, 2, 1))

    assert selectors.officer_reviewers(mover, datetime.date(2026, 1, 31)) == [place.assistant_director, place.director]
    assert selectors.officer_reviewers(mover, DAY) == [resources.assistant_director, resources.director]


def test_an_officer_with_a_post_in_another_directorate_is_reviewed_where_they_are_placed_B4(council):
    """The placement names the officer's directorate, on every database: SQLite sorts a missing post
    first and PostgreSQL last, so ordering by the post alone chose differently on each."""
    place, resources = council.directorates
    officer = place.officers[0]
    council.appoint(officer, resources.organization, Role.OFFICER, "Project Officer", single_holder=False)

    assert selectors.directorate_of(officer, DAY) == place.organization
    assert selectors.officer_reviewers(officer, DAY) == [place.assistant_director, place.director]


def test_overlapping_holders_of_a_single_holder_post_are_refused(council):
    rival = make_person(Person.Kind.OFFICER)
    post = Post.objects.get(role=Role.CHIEF_EXECUTIVE)
    before = Membership.objects.count()
    with pytest.raises(RuleViolation) as refused:
        people.post_appoint(actor=council.system, reason="Appointed", person=rival, post=post, start_date=DAY)
    assert refused.value.field == "post"
    assert str(council.chief_executive) in refused.value.message
    assert Membership.objects.count() == before


def test_a_member_in_two_groups_at_once_is_refused(council):
    member = council.groups[0].members[0]
    before = Membership.objects.count()
    with pytest.raises(RuleViolation) as refused:
        council.join(member, council.groups[1].organization, start_date=DAY)
    assert "one political group at a time" in refused.value.message
    assert refused.value.field == "organization"
    assert Membership.objects.count() == before


def test_a_member_may_change_group_once_the_first_membership_has_ended(council):
    member = council.groups[0].members[0]
    membership = Membership.objects.get(person=member, post__isnull=True)
    people.membership_end(actor=council.system, reason="Crossed the floor", membership=membership, end_date=DAY)
    council.join(member, council.groups[1].organization, start_date=DAY + datetime.timedelta(days=1))
    assert selectors.group_of(member, DAY) == council.groups[0].organization
    assert selectors.group_of(member, DAY + datetime.timedelta(days=1)) == council.groups[1].organization


def test_a_post_ending_before_it_starts_is_refused(council):
    newcomer = make_person(Person.Kind.OFFICER)
    post = people.post_create(
        actor=council.system,
        reason="New post",
        organization=council.directorates[0].organization,
        role=Role.OFFICER,
        label="Policy Officer",
    )
    with pytest.raises(RuleViolation) as refused:
        people.post_appoint(
            actor=council.system,
            reason="Appointed",
            person=newcomer,
            post=post,
            start_date=DAY,
            end_date=DAY - datetime.timedelta(days=1),
        )
    assert refused.value.field == "end_date"
    assert "before it starts" in refused.value.message
    assert not Membership.objects.filter(post=post).exists()


def test_a_group_leader_must_be_a_member_of_that_group(council):
    outsider = council.groups[1].members[0]
    post = Post.objects.get(role=Role.GROUP_LEADER, organization=council.groups[0].organization)
    with pytest.raises(RuleViolation) as refused:
        people.post_appoint(actor=council.system, reason="x", person=outsider, post=post, start_date=DAY)
    assert refused.value.field == "person"


def test_an_officer_cannot_join_a_political_group(council):
    with pytest.raises(RuleViolation):
        council.join(council.directorates[0].officers[0], council.groups[0].organization)


def test_every_change_made_through_a_service_has_a_history_row_with_user_and_reason(council):
    newcomer = make_person(Person.Kind.MEMBER)
    membership = people.membership_start(
        actor=council.democratic_services,
        reason="Elected at the by-election",
        person=newcomer,
        organization=council.groups[0].organization,
        start_date=DAY,
    )
    people.membership_end(
        actor=council.system,
        reason="Resigned",
        membership=membership,
        end_date=DAY + datetime.timedelta(days=30),
    )
    absence = people.absence_record(actor=council.chief_executive, reason="Conference", start_date=DAY, end_date=DAY)

    rows = list(membership.history.order_by("history_date"))
    assert [(r.history_type, r.history_user, r.history_change_reason) for r in rows] == [
        ("+", council.democratic_services, "Elected at the by-election"),
        ("~", council.system, "Resigned"),
    ]
    assert absence.history.get().history_user == council.chief_executive
    assert absence.history.get().history_change_reason == "Conference"
    for model in (Person, Organization, Post, Membership, Absence):
        assert not model.history.filter(history_change_reason__isnull=True).exists(), model
        assert (
            not model.history.exclude(username="system").filter(history_user__isnull=True).exists()
            if model is Person
            else not model.history.filter(history_user__isnull=True).exists()
        ), model


def test_a_service_refuses_to_save_without_a_reason(council):
    with pytest.raises(ValueError):
        people.organization_create(actor=council.system, reason=" ", name="Green Group", classification="party")
    assert not Organization.objects.filter(name="Green Group").exists()


@pytest.mark.django_db
def test_seed_demo_loads_the_demo_council_and_running_it_twice_changes_nothing():
    call_command("seed_demo")
    counts = {
        model: (model.objects.count(), model.history.count()) for model in (Person, Organization, Post, Membership)
    }
    call_command("seed_demo")
    assert {model: (model.objects.count(), model.history.count()) for model in counts} == counts

    assert Organization.objects.filter(classification="party").count() == 4
    assert Organization.objects.filter(classification="party", is_administration=True).count() == 1
    assert Organization.objects.filter(classification="directorate").count() == 5
    assert 38 <= Person.objects.filter(kind="member").count() <= 42
    assert Person.objects.filter(member_type="co-opted").count() == 2
    assert 28 <= Person.objects.filter(kind="officer").count() <= 32
    today = selectors.today()
    for role in (
        Role.CHIEF_EXECUTIVE,
        Role.DEPUTY_CHIEF_EXECUTIVE,
        Role.MONITORING_OFFICER,
        Role.DEPUTY_MONITORING_OFFICER,
        Role.AUDITOR,
    ):
        assert selectors.holder_of(role, today) is not None, role
    for group in Organization.objects.filter(classification="party"):
        assert selectors.holder_of(Role.GROUP_LEADER, today, group) is not None
    assert selectors.group_of(Person.objects.get(username="leader-1"), today).is_administration


@pytest.mark.django_db
def test_plain_seed_demo_loads_no_activity_and_with_activity_adds_a_year_to_the_council_once():
    """Most tests start from the plain demo council, with no requests or declarations; asking for
    the activity later (make run on a register loaded before) adds the year once (issue 16, point 10)."""
    call_command("seed_demo")
    assert not AttendanceRequest.objects.exists() and not Declaration.objects.exists()
    people = Person.objects.count()
    call_command("seed_demo", "--with-activity")
    assert Person.objects.count() == people
    requests = AttendanceRequest.objects.count()
    assert requests > 10 and Declaration.objects.exists()
    call_command("seed_demo", "--with-activity")
    assert AttendanceRequest.objects.count() == requests


DEMO_USERS = [
    "chief-executive",
    "deputy-chief-executive",
    "monitoring-officer",
    "deputy-monitoring-officer",
    "auditor",
    "leader-1",
    "leader-2",
    "leader-3",
    "leader-4",
    "deputy-leader-1",
    "officer-1",
    "member-1",
    "co-opted-1",
    "director-1",
    "assistant-director-1",
    "admin",
]


@pytest.mark.django_db
@pytest.mark.parametrize("username", DEMO_USERS)
def test_every_demo_user_in_the_readme_can_sign_in(client, username):
    call_command("seed_demo")
    response = client.post("/sign-in/", {"username": username, "password": "demo-register-2026"})
    assert response.status_code == 302, response.content[:500]
    assert client.get("/").status_code == 200


@pytest.mark.django_db
@override_settings(AXES_FAILURE_LIMIT=3)
def test_repeated_failed_sign_ins_lock_their_address_out(client):
    """The limit is the address's (issue 18): after it, even the right password is refused from there."""
    call_command("seed_demo")
    for _ in range(3):
        client.post("/sign-in/", {"username": "leader-1", "password": "wrong"})
    response = client.post("/sign-in/", {"username": "leader-1", "password": "demo-register-2026"})
    assert response.status_code == 429
    assert b"too many failed attempts" in response.content


@pytest.mark.django_db
def test_sign_in_is_csrf_protected():
    from django.test import Client

    response = Client(enforce_csrf_checks=True).post("/sign-in/", {"username": "x", "password": "y"})
    assert response.status_code == 403


def test_the_admin_cannot_delete_register_records(council, admin_client):
    membership = Membership.objects.first()
    response = admin_client.post(f"/admin/register/membership/{membership.pk}/delete/", {"post": "yes"})
    assert response.status_code == 403
    assert Membership.objects.filter(pk=membership.pk).exists()


def test_the_admin_refuses_an_overlapping_post_holder_with_a_message(council, admin_client):
    post = Post.objects.get(role=Role.CHIEF_EXECUTIVE)
    rival = make_person(Person.Kind.OFFICER)
    response = admin_client.post(
        "/admin/register/membership/add/",
        {
            "person": rival.pk,
            "organization": council.organization.pk,
            "post": post.pk,
            "start_date": "2026-03-03",
            "reason": "Appointed by the council",
        },
    )
    assert response.status_code == 200
    assert "only one person holds it at a time" in response.content.decode()
    assert not Membership.objects.filter(person=rival).exists()


def test_a_change_in_the_admin_keeps_the_administrator_and_a_reason(council, admin_client, admin_user):
    organization = council.groups[1].organization
    response = admin_client.post(
        f"/admin/register/organization/{organization.pk}/change/",
        {
            "name": "Blue and Gold Group",
            "classification": "party",
            "reason": "Renamed at the group's annual meeting",
        },
    )
    assert response.status_code == 302
    latest = organization.history.latest()
    assert latest.history_user == admin_user
    assert latest.history_change_reason == "Renamed at the group's annual meeting"


@pytest.mark.parametrize("who", ["chief_executive", "monitoring_officer", "auditor"])
def test_only_democratic_services_change_groups_and_posts_A1(council, who):
    """Access to a group's requests follows the posts recorded on the day, so only Democratic Services
    (and the register itself) record them: the Chief Executive, the Monitoring Officer and auditors are refused (A1)."""
    newcomer = make_person(Person.Kind.MEMBER)
    with pytest.raises(NotPermitted) as refused:
        people.membership_start(
            actor=getattr(council, who),
            reason="Elected at the by-election",
            person=newcomer,
            organization=council.groups[0].organization,
            start_date=DAY,
        )
    assert refused.value.rule == "A1"
    assert not Membership.objects.filter(person=newcomer).exists()


def test_ending_a_post_that_someone_else_now_holds_is_refused_naming_the_date_A1(council):
    """The former leader's holding ended when the new leader took the post: ending it again later is
    refused on its date, saying who holds the post now, and nothing changes (A1)."""
    group = council.groups[0]
    holding = Membership.objects.get(person=group.leader, post__role=Post.Role.GROUP_LEADER)
    people.membership_end(actor=council.democratic_services, reason="Stood down", membership=holding, end_date=DAY)
    people.post_appoint(
        actor=council.democratic_services,
        reason="Elected leader by the group",
        person=group.deputy,
        post=holding.post,
        start_date=DAY + datetime.timedelta(days=1),
    )
    with pytest.raises(RuleViolation) as refused:
        people.membership_end(
            actor=council.democratic_services,
            reason="Stood down",
            membership=holding,
            end_date=DAY + datetime.timedelta(days=10),
        )
    assert refused.value.field == "end_date"
    assert f"{group.deputy} has held {holding.post.label} since" in refused.value.message
    holding.refresh_from_db()
    assert holding.end_date == DAY
