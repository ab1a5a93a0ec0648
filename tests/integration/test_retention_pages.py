"""The retention pages and API (issue 21): the schedule, legal holds, disposal runs and a run's page, for
the Monitoring Officer (who changes them) and those who read them; each list at a fixed number of queries;
and an erased declaration, concern or complaint still opens, saying its fields were erased."""

import datetime

import pytest
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

from register import retention
from register.models import DisposalRun, RetentionRule
from register.services import retention as services
from register.services.audit.access_log import record_read
from register.services.conduct import complaints as complaint_services
from register.services.conduct import concerns as concern_services
from register.services.declarations import declaration_end
from tests.integration import complaint_helpers
from tests.integration.concern_helpers import raise_concern
from tests.integration.declaration_helpers import declare

SIZES = [2, 12]
PAGE_QUERIES = 4  # the session, the person with their standing (one statement), then the page's own
API_QUERIES = 2  # the caller's standing; the page with its count, in one statement


def signed_in(person) -> Client:
    client = Client()
    client.force_login(person)
    return client


def api_as(person) -> APIClient:
    client = APIClient()
    client.force_authenticate(person)
    return client


def test_the_schedule_page_shows_the_periods_and_the_monitoring_officer_changes_one(council, clock):
    """The page lists every kind with its period, minimum, what is erased and what stays; a period below
    the minimum is refused on the months field with the schedule's words; one above it is set."""
    client = signed_in(council.monitoring_officer)
    page = client.get(reverse("retention:schedule")).content.decode()
    for kind in retention.KINDS:
        assert kind.label in page
    refused = client.post(
        reverse("retention:schedule"), {"record_kind": "declaration", "months": "12", "reason": "Shorter"}
    )
    assert refused.status_code == 400 and "may not be shorter than 6 years" in refused.content.decode()
    set_ = client.post(reverse("retention:schedule"), {"record_kind": "notice", "months": "36", "reason": "Longer"})
    assert set_.status_code == 302
    assert "3 years" in client.get(reverse("retention:schedule")).content.decode()


def test_the_retention_pages_do_not_exist_for_people_who_do_not_read_them(council):
    for name in ("retention:schedule", "retention:holds", "retention:runs"):
        assert signed_in(council.groups[0].leader).get(reverse(name)).status_code == 404
        assert signed_in(council.auditor).get(reverse(name)).status_code == 200


def test_the_deputy_reads_the_schedule_but_has_no_form_and_a_post_changes_nothing(council):
    """Only the Monitoring Officer changes the schedule: the deputy sees no form, and a post sets nothing."""
    client = signed_in(council.deputy_monitoring_officer)
    assert "Change a period" not in client.get(reverse("retention:schedule")).content.decode()
    client.post(reverse("retention:schedule"), {"record_kind": "notice", "months": "36", "reason": "Longer"})
    assert not RetentionRule.objects.exists()


def rejected_runs(council, how_many):
    for number in range(how_many):
        run = services.disposal_run_propose(
            actor=council.monitoring_officer, as_of=datetime.date(2026, 1, 1) + datetime.timedelta(days=number)
        )
        services.disposal_run_reject(actor=council.monitoring_officer, run=run, reason="Not now")


def holds(council, how_many):
    for number in range(how_many):
        entry = record_read(reader=council.auditor, record_kind="declaration", record_id=number + 1, via="test")
        services.legal_hold_place(
            actor=council.monitoring_officer,
            record_kind="access-log",
            record_id=str(entry.pk),
            reason=f"Claim {number}",
        )


def rows_shown(response) -> int:
    return response.content.decode().count('<tr class="govuk-table__row">') - 1


@pytest.mark.parametrize("how_many", SIZES)
@pytest.mark.parametrize(
    ("make", "page", "endpoint"),
    [(rejected_runs, "retention:runs", "/api/retention/runs/"), (holds, "retention:holds", "/api/retention/holds/")],
)
def test_the_runs_and_holds_lists_cost_a_fixed_number_of_queries(
    council, clock, how_many, make, page, endpoint, django_assert_num_queries
):
    """The disposal runs (with their items counted) and the legal holds, page and API, cost the same number of
    queries at 2 and at 12 rows."""
    make(council, how_many)
    client = signed_in(council.monitoring_officer)
    client.get(reverse(page))
    with django_assert_num_queries(PAGE_QUERIES):
        response = client.get(reverse(page))
    assert rows_shown(response) == how_many
    api = api_as(council.monitoring_officer)
    api.get(endpoint)
    with django_assert_num_queries(API_QUERIES):
        answer = api.get(endpoint)
    assert answer.status_code == 200 and answer.json()["count"] == how_many


@pytest.fixture
def erased(council, clock):
    """A declaration ended, a concern withdrawn and a complaint withdrawn in March 2026, erased by a disposal
    run seven years on."""
    officer, member = council.directorates[0].officers[0], council.groups[0].members[0]
    declaration = declare(officer, member)
    declaration = declaration_end(
        actor=officer, reason="Ended", declaration=declaration, ended_on=datetime.date(2026, 3, 1)
    )
    concern = raise_concern(member, officer, information=False)
    concern = concern_services.concern_withdraw(concern=concern, actor=member, reason="Sorted out between us")
    complaint = complaint_helpers.record(council, member=council.groups[1].members[0])
    complaint = complaint_services.complaint_withdraw(
        actor=council.monitoring_officer, reason="Withdrawn by the complainant", complaint=complaint
    )
    clock.advance(days=7 * 366)
    run = services.disposal_run_propose(actor=council.monitoring_officer)
    services.disposal_run_approve(actor=council.monitoring_officer, run=run, reason="Checked")
    run = services.disposal_run_execute(run=run)
    assert run.state == DisposalRun.State.DONE
    assert run.items.filter(outcome="erased", record_kind__in=["declaration", "concern", "complaint"]).count() == 3
    return {"declaration": declaration, "concern": concern, "complaint": complaint, "run": run, "officer": officer}


def test_an_erased_declaration_concern_and_complaint_open_saying_they_were_erased(council, erased):
    """The pages of erased records do not break on their empty fields: they say what was erased."""
    pages = [
        (erased["officer"], reverse("declarations:detail", args=[erased["declaration"].pk])),
        (council.monitoring_officer, reverse("concerns:detail", args=[erased["concern"].pk])),
        (council.monitoring_officer, reverse("complaints:detail", args=[erased["complaint"].pk])),
        (council.monitoring_officer, reverse("complaints:list")),
        (council.monitoring_officer, reverse("concerns:index")),
        (council.monitoring_officer, reverse("retention:run", args=[erased["run"].pk])),
    ]
    for person, address in pages:
        response = signed_in(person).get(address)
        assert response.status_code == 200, address
    for person, address in pages[:3]:
        shown = signed_in(person).get(address).content.decode()
        assert retention.ERASED in shown, address
        assert "with None" not in shown and "None (" not in shown and "Nobody in particular" not in shown, address


def test_the_api_shows_the_schedule_and_refuses_a_period_below_the_minimum_naming_months(council):
    api = api_as(council.monitoring_officer)
    schedule = api.get("/api/retention/schedule/").json()
    assert [row["record_kind"] for row in schedule] == [kind.key for kind in retention.KINDS]
    refused = api.post("/api/retention/schedule/declaration/", {"months": 12, "reason": "Shorter"}, format="json")
    assert refused.status_code == 400 and "months" in refused.content.decode()
    assert refused["Content-Type"].startswith("application/problem+json")
    assert (
        api.post("/api/retention/schedule/notice/", {"months": 36, "reason": "Longer"}, format="json").json()["months"]
        == 36
    )
    deputy = api_as(council.deputy_monitoring_officer)
    assert (
        deputy.post("/api/retention/schedule/notice/", {"months": 48, "reason": "x"}, format="json").status_code == 403
    )
    assert api_as(council.groups[0].leader).get("/api/retention/schedule/").status_code == 404


def test_the_api_proposes_approves_and_shows_a_run(council, clock):
    api = api_as(council.monitoring_officer)
    run = api.post("/api/retention/runs/", {}, format="json")
    assert run.status_code == 201 and run.json()["state"] == "proposed"
    pk = run.json()["id"]
    assert api.post(f"/api/retention/runs/{pk}/approve/", {}, format="json").status_code == 400
    approved = api.post(f"/api/retention/runs/{pk}/approve/", {"reason": "Checked"}, format="json")
    assert approved.status_code == 200
    assert api.get(f"/api/retention/runs/{pk}/").json()["state"] in ("approved", "done")
    assert api.post(f"/api/retention/runs/{pk}/reject/", {"reason": "Too late"}, format="json").status_code == 409
