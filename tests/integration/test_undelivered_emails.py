"""The e-mails that did not arrive (issue 22's follow-up): Democratic Services' page and the API list every
e-mail notice that failed, whose receipt says it failed, or that waited longer than the sweep allows; to
anyone else the list does not exist. Sending one again needs a reason, is refused for a delivered e-mail,
and starts a new send with its own reference, the earlier receipt kept in the history."""

import pytest
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

from register.services import delivery
from tests.integration.notice_helpers import failed, sent_with, waiting

pytestmark = [pytest.mark.integration, pytest.mark.django_db]

PAGE = reverse("notices-undelivered")
API = "/api/notices/undelivered/"
SIZES = [5, 30]
# The session, the person with their standing (one statement), then the page's count and its rows.
PAGE_QUERIES = 4
# The caller's standing; the page with its count, in one statement.
API_QUERIES = 2


def signed_in(person) -> Client:
    client = Client()
    client.force_login(person)
    return client


def api_as(person) -> APIClient:
    client = APIClient()
    client.force_authenticate(person)
    return client


def listed(client) -> set[int]:
    return {row["id"] for row in client.get(API, {"page_size": 100}).json()["results"]}


def test_the_list_holds_every_email_that_did_not_arrive_and_nothing_that_did(council):
    """Failed; sent with a permanent, temporary or technical failure; pending or sending past the sweep's
    threshold. Not: delivered, sent without a receipt, pending within the threshold, nor a notice in the
    register."""
    person = council.deputy_chief_executive
    may_send_again = {
        failed(person, 1).pk,
        sent_with(person, "permanent-failure", 2).pk,
        sent_with(person, "temporary-failure", 3).pk,
        sent_with(person, "technical-failure", 4).pk,
    }
    # Waiting too long: listed, but the sweep re-queues them; they are not sent again by hand.
    stuck = {
        waiting(person, "pending", minutes_ago=30, number=5).pk,
        waiting(person, "sending", minutes_ago=30, number=6).pk,
    }
    sent_with(person, "delivered", 7)
    sent_with(person, "", 8)
    waiting(person, "pending", minutes_ago=1, number=9)
    assert listed(api_as(council.democratic_services)) == may_send_again | stuck

    page = signed_in(council.democratic_services).get(PAGE).content.decode()
    assert page.count(reverse("people:detail", args=[person.pk])) == len(may_send_again | stuck)
    assert "SMTPServerDisconnected" in page and "The inbox was full or out of reach" in page
    linked = {pk for pk in may_send_again | stuck if reverse("notice-send-again", args=[pk]) in page}
    assert linked == may_send_again


def test_democratic_services_and_an_administrator_see_the_list_and_its_navigation_item(council, admin_user):
    for person in (council.democratic_services, admin_user):
        client = signed_in(person)
        assert client.get(PAGE).status_code == 200
        assert api_as(person).get(API).status_code == 200
    assert PAGE in signed_in(council.democratic_services).get(reverse("home")).content.decode()


@pytest.mark.parametrize("role", ["leader", "officer", "auditor", "chief_executive"])
def test_the_list_is_not_found_for_a_leader_an_officer_or_an_auditor(council, role):
    """To anyone who does not look after deliveries the list does not exist (404), nor its navigation item,
    nor a notice's send-again page."""
    person = {
        "leader": council.groups[0].leader,
        "officer": council.directorates[0].officers[0],
        "auditor": council.auditor,
        "chief_executive": council.chief_executive,
    }[role]
    notice = failed(council.deputy_chief_executive)
    client = signed_in(person)
    assert client.get(PAGE).status_code == 404
    assert client.get(reverse("notice-send-again", args=[notice.pk])).status_code == 404
    assert PAGE not in client.get(reverse("home")).content.decode()
    api = api_as(person)
    assert api.get(API).status_code == 404
    refused = api.post(f"{API}{notice.pk}/send-again/", {"reason": "Try"}, format="json")
    assert refused.status_code == 404
    notice.refresh_from_db()
    assert (notice.status, notice.sends) == ("failed", 1)


@pytest.mark.parametrize("how_many", SIZES)
def test_the_list_costs_a_fixed_number_of_queries_whatever_its_length(council, how_many, django_assert_num_queries):
    """The page and the API cost the same number of queries at 5 and at 30 rows (the page holds 50)."""
    people = [council.deputy_chief_executive, council.monitoring_officer, *council.directorates[0].officers]
    for number in range(how_many):
        person = people[number % len(people)]
        if number % 2:
            failed(person, number)
        else:
            sent_with(person, "permanent-failure", number)
    client = signed_in(council.democratic_services)
    client.get(PAGE)
    with django_assert_num_queries(PAGE_QUERIES):
        response = client.get(PAGE)
    assert response.content.decode().count('<tr class="govuk-table__row">') - 1 == how_many
    api = api_as(council.democratic_services)
    api.get(API)
    with django_assert_num_queries(API_QUERIES):
        answer = api.get(API)
    assert answer.status_code == 200 and answer.json()["count"] == how_many


def test_sending_again_without_a_reason_is_refused_naming_the_reason(council):
    notice = failed(council.deputy_chief_executive)
    client = signed_in(council.democratic_services)
    refused = client.post(reverse("notice-send-again", args=[notice.pk]), {"reason": "  "})
    assert refused.status_code == 400 and "Say why it is sent again" in refused.content.decode()
    answer = api_as(council.democratic_services).post(f"{API}{notice.pk}/send-again/", {"reason": ""}, format="json")
    assert answer.status_code == 400 and "reason" in answer.json()["errors"]
    notice.refresh_from_db()
    assert (notice.status, notice.sends) == ("failed", 1)


def test_a_delivered_email_is_not_sent_again_naming_the_receipt(council):
    notice = sent_with(council.deputy_chief_executive, "delivered")
    client = signed_in(council.democratic_services)
    assert client.get(reverse("notice-send-again", args=[notice.pk])).status_code == 409
    assert client.post(reverse("notice-send-again", args=[notice.pk]), {"reason": "Again"}).status_code == 409
    answer = api_as(council.democratic_services).post(
        f"{API}{notice.pk}/send-again/", {"reason": "Again"}, format="json"
    )
    assert answer.status_code == 409
    assert "delivered" in answer.json()["errors"]["receipt"][0]
    notice.refresh_from_db()
    assert (notice.status, notice.receipt, notice.sends) == ("sent", "delivered", 1)


def test_sending_again_is_a_new_send_with_its_own_reference_and_the_old_receipt_kept_in_the_history(
    council, django_capture_on_commit_callbacks
):
    """Democratic Services send again an e-mail Notify said it could not deliver: pending, its second send
    (reference notice-<id>-2), fresh attempts, the receipt cleared; the history says who, why, and keeps
    the receipt it had; it is queued after the commit."""
    notice = sent_with(council.deputy_chief_executive, "permanent-failure")
    client = signed_in(council.democratic_services)
    with django_capture_on_commit_callbacks() as queued:
        response = client.post(reverse("notice-send-again", args=[notice.pk]), {"reason": "Address corrected"})
    assert response.status_code == 302 and response.url == PAGE
    assert len(queued) == 1
    notice.refresh_from_db()
    assert (notice.status, notice.sends, notice.attempts, notice.receipt, notice.provider_id) == (
        "pending",
        2,
        0,
        "",
        "",
    )
    assert notice.reference == f"notice-{notice.pk}-2"
    sent_again, before = notice.history.all()[:2]
    assert sent_again.history_user == council.democratic_services
    assert sent_again.history_change_reason == "Address corrected"
    assert before.receipt == "permanent-failure" and before.sends == 1


def test_an_administrator_sends_a_failed_notice_again_through_the_api(council, admin_user):
    notice = failed(council.deputy_chief_executive)
    answer = api_as(admin_user).post(f"{API}{notice.pk}/send-again/", {"reason": "The server is back"}, format="json")
    assert answer.status_code == 200, answer.content
    body = answer.json()
    assert (body["delivery_status"], body["sends"], body["reference"]) == ("pending", 2, f"notice-{notice.pk}-2")
    assert notice.history.first().history_user == admin_user


def test_the_admins_action_sends_again_too_and_says_so_in_the_history(council, admin_user):
    notice = failed(council.deputy_chief_executive)
    delivery.notice_retry(notice=notice, actor=admin_user, reason="Retried by hand in the admin")
    notice.refresh_from_db()
    assert (notice.status, notice.sends) == ("pending", 2)
