"""The in-app inbox: each person sees their own delivered notices, how many are unread, and marks
them read; anyone else's notice is not found."""

import datetime

import pytest
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext

from register import selectors
from register.errors import NotFound
from register.models import Notification
from register.services import people
from register.services.notifications import notice_mark_read, notify
from register.services.system import system_user

DAY = datetime.date(2026, 3, 3)
IN_APP = Notification.Channel.IN_APP


@pytest.fixture
def absence(council, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        return people.absence_record(actor=council.chief_executive, reason="Leave", start_date=DAY, end_date=DAY)


def tell(recipient, absence, how_many, django_capture_on_commit_callbacks, channels=(IN_APP,)):
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        for number in range(how_many):
            notify(
                cause=f"inbox-test:{number}",
                kind="absence-recorded",
                recipients=[recipient],
                about=absence,
                actor=absence.recorded_by,
                context={"absence": absence},
                channels=channels,
            )


def test_the_inbox_holds_only_the_viewers_own_delivered_in_app_notices(council, absence):
    deputy = council.deputy_chief_executive
    [notice] = selectors.inbox(deputy)
    assert (notice.recipient, notice.channel, notice.status) == (deputy, "in-app", "sent")
    assert list(selectors.inbox(council.chief_executive)) == []
    assert selectors.unread_count(deputy) == 1
    with pytest.raises(NotFound):
        selectors.notice_in_inbox(council.chief_executive, notice.pk)
    email = Notification.objects.get(channel="email")
    with pytest.raises(NotFound):
        selectors.notice_in_inbox(deputy, email.pk)


def test_marking_a_notice_read_keeps_who_and_why_and_marking_it_again_changes_nothing(council, absence):
    deputy = council.deputy_chief_executive
    notice = selectors.notice_in_inbox(deputy, Notification.objects.get(channel=IN_APP).pk)

    notice_mark_read(notice=notice, actor=deputy, reason="Read in the register")
    notice_mark_read(notice=notice, actor=deputy, reason="Read in the register")

    notice.refresh_from_db()
    assert notice.read_at is not None
    assert selectors.unread_count(deputy) == 0
    read = notice.history.filter(history_change_reason="Read in the register")
    assert [(row.history_user, row.read_at) for row in read] == [(deputy, notice.read_at)]


def test_nobody_can_mark_someone_elses_notice_read(council, absence):
    notice = Notification.objects.get(channel=IN_APP)
    with pytest.raises(NotFound):
        notice_mark_read(notice=notice, actor=council.chief_executive, reason="Read in the register")
    notice.refresh_from_db()
    assert notice.read_at is None


def test_the_inbox_page_shows_the_unread_count_and_marks_a_notice_read(council, absence, client):
    deputy = council.deputy_chief_executive
    notice = Notification.objects.get(channel=IN_APP)
    client.force_login(deputy)

    page = client.get("/notices/").content.decode()
    assert "You have 1 unread notice." in page
    assert notice.subject in page

    response = client.post(f"/notices/{notice.pk}/read/", {"page": "1"})
    assert response.status_code == 302 and response["Location"] == "/notices/?page=1"
    assert "You have no unread notices." in client.get("/notices/").content.decode()
    assert notice.history.latest().history_user == deputy


def test_someone_elses_notice_is_not_found_on_the_page(council, absence, client):
    notice = Notification.objects.get(channel=IN_APP)
    client.force_login(council.chief_executive)
    assert client.post(f"/notices/{notice.pk}/read/").status_code == 404
    assert notice.subject not in client.get("/notices/").content.decode()
    notice.refresh_from_db()
    assert notice.read_at is None


def test_marking_read_is_a_csrf_protected_post(council, absence):
    notice = Notification.objects.get(channel=IN_APP)
    client = Client(enforce_csrf_checks=True)
    client.force_login(council.deputy_chief_executive)
    assert client.post(f"/notices/{notice.pk}/read/").status_code == 403
    assert client.get(f"/notices/{notice.pk}/read/").status_code == 405
    notice.refresh_from_db()
    assert notice.read_at is None


def test_the_inbox_asks_who_you_are_first(client):
    response = client.get("/notices/")
    assert response.status_code == 302 and response["Location"].startswith("/sign-in/")


@pytest.mark.parametrize("how_many", [5, 50])
def test_the_inbox_page_costs_the_same_queries_for_5_notices_as_for_50(
    council, absence, client, how_many, django_capture_on_commit_callbacks
):
    officer = council.directorates[0].officers[0]
    tell(officer, absence, how_many, django_capture_on_commit_callbacks)
    client.force_login(officer)
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/notices/")
    assert response.content.decode().count("<article") == how_many
    # The session, the person with their posts today (for the navigation), the page count, the page of
    # notices with their actors, the unread count.
    assert len(queries) == 5, [q["sql"][:90] for q in queries]


def test_a_notices_plain_text_is_not_html_escaped_and_the_inbox_escapes_it_once(council, client):
    from register.services.history import save_with_history
    from tests.integration.declaration_helpers import declare

    member = council.groups[0].members[0]
    member.last_name = "O'Brien"
    save_with_history(member, actor=system_user(), reason="Test data", update_fields=["last_name"])
    officer = council.directorates[0].officers[0]
    declare(member, officer)
    notice = Notification.objects.get(recipient=officer, channel=IN_APP)
    assert notice.subject.startswith(f"{member.first_name} O'Brien has declared")
    assert "other's homes" in notice.body_text and "&#x27;" not in notice.body_text
    email = Notification.objects.get(recipient=officer, channel=Notification.Channel.EMAIL)
    assert "O&#x27;Brien" in email.body_html  # the HTML part stays escaped
