"""The notices API: the caller's own in-app notices by cursor, the unread count, marking read;
anyone else's notice is not found."""

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from register.models import Notification
from register.services.delivery import deliver
from register.services.notifications import notify


def api(person) -> APIClient:
    client = APIClient()
    client.force_authenticate(person)
    return client


def tell(person, how_many, start=0):
    with transaction.atomic():
        notices = []
        for number in range(start, start + how_many):
            notices += notify(
                cause=f"api-notice-test:{number}",
                kind="declarations-confirmation-due",
                recipients=[person],
                about=person,
                actor=None,
                channels=[Notification.Channel.IN_APP],
                context={"due_on": "1 June 2026", "what_counts": [], "what_does_not_count": []},
            )
    for notice in notices:
        deliver(notice.pk)
    return notices


def test_the_inbox_lists_the_callers_notices_newest_first_by_cursor(council):
    officer = council.directorates[0].officers[0]
    notices = tell(officer, 3)
    tell(council.chief_executive, 2)
    client = api(officer)
    first = client.get("/api/notices/", {"page_size": 2}).json()
    assert [row["id"] for row in first["results"]] == [notices[2].pk, notices[1].pk]
    assert first["results"][0]["read"] is False and first["results"][0]["subject"]
    second = client.get(first["next"]).json()
    assert [row["id"] for row in second["results"]] == [notices[0].pk] and second["next"] is None
    assert client.get("/api/notices/", {"cursor": "not-a-cursor"}).status_code == 404


def test_marking_a_notice_read_counts_it_read_and_keeps_who_did_it(council):
    officer = council.directorates[0].officers[0]
    [first, second] = tell(officer, 2)
    client = api(officer)
    assert client.get("/api/notices/unread-count/").json() == {"unread": 2}

    response = client.post(f"/api/notices/{first.pk}/read/")
    assert response.status_code == 200 and response.json()["read"] is True
    assert client.get("/api/notices/unread-count/").json() == {"unread": 1}
    assert [row["id"] for row in client.get("/api/notices/", {"unread": "true"}).json()["results"]] == [second.pk]
    assert [row["id"] for row in client.get("/api/notices/", {"unread": "false"}).json()["results"]] == [first.pk]
    first.refresh_from_db()
    latest = first.history.latest()
    assert (latest.history_user, latest.history_change_reason) == (officer, "Read through the API")


def test_someone_elses_notice_is_not_found(council):
    [notice] = tell(council.chief_executive, 1)
    client = api(council.directorates[0].officers[0])
    assert client.get(f"/api/notices/{notice.pk}/").status_code == 404
    assert client.post(f"/api/notices/{notice.pk}/read/").status_code == 404
    notice.refresh_from_db()
    assert notice.read_at is None


def test_a_filter_given_a_value_it_cannot_use_is_refused(council):
    response = api(council.auditor).get("/api/notices/", {"unread": "perhaps"})
    assert response.status_code == 400 and "unread" in response.json()["errors"]


def test_the_inbox_costs_the_same_queries_at_5_and_at_50_notices(council):
    officer = council.directorates[0].officers[0]
    client = api(officer)

    def count():
        with CaptureQueriesContext(connection) as captured:
            response = client.get("/api/notices/", {"page_size": 200})
        return len(captured), len(response.json()["results"])

    tell(officer, 5)
    at_5 = count()
    tell(officer, 45, start=5)
    assert count() == (at_5[0], 50) and at_5[1] == 5


@pytest.mark.parametrize("url", ["/api/notices/", "/api/notices/unread-count/"])
def test_the_inbox_asks_who_you_are_first(db, url):
    assert APIClient().get(url).status_code == 401


def test_a_notice_gives_the_page_where_its_reader_acts_as_an_absolute_address(council, settings):
    """Issue 16, point 3: the API carries the same link as the inbox and the e-mail."""
    officer = council.directorates[0].officers[0]
    [notice] = tell(officer, 1)
    [row] = api(officer).get("/api/notices/").json()["results"]
    assert row["id"] == notice.pk
    assert row["link"] == f"{settings.SITE_URL}/declarations/confirm/"
