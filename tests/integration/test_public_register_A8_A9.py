"""What others may know of a briefing (A8, A9) comes from one function, ``briefing_facts``: the
published register's page and API show the same group, officers' posts, date and subject, and the
notice to the other groups' leaders names the same officers. Run on PostgreSQL and on SQLite (make test runs the ``sqlite_too`` tests again with DATABASE_URL
unset): the two databases sort a missing post differently, and the register must not depend on it."""

import datetime

import pytest
from django.test import Client
from rest_framework.test import APIClient

from register import selectors
from register.models import Notification, Post
from tests.factories import approved_request, attended
from tests.integration.table_cells import TableCells

pytestmark = pytest.mark.sqlite_too


def page_rows() -> list[list[str]]:
    response = Client().get("/register-of-attendance/")
    assert response.status_code == 200
    cells = TableCells()
    cells.feed(response.content.decode())
    return [[" ".join(cell.split()) for cell in row] for row in cells.rows]


def api_rows() -> list[dict]:
    response = APIClient().get("/api/public/officer-attendance/")
    assert response.status_code == 200
    return response.json()["results"]


def date(iso: str) -> datetime.date:
    return datetime.date.fromisoformat(iso)


def spelt(day: str) -> datetime.date:
    return datetime.datetime.strptime(day, "%d %B %Y").date()


def held(council, clock, officers, subject):
    """An approved briefing that ``officers`` accepted, attended and attested."""
    request = approved_request(council, officers=officers, subject=subject, scope="SECRET-SCOPE of the group")
    attended(request, officers, clock)
    return request


def test_the_published_page_and_the_public_api_show_the_same_facts_of_each_briefing_A8(council, clock):
    place = council.directorates[0]
    held(council, clock, [place.officers[0]], "Flood defences")
    held(council, clock, [place.director, place.officers[1]], "Library closures")

    facts = selectors.published_register()
    assert [fact.subject for fact in facts] == ["Library closures", "Flood defences"], "the latest first"
    expected = [(fact.group, ", ".join(fact.posts), fact.date, fact.subject) for fact in facts]
    by_api = api_rows()
    assert [(row["group"], ", ".join(row["posts"]), date(row["date"]), row["subject"]) for row in by_api] == expected
    on_page = page_rows()
    assert [(group, posts, spelt(day), subject) for group, posts, day, subject, _published in on_page] == expected
    assert "SECRET-SCOPE" not in str(by_api) + str(on_page)


def test_the_other_groups_are_told_the_officers_of_the_same_facts_A8_A9(council, clock):
    place = council.directorates[0]
    request = approved_request(council, officers=[place.director, place.officers[0]], subject="Care home fees")
    fact = selectors.briefing_fact(request)
    assert [officer.name for officer in fact.officers] == sorted(str(o) for o in [place.director, place.officers[0]])

    notice = Notification.objects.get(
        kind="attendance-briefing-notice", channel="email", recipient=council.groups[1].leader
    )
    assert f"Officers: {', '.join(officer.name for officer in fact.officers)}" in notice.body_text
    assert f"Group: {fact.group}" in notice.body_text and f"Subject: {fact.subject}" in notice.body_text
    assert request.scope not in notice.body_text
    seen = selectors.briefing_facts_for_other_groups(viewer=council.groups[1].leader)
    assert seen == [fact]


def test_an_officers_post_is_named_rather_than_their_placement_on_every_database_A8(council, clock):
    """An officer placed in a directorate who also holds a post there is shown by the post's title,
    on the page and in the API alike. SQLite sorts a missing post first and PostgreSQL last, so a
    register that took the first of the officer's holdings named the placement on SQLite."""
    place = council.directorates[0]
    officer = place.officers[0]
    council.appoint(officer, place.organization, Post.Role.OFFICER, "Economic Development Officer", single_holder=False)
    held(council, clock, [officer, place.director], "Town centre regeneration")

    [fact] = selectors.published_register()
    posts = {attending.name: attending.post for attending in fact.officers}
    assert posts == {str(officer): "Economic Development Officer", str(place.director): "Director of Place"}
    [row] = api_rows()
    assert sorted(row["posts"]) == sorted(posts.values())
    [[_group, on_page, _date, _subject, _published]] = page_rows()
    assert on_page == ", ".join(fact.posts) == ", ".join(row["posts"])
    assert "Officer, Place" not in on_page


def test_a_placement_names_the_directorate_of_an_officer_with_no_post_A8(council, clock):
    officer = council.directorates[1].officers[0]
    held(council, clock, [officer], "Council tax support")
    [row] = api_rows()
    assert row["posts"] == ["Officer, Resources"]
    assert page_rows()[0][1] == "Officer, Resources"
