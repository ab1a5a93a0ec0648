"""Democratic Services keep the council's people, groups and posts in the register's own pages, in a
real Chromium (issue 17): in the demo council they add an officer with a line manager, set a group's
new leader, and see the post's timeline. Every page reads well at 1,280 and at 320 px."""

import datetime

import pytest
from django.core.management import call_command

from register import selectors
from register.models import Person, Post
from tests.e2e.conftest import assert_reads_well

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]
PASSWORD = "demo-register-2026"


def sign_in(page, base_url, username):
    page.set_default_timeout(10_000)
    page.goto(f"{base_url}/sign-in/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"{base_url}/")


def fill_date(page, legend, day: datetime.date):
    group = page.get_by_role("group", name=legend)
    group.get_by_label("Day").fill(str(day.day))
    group.get_by_label("Month").fill(str(day.month))
    group.get_by_label("Year").fill(str(day.year))


def heading(page) -> str:
    return page.get_by_role("heading", level=1).inner_text()


def test_democratic_services_add_an_officer_set_a_group_leader_and_see_the_posts_timeline_A1(
    live_server, page_at_width
):
    """Democratic Services add an officer with a directorate, a post and a line manager; set a new
    leader of a group from today (the old leader's holding ends yesterday); and read the post's timeline."""
    page = page_at_width
    call_command("seed_demo")
    base = live_server.url
    today = selectors.today()
    director = Person.objects.get(username="director-3")
    new_leader = Person.objects.get(username="member-1")
    old_leader = Person.objects.get(username="leader-1")

    sign_in(page, base, "democratic-services")
    page.get_by_role("button", name="Manage people").click()
    page.wait_for_url(f"{base}/people/")
    assert heading(page) == "People"
    assert_reads_well(page)

    # An officer, with their directorate, a new post and a line manager: saved together.
    page.get_by_role("button", name="Add a person").click()
    assert heading(page) == "Add a person"
    assert_reads_well(page)
    page.get_by_role("button", name="Add the person").click()
    assert page.title().startswith("Error: ")
    assert page.get_by_role("alert").get_by_text("Enter the given name").is_visible()
    assert_reads_well(page)
    page.get_by_label("Given name").fill("Siân")
    page.get_by_label("Family name").fill("Ó Briain")
    page.get_by_label("E-mail address").fill("sian.obriain@council.example")
    page.get_by_label("Officer", exact=True).check()
    page.get_by_label("Directorate (officers)").select_option(label="Place and Economy")
    page.get_by_label("Post (officers, optional)").fill("Planning Enforcement Officer")
    page.get_by_label("Line manager (officers, optional)").select_option(label=str(director))
    fill_date(page, "From", today)
    page.get_by_label("Reason").fill("Started in Planning")
    page.get_by_role("button", name="Add the person").click()
    page.wait_for_load_state()
    assert heading(page) == "Siân Ó Briain"
    assert page.locator("#line-manager").inner_text() == str(director)
    assert "Planning Enforcement Officer" in page.locator("#details").inner_text()
    assert_reads_well(page)
    page.get_by_role("button", name="Change the details").click()
    assert heading(page) == "Change Siân Ó Briain's details"
    assert_reads_well(page)

    # A new leader of the Labour Group from today.
    page.goto(f"{base}/people/groups/")
    assert_reads_well(page)
    page.get_by_role("link", name="Labour Group").click()
    assert heading(page) == "Labour Group"
    assert_reads_well(page)
    page.get_by_role("button", name="Set the leader").click()
    assert_reads_well(page)
    page.get_by_label("Who is the leader?").select_option(label=str(new_leader))
    fill_date(page, "From", today)
    page.get_by_label("Reason for the change").fill("Elected at the group's annual meeting")
    page.get_by_role("button", name="Set the leader").click()
    page.wait_for_load_state()
    assert heading(page) == "Labour Group"
    assert page.locator("#first").inner_text().startswith(str(new_leader))
    labour = Post.objects.get(label="Leader of the Labour Group").organization
    assert selectors.holder_of(Post.Role.GROUP_LEADER, today, labour) == new_leader

    # The post's timeline: the old leader to yesterday, the new one from today.
    page.locator("#leading-history").get_by_role("link", name="Leader of the Labour Group").first.click()
    assert heading(page) == "Leader of the Labour Group"
    timeline = page.locator("#post-timeline").inner_text()
    assert str(old_leader) in timeline and str(new_leader) in timeline
    assert f"{today - datetime.timedelta(days=1):%-d %B %Y}" in timeline
    assert_reads_well(page)

    for address in ("/people/directorates/", "/people/posts/", "/people/groups/add/"):
        page.goto(f"{base}{address}")
        assert_reads_well(page)
    page.goto(f"{base}/people/directorates/")
    page.get_by_role("link", name="Place and Economy").click()
    assert "Siân Ó Briain" in page.locator("#members").inner_text()
    assert_reads_well(page)


def test_the_monitoring_officer_reads_the_people_pages_without_changing_them_A1(live_server, page_at_width):
    """The Monitoring Officer finds "People" in the navigation and reads a record, offered no change."""
    page = page_at_width
    call_command("seed_demo")
    sign_in(page, live_server.url, "monitoring-officer")
    page.goto(f"{live_server.url}/people/")
    assert heading(page) == "People"
    assert page.get_by_role("button", name="Add a person").count() == 0
    assert_reads_well(page)
    page.get_by_label("Name or e-mail").fill("director-3")
    page.get_by_role("button", name="Search").click()
    page.wait_for_load_state()
    page.locator("#people").get_by_role("link").first.click()
    assert page.get_by_role("button", name="Change the details").count() == 0
    assert_reads_well(page)
