"""Democratic Services' pages for the council's people, groups, directorates and posts (issue 17):
they change them through the services, all or nothing; the Monitoring Officer and auditors read;
anyone else is told "page not found"; two editors at once: one wins, the other is told and loses nothing."""

import datetime

import pytest
from django.test import Client
from django.urls import reverse

from register import selectors
from register.models import Membership, Organization, Person, Post
from register.services import people
from register.services.people.changes import version_of
from register.views.people.records import url_if_any
from tests.factories import make_person

pytestmark = pytest.mark.django_db


def date_fields(name: str, day: datetime.date) -> dict:
    return {f"{name}_0": day.day, f"{name}_1": day.month, f"{name}_2": day.year}


@pytest.fixture
def keeper(council, client):
    client.force_login(council.democratic_services)
    return client


READ_PAGES = [
    ("people:index", None),
    ("people:detail", "person"),
    ("people:groups", None),
    ("people:group", "group"),
    ("people:directorates", None),
    ("people:directorate", "directorate"),
    ("people:posts", None),
    ("people:post", "post"),
]
CHANGE_PAGES = [
    ("people:add", None),
    ("people:change", "person"),
    ("people:group-add", None),
    ("people:group-change", "group"),
    ("people:group-leader", "group"),
    ("people:group-deputy", "group"),
    ("people:directorate-add", None),
    ("people:end-holding", "holding"),
]


def address(council, name, needs):
    red, place = council.groups[0], council.directorates[0]
    holding = Membership.objects.get(person=red.leader, post__isnull=False)
    pk = {
        None: None,
        "person": place.officers[0].pk,
        "group": red.organization.pk,
        "directorate": place.organization.pk,
        "post": holding.post_id,
        "holding": holding.pk,
    }[needs]
    return reverse(name, args=[pk] if pk else [])


def test_democratic_services_open_every_page_A1(council, keeper):
    """Democratic Services open every page of the council's records."""
    for name, needs in READ_PAGES + CHANGE_PAGES:
        assert keeper.get(address(council, name, needs)).status_code == 200, name


@pytest.mark.parametrize("reader", ["monitoring_officer", "deputy_monitoring_officer", "auditor"])
def test_the_monitoring_officer_and_auditors_read_the_records_but_may_not_change_them_A1(council, client, reader):
    """The Monitoring Officer, the deputy and auditors read every page, offered no change; a page that
    changes the records refuses them (403, naming A1), as the services do."""
    client.force_login(getattr(council, reader))
    for name, needs in READ_PAGES:
        response = client.get(address(council, name, needs))
        assert response.status_code == 200, name
        body = response.content.decode()
        for offer in ("Add a person", "Set the leader", "Change the details", "Add a political group", ">End<"):
            assert offer not in body, (name, offer)
    for name, needs in CHANGE_PAGES:
        response = client.get(address(council, name, needs))
        assert response.status_code == 403, name
        assert "A1" in response.content.decode()


@pytest.mark.parametrize("who", ["group_leader", "officer", "chief_executive"])
def test_anyone_else_is_told_page_not_found_A1(council, client, who):
    """A group leader, an officer or the Chief Executive: every page is "not found" for them (404)."""
    person = {
        "group_leader": council.groups[0].leader,
        "officer": council.directorates[0].officers[0],
        "chief_executive": council.chief_executive,
    }[who]
    client.force_login(person)
    for name, needs in READ_PAGES + CHANGE_PAGES:
        assert client.get(address(council, name, needs)).status_code == 404, name
    assert client.post(reverse("people:add"), {}).status_code == 404


def test_people_appear_in_the_navigation_of_those_who_read_them_A1(council, client):
    """ "People" is in the navigation for Democratic Services and the Monitoring Officer, not for a group leader."""
    for person, shown in (
        (council.democratic_services, True),
        (council.monitoring_officer, True),
        (council.groups[0].leader, False),
    ):
        client.force_login(person)
        body = client.get(reverse("home")).content.decode()
        assert (f'href="{reverse("people:index")}"' in body) is shown


def test_democratic_services_home_page_manages_people_and_counts_groups_without_a_leader_A1(council, keeper):
    """Their main action is "Manage people"; a group without a leader is an open action."""
    people.organization_create(
        actor=council.system, reason="Test", name="Green Group", classification=Organization.Classification.PARTY
    )
    response = keeper.get(reverse("home"))
    body = response.content.decode()
    assert "Manage people" in body
    action = next(a for a in response.context["open_actions"] if a.label == "Groups without a leader")
    assert action.count == 1


# --- The list of people -------------------------------------------------------------------------


def test_the_list_searches_by_name_and_e_mail_and_filters_by_kind(council, keeper):
    """A search by part of a name or the e-mail address finds the person; the kind filter narrows."""
    officer = council.directorates[0].officers[0]
    found = keeper.get(reverse("people:index"), {"q": officer.email.split("@")[0]}).context["page"]
    assert [p.pk for p in found] == [officer.pk]
    found = keeper.get(reverse("people:index"), {"q": officer.first_name}).context["page"]
    assert [p.pk for p in found] == [officer.pk]
    members = keeper.get(reverse("people:index"), {"kind": "elected"}).context["page"]
    assert members.paginator.count == Person.objects.filter(kind="member").count()
    assert all(p.is_member for p in members)
    officers = keeper.get(reverse("people:index"), {"kind": "officer"}).context["page"]
    assert all(p.is_officer for p in officers)


def test_the_list_shows_current_or_left_people(council, keeper):
    """Someone who has left is under "Left", not under "Current" (the default)."""
    leaver = council.directorates[0].officers[0]
    people.person_update(
        actor=council.system, reason="Left", person=leaver, changes={"left_on": datetime.date(2025, 6, 1)}
    )
    current = keeper.get(reverse("people:index")).context["page"]
    assert leaver.pk not in [p.pk for p in current.object_list]
    left = keeper.get(reverse("people:index"), {"status": "left"}).context["page"]
    assert [p.pk for p in left] == [leaver.pk]


def test_the_list_shows_each_persons_group_or_directorate(council, keeper):
    """Each row names the group or directorate the person belongs to today."""
    body = keeper.get(reverse("people:index"), {"q": council.groups[0].members[0].first_name}).content.decode()
    assert "Red Group" in body


def test_the_list_links_to_other_parts_only_when_they_exist(council, keeper):
    """Import, election and absences links appear only once their pages are in the register."""
    body = keeper.get(reverse("people:index")).content.decode()
    for name, label in (("people:import", "Import people"), ("people:election", "Record an election")):
        assert (label in body) is (url_if_any(name) is not None)


# The session and the user with their standing (one statement) come first on every page.
LIST_QUERIES = 4  # the session, the user with their standing, the count, the page (the navigation asks no more)
GROUP_LIST_QUERIES = 4  # the session, the user with their standing, the groups with counts, their leaders
POST_LIST_QUERIES = 4  # the session, the user with their standing, the posts, their holders today


@pytest.mark.parametrize("extra", [0, 60])
def test_the_list_costs_the_same_queries_whatever_its_length(council, keeper, extra, django_assert_num_queries):
    """The list of people costs a fixed number of queries with 20 people or 80 (two pages)."""
    for _ in range(extra):
        make_person(Person.Kind.OFFICER)
    with django_assert_num_queries(LIST_QUERIES):
        keeper.get(reverse("people:index"))


@pytest.mark.parametrize("extra", [0, 5])
def test_the_groups_list_costs_the_same_queries_whatever_its_length(council, keeper, extra, django_assert_num_queries):
    """The groups list costs a fixed number of queries whatever the number of groups."""
    for number in range(extra):
        council.group(f"Extra Group {number}")
    with django_assert_num_queries(GROUP_LIST_QUERIES):
        keeper.get(reverse("people:groups"))


@pytest.mark.parametrize("extra", [0, 5])
def test_the_posts_list_costs_the_same_queries_whatever_its_length(council, keeper, extra, django_assert_num_queries):
    """The posts list costs a fixed number of queries whatever the number of posts."""
    for number in range(extra):
        council.directorate(f"Extra {number}")
    with django_assert_num_queries(POST_LIST_QUERIES):
        keeper.get(reverse("people:posts"))


# --- Adding a person ----------------------------------------------------------------------------


def add_form(**overrides) -> dict:
    data = {
        "first_name": "Gwenllïan",
        "last_name": "Ap Rhys",
        "email": "gwenllian.aprhys@council.example",
        "kind": "officer",
        "post_label": "",
        "reason": "Joined the Place directorate",
        **date_fields("start_date", datetime.date(2026, 1, 5)),
    }
    data.update(overrides)
    return data


def test_democratic_services_add_an_officer_with_directorate_post_and_line_manager_A1(council, keeper):
    """An officer is added with their directorate, a new politically restricted post and a line manager;
    their sign-in name comes from the e-mail address; the history names the reason."""
    place = council.directorates[0]
    response = keeper.post(
        reverse("people:add"),
        add_form(
            organization_directorate=place.organization.pk,
            post_label="Head of Planning",
            politically_restricted="on",
            reports_to=place.director.pk,
        ),
    )
    person = Person.objects.get(email="gwenllian.aprhys@council.example")
    assert response.status_code == 302 and response.url == reverse("people:detail", args=[person.pk])
    assert person.username == "gwenllian.aprhys" and person.first_name == "Gwenllïan"
    assert person.reports_to == place.director and person.is_officer
    assert selectors.directorate_of(person, datetime.date(2026, 1, 5)) == place.organization
    post = Post.objects.get(label="Head of Planning")
    assert post.politically_restricted and post.organization == place.organization
    assert Membership.objects.filter(person=person, post=post, start_date=datetime.date(2026, 1, 5)).exists()
    assert person.history.first().history_change_reason == "Joined the Place directorate"
    page = keeper.get(reverse("people:detail", args=[person.pk])).content.decode()
    assert "Head of Planning" in page and str(place.director) in page


def test_a_username_already_taken_is_numbered(council, keeper):
    """Two people whose e-mail addresses begin alike get different sign-in names."""
    keeper.post(reverse("people:add"), add_form())
    keeper.post(reverse("people:add"), add_form(email="gwenllian.aprhys@elsewhere.example", first_name="Other"))
    assert set(Person.objects.filter(username__startswith="gwenllian.aprhys").values_list("username", flat=True)) == {
        "gwenllian.aprhys",
        "gwenllian.aprhys-2",
    }


def test_democratic_services_add_a_co_opted_member_in_no_group_A1(council, keeper):
    """A co-opted member is not elected and is asked no group: one typed where the page (without
    JavaScript) showed the question anyway is not kept."""
    red = council.groups[0].organization
    keeper.post(
        reverse("people:add"), add_form(kind="co-opted", organization_group=red.pk, email="co.opted@council.example")
    )
    person = Person.objects.get(email="co.opted@council.example")
    assert person.member_type == Person.MemberType.CO_OPTED
    assert selectors.group_of(person, datetime.date(2026, 1, 5)) is None


def test_adding_a_person_is_all_or_nothing(council, keeper):
    """A post label the directorate already has is refused on that field, and the person is not added
    either: nothing is half saved."""
    place = council.directorates[0]
    people_before = Person.objects.count()
    memberships_before = Membership.objects.count()
    response = keeper.post(
        reverse("people:add"),
        add_form(organization_directorate=place.organization.pk, post_label=f"Director of {place.organization}"),
    )
    assert response.status_code == 400
    assert "already has a post called" in str(response.context["form"].errors["post_label"])
    assert Person.objects.count() == people_before
    assert Membership.objects.count() == memberships_before


def test_an_e_mail_already_used_is_refused_on_the_e_mail_field(council, keeper):
    """An e-mail address someone else has is refused, named on the e-mail field."""
    taken = council.directorates[0].officers[0].email
    response = keeper.post(reverse("people:add"), add_form(email=taken))
    assert response.status_code == 400
    assert "already used" in str(response.context["form"].errors["email"])


def test_a_member_is_not_given_an_officers_post_or_line_manager(council, keeper):
    """The officers' questions are not asked of a member: answers typed in them where the page
    (without JavaScript) showed them anyway are not kept."""
    place = council.directorates[0]
    response = keeper.post(
        reverse("people:add"),
        add_form(
            kind="elected",
            email="new.member@council.example",
            reports_to=place.director.pk,
            post_label="Something",
            organization_directorate=place.organization.pk,
        ),
    )
    assert response.status_code == 302
    member = Person.objects.get(email="new.member@council.example")
    assert member.reports_to is None
    assert not Membership.objects.filter(person=member, organization=place.organization).exists()
    assert not Post.objects.filter(label="Something").exists()


def test_a_refusal_without_a_reason_is_rejected(council, keeper):
    """The reason is required, named on its field."""
    response = keeper.post(reverse("people:add"), add_form(reason=""))
    assert response.status_code == 400
    assert "Give a reason" in str(response.context["form"].errors["reason"])


# --- Changing a person: two editors at once -----------------------------------------------------


def change_form(person, **overrides) -> dict:
    data = {
        "first_name": person.first_name,
        "last_name": person.last_name,
        "email": person.email,
        "reports_to": person.reports_to_id or "",
        "version": version_of(person),
        "reason": "Corrected",
    }
    data.update(overrides)
    return data


def test_democratic_services_change_a_persons_details_and_line_manager_A1(council, keeper):
    """The details and the line manager change, with the reason in the history."""
    place = council.directorates[0]
    officer = place.officers[0]
    response = keeper.post(
        reverse("people:change", args=[officer.pk]),
        change_form(officer, last_name="Renamed", reports_to=place.assistant_director.pk),
    )
    assert response.status_code == 302
    officer.refresh_from_db()
    assert officer.last_name == "Renamed" and officer.reports_to == place.assistant_director


def test_a_line_manager_cycle_is_refused_on_the_line_manager_field(council, keeper):
    """Someone cannot report to a person who reports to them."""
    place = council.directorates[0]
    people.person_update(
        actor=council.system, reason="Set", person=place.assistant_director, changes={"reports_to": place.director}
    )
    director = Person.objects.get(pk=place.director.pk)
    response = keeper.post(
        reverse("people:change", args=[director.pk]), change_form(director, reports_to=place.assistant_director.pk)
    )
    assert response.status_code == 400
    assert "reports_to" in response.context["form"].errors


def test_two_editors_at_once_the_first_wins_the_second_is_told_and_keeps_their_input(council, client, keeper):
    """Two Democratic Services officers open the same person; the first saves; the second's save is
    refused (409) naming what happened, with their input in the form; nothing of the first is lost.
    Saving again, now with the other change in front of them, goes through."""
    second_keeper = make_person(Person.Kind.OFFICER)
    ds_post = Post.objects.get(role=Post.Role.DEMOCRATIC_SERVICES)
    people.post_appoint(
        actor=council.system, reason="Test", person=second_keeper, post=ds_post, start_date=datetime.date(2025, 5, 5)
    )
    officer = council.directorates[0].officers[0]
    url = reverse("people:change", args=[officer.pk])
    first_form = keeper.get(url).context["form"]

    other = Client()
    other.force_login(second_keeper)
    second_form = other.get(url).context["form"]
    assert first_form.initial["version"] == second_form.initial["version"]

    assert keeper.post(url, change_form(officer, first_name="Firstwins")).status_code == 302
    response = other.post(url, change_form(officer, last_name="Secondtyped", version=second_form.initial["version"]))
    assert response.status_code == 409
    body = response.content.decode()
    assert "Someone else changed" in body
    assert 'value="Secondtyped"' in body
    officer.refresh_from_db()
    assert officer.first_name == "Firstwins" and officer.last_name != "Secondtyped"

    again = dict(response.context["form"].data.items())
    assert other.post(url, again).status_code == 302
    officer.refresh_from_db()
    assert officer.last_name == "Secondtyped"


# --- Groups, directorates and posts -------------------------------------------------------------


def test_the_groups_list_shows_leaders_and_no_leader_recorded(council, keeper):
    """Each group with administration or opposition, leader and deputy; a group with none says so."""
    people.organization_create(
        actor=council.system, reason="Test", name="Green Group", classification=Organization.Classification.PARTY
    )
    body = keeper.get(reverse("people:groups")).content.decode()
    assert str(council.groups[0].leader) in body and str(council.groups[1].deputy) in body
    assert "Administration" in body and "Opposition" in body
    assert "No leader recorded" in body


def test_democratic_services_set_a_new_group_leader_from_a_date_A1(council, keeper):
    """The old leader's holding ends the day before; the new leader holds the post from the date."""
    red = council.groups[0]
    new_leader = red.members[0]
    start = datetime.date(2026, 5, 20)
    response = keeper.post(
        reverse("people:group-leader", args=[red.organization.pk]),
        {"person": new_leader.pk, "reason": "Elected at the group's AGM", **date_fields("start_date", start)},
    )
    assert response.status_code == 302
    assert selectors.holder_of(Post.Role.GROUP_LEADER, start, red.organization) == new_leader
    assert (
        selectors.holder_of(Post.Role.GROUP_LEADER, start - datetime.timedelta(days=1), red.organization) == red.leader
    )
    old = Membership.objects.get(person=red.leader, post__role=Post.Role.GROUP_LEADER)
    assert old.end_date == start - datetime.timedelta(days=1)


def test_a_group_without_a_deputy_post_gets_one_when_a_deputy_is_set(council, keeper):
    """A new group has no posts: setting its deputy creates the post, then appoints."""
    green = people.organization_create(
        actor=council.system, reason="Test", name="Green Group", classification=Organization.Classification.PARTY
    )
    member = make_person(Person.Kind.MEMBER)
    council.join(member, green)
    response = keeper.post(
        reverse("people:group-deputy", args=[green.pk]),
        {"person": member.pk, "reason": "Reported", **date_fields("start_date", datetime.date(2026, 1, 1))},
    )
    assert response.status_code == 302
    assert selectors.holder_of(Post.Role.DEPUTY_GROUP_LEADER, datetime.date(2026, 1, 1), green) == member
    assert Post.objects.get(organization=green).label == "Deputy Leader of the Green Group"


def test_a_leader_from_before_the_current_leader_started_is_refused_on_the_date(council, keeper):
    """A date on or before the current leader's start is refused, naming the date; nothing changes."""
    red = council.groups[0]
    response = keeper.post(
        reverse("people:group-leader", args=[red.organization.pk]),
        {"person": red.members[0].pk, "reason": "Test", **date_fields("start_date", datetime.date(2025, 1, 1))},
    )
    assert response.status_code == 400
    assert "start_date" in response.context["form"].errors
    assert Membership.objects.get(person=red.leader, post__role=Post.Role.GROUP_LEADER).end_date is None


def test_democratic_services_add_and_rename_a_group(council, keeper):
    """A group is added to the opposition, then moved into the administration and renamed."""
    response = keeper.post(
        reverse("people:group-add"), {"name": "Green Group", "is_administration": "no", "reason": "New group"}
    )
    green = Organization.objects.get(name="Green Group")
    assert response.status_code == 302 and not green.is_administration and green.is_party
    keeper.post(
        reverse("people:group-change", args=[green.pk]),
        {"name": "Green and Independent Group", "is_administration": "yes", "reason": "Coalition"},
    )
    green.refresh_from_db()
    assert green.name == "Green and Independent Group" and green.is_administration


def test_a_group_name_already_used_is_refused_on_the_name(council, keeper):
    response = keeper.post(reverse("people:group-add"), {"name": "Red Group", "is_administration": "no", "reason": "x"})
    assert response.status_code == 400
    assert "name" in response.context["form"].errors


def test_democratic_services_add_a_directorate_and_see_its_director(council, keeper):
    """A directorate is added; a directorate's page names its Director and Assistant Director."""
    response = keeper.post(reverse("people:directorate-add"), {"name": "Children's Services", "reason": "New"})
    assert response.status_code == 302
    assert Organization.objects.get(name="Children's Services").classification == "directorate"
    place = council.directorates[0]
    body = keeper.get(reverse("people:directorate", args=[place.organization.pk])).content.decode()
    assert str(place.director) in body and str(place.assistant_director) in body and str(place.officers[0]) in body


def test_a_posts_timeline_shows_who_held_it_when_and_a_holding_ends_on_a_date(council, keeper):
    """Ending a holding records its last day; the post's timeline shows both dates."""
    holding = Membership.objects.get(person=council.groups[1].deputy, post__isnull=False)
    response = keeper.post(
        reverse("people:end-holding", args=[holding.pk]),
        {"reason": "Stood down", **date_fields("end_date", datetime.date(2026, 2, 1))},
    )
    assert response.status_code == 302 and response.url == reverse("people:post", args=[holding.post_id])
    holding.refresh_from_db()
    assert holding.end_date == datetime.date(2026, 2, 1)
    body = keeper.get(reverse("people:post", args=[holding.post_id])).content.decode()
    assert "5 May 2025" in body and "1 February 2026" in body


def test_ending_a_holding_before_it_starts_is_refused_on_the_date(council, keeper):
    """An end before the start is refused, naming the end date."""
    holding = Membership.objects.get(person=council.groups[1].deputy, post__isnull=False)
    response = keeper.post(
        reverse("people:end-holding", args=[holding.pk]),
        {"reason": "Test", **date_fields("end_date", datetime.date(2024, 1, 1))},
    )
    assert response.status_code == 400
    assert "end_date" in response.context["form"].errors


def test_the_lists_pages_keep_the_search_and_filters(council, keeper):
    """Sixty officers make two pages of officers; the link to the next page keeps the filter."""
    for _ in range(60):
        make_person(Person.Kind.OFFICER)
    response = keeper.get(reverse("people:index"), {"kind": "officer", "status": "current"})
    page = response.context["page"]
    assert page.paginator.num_pages == 2
    assert "kind=officer" in response.content.decode().split('rel="next"')[0].rsplit("href=", 1)[1]
    second = keeper.get(reverse("people:index"), {"kind": "officer", "status": "current", "page": 2}).context["page"]
    assert all(p.is_officer for p in second) and second.number == 2


def test_a_persons_record_offers_the_moves_the_workflow_allows_A1(council, client, keeper):
    """Democratic Services are offered "Change the details" (and the other parts' moves once their pages
    exist); the Monitoring Officer reads the same record with no button."""
    officer = council.directorates[0].officers[0]
    url = reverse("people:detail", args=[officer.pk])
    actions = dict(keeper.get(url).context["actions"])
    assert actions["Change the details"] == reverse("people:change", args=[officer.pk])
    assert ("Record that they have left" in actions) is (url_if_any("people:leave", officer.pk) is not None)
    assert ("Invite them to sign in" in actions) is (url_if_any("people:invite", officer.pk) is not None)
    client.force_login(council.monitoring_officer)
    assert client.get(url).context["actions"] == []
