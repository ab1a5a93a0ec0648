"""The audit pages (C2): the timeline and its CSV export for auditors, each record's history for
auditors and those who may see the record, "page not found" for everyone else; costs that do not
grow with the rows shown; keyset pages however deep."""

import csv
import datetime
import io
import math

import pytest
from django.db import connection
from django.http import StreamingHttpResponse
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from register.models import HistoryLink, Person
from register.services.history import save_with_history
from tests.factories import make_person, submit_request
from tests.integration.declaration_helpers import declare, review

SIZES = [5, 50]
SIGNED_IN = 2  # the session; the person with their posts today (for the navigation), in one statement


def signed_in(person) -> Client:
    client = Client()
    client.force_login(person)
    return client


def rows_shown(response) -> int:
    return response.content.decode().count('<tr class="govuk-table__row">') - 1  # less the header


def rename(organization, actor, times: int, reason: str = "Renamed for the test", at: datetime.datetime | None = None):
    for number in range(times):
        organization.name = f"{organization.name.split(' #')[0]} #{number}"
        if at is not None:
            organization._history_date = at  # simple-history dates the row by this, if given
        save_with_history(organization, actor=actor, reason=f"{reason} {number}", update_fields=["name"])


def csv_rows(response) -> list[dict]:
    text = b"".join(response.streaming_content).decode("utf-8")
    return list(csv.DictReader(io.StringIO(text)))


# --- Who gets which page ---------------------------------------------------------------------


@pytest.mark.parametrize("role", ["member", "group_leader", "officer", "chief_executive", "monitoring_officer"])
def test_only_auditors_get_the_timeline_and_its_export_others_find_nothing_C2(council, role):
    people = {
        "member": council.groups[0].members[0],
        "group_leader": council.groups[0].leader,
        "officer": council.directorates[0].officers[0],
        "chief_executive": council.chief_executive,
        "monitoring_officer": council.monitoring_officer,
    }
    client = signed_in(people[role])
    assert client.get("/history/").status_code == 404
    assert client.get("/history/export.csv").status_code == 404


def test_the_auditor_reads_the_timeline_with_who_what_when_and_why_C2(council, auditor):
    member = council.groups[0].members[0]
    declaration = declare(member, make_person(Person.Kind.OFFICER))
    response = signed_in(auditor).get("/history/")
    assert response.status_code == 200
    page = response.content.decode()
    assert "Audit timeline" in page and f"/history/declaration/{declaration.pk}/" in page
    assert "Declared in the register" in page and member.name in page


def test_signing_in_is_needed_for_every_audit_page(council):
    declaration = declare(council.groups[0].members[0], make_person(Person.Kind.OFFICER))
    for url in ["/history/", "/history/export.csv", f"/history/declaration/{declaration.pk}/"]:
        assert Client().get(url).status_code == 302


def test_the_navigation_offers_the_timeline_to_auditors_only_C2(council, auditor, monitoring_officer):
    assert 'href="/history/"' in signed_in(auditor).get("/").content.decode()
    assert 'href="/history/"' not in signed_in(monitoring_officer).get("/").content.decode()


# --- Filters ----------------------------------------------------------------------------------


def test_the_timeline_filters_by_record_type_person_and_dates_C2(council, auditor):
    leader = council.groups[0].leader
    organization = council.groups[0].organization
    rename(organization, leader, 2, reason="Leader's rename")
    rename(organization, council.chief_executive, 1, reason="Chief Executive's rename")
    later_moment = timezone.now() + datetime.timedelta(days=3)  # history is written in time order
    rename(organization, leader, 1, reason="Later rename", at=later_moment)
    client = signed_in(auditor)

    by_leader = client.get("/history/", {"record_type": "organization", "person": leader.pk}).content.decode()
    assert by_leader.count("Leader&#x27;s rename") == 2 and "Later rename" in by_leader
    assert "Chief Executive&#x27;s rename" not in by_leader

    later = timezone.localdate(later_moment)
    dated = client.get(
        "/history/",
        {"record_type": "organization", "since_0": later.day, "since_1": later.month, "since_2": later.year},
    ).content.decode()
    assert "Later rename" in dated and "Leader&#x27;s rename" not in dated

    until = later - datetime.timedelta(days=1)
    earlier = client.get(
        "/history/",
        {"record_type": "organization", "until_0": until.day, "until_1": until.month, "until_2": until.year},
    ).content.decode()
    assert "Leader&#x27;s rename" in earlier and "Later rename" not in earlier


def test_a_links_date_never_goes_back_along_the_chain_so_dates_are_ranges_of_positions_C2(council):
    """A writer that stamped its row before another's but took the chain's lock after it is filed
    at the other's time: the timeline's dates never go back, and its own row keeps its true date."""
    organization = council.groups[0].organization
    rename(organization, council.groups[0].leader, 1, at=timezone.now() + datetime.timedelta(hours=2))
    rename(organization, council.groups[0].leader, 1, reason="Stamped earlier", at=timezone.now())
    ahead, behind = HistoryLink.objects.order_by("-position")[1], HistoryLink.objects.order_by("-position")[0]
    assert behind.history_date == ahead.history_date
    row = organization.history.get(history_id=int(behind.row_id))
    assert row.history_date < ahead.history_date
    dates = list(
        HistoryLink.objects.order_by("position").exclude(history_date=None).values_list("history_date", flat=True)
    )
    assert dates == sorted(dates)


def test_a_timeline_filter_in_error_is_named_in_the_error_summary_with_status_400_C2(council, auditor):
    response = signed_in(auditor).get("/history/", {"since_0": "1", "since_1": "", "since_2": "2026"})
    assert response.status_code == 400
    assert "govuk-error-summary" in response.content.decode()


# --- Keyset pagination ------------------------------------------------------------------------


def test_a_deep_page_of_the_timeline_is_read_by_keyset_not_offset_C2(council, auditor):
    rename(council.groups[0].organization, council.groups[0].leader, 120)
    client = signed_in(auditor)
    first = client.get("/history/").content.decode()
    older = first.split("older=")[1].split('"')[0]
    with CaptureQueriesContext(connection) as queries:
        deep = client.get("/history/", {"older": older})
    assert deep.status_code == 200
    sql = [query["sql"] for query in queries.captured_queries if "register_historylink" in query["sql"]]
    assert sql and all("OFFSET" not in statement.upper() for statement in sql)
    assert any(f'"position" < {older}' in statement for statement in sql)
    # The page after the cursor holds the 50 links just older than it, newest first.
    expected = list(
        HistoryLink.objects.filter(position__lt=int(older))
        .order_by("-position")
        .values_list("position", flat=True)[:50]
    )
    assert rows_shown(deep) == 50
    newer = deep.content.decode().split("newer=")[1].split('"')[0]
    assert int(newer) == expected[0]


def test_the_newer_page_goes_back_to_where_the_reader_was_C2(council, auditor):
    rename(council.groups[0].organization, council.groups[0].leader, 120)
    client = signed_in(auditor)
    first = client.get("/history/").content.decode()
    older = first.split("older=")[1].split('"')[0]
    second = client.get("/history/", {"older": older}).content.decode()
    newer = second.split("newer=")[1].split('"')[0]
    again = client.get("/history/", {"newer": newer}).content.decode()
    assert rows_shown_text(again) == rows_shown_text(first)


def rows_shown_text(page: str) -> list[str]:
    return [row.split("</tr>")[0] for row in page.split('<tr class="govuk-table__row">')[2:]]


def test_a_cursor_that_is_not_a_position_is_page_not_found(council, auditor):
    assert signed_in(auditor).get("/history/", {"older": "abc"}).status_code == 404


# --- The CSV export ---------------------------------------------------------------------------


def test_the_export_streams_the_filtered_timeline_as_csv_C2(council, auditor):
    leader = council.groups[0].leader
    rename(council.groups[0].organization, leader, 3, reason="Exported rename")
    rename(council.groups[1].organization, council.chief_executive, 2, reason="Not exported")
    response = signed_in(auditor).get("/history/export.csv", {"record_type": "organization", "person": leader.pk})
    assert isinstance(response, StreamingHttpResponse)
    assert response["Content-Type"].startswith("text/csv")
    rows = csv_rows(response)
    assert [row["reason"] for row in rows] == [f"Exported rename {n}" for n in range(3)]
    assert {row["who_username"] for row in rows} == {leader.username}
    assert {row["record_type"] for row in rows} == {"Organization"}


def test_a_reason_that_looks_like_a_formula_is_exported_as_text(council, auditor):
    rename(council.groups[0].organization, council.groups[0].leader, 1, reason='=HYPERLINK("x")')
    rows = csv_rows(signed_in(auditor).get("/history/export.csv", {"record_type": "organization"}))
    assert rows[-1]["reason"].startswith("'=HYPERLINK")


def test_the_export_reads_the_history_in_chunks_C2(council, auditor, monkeypatch):
    from register.selectors import audit as selectors_audit

    monkeypatch.setattr(selectors_audit, "EXPORT_CHUNK", 7)
    rename(council.groups[0].organization, council.groups[0].leader, 20, reason="Chunked")
    response = signed_in(auditor).get("/history/export.csv", {"record_type": "organization"})
    with CaptureQueriesContext(connection) as queries:
        rows = csv_rows(response)
    reads = [q for q in queries.captured_queries if 'FROM "register_historylink"' in q["sql"]]
    assert len(rows) == HistoryLink.objects.filter(table="register_historicalorganization").count()
    assert len(reads) == math.ceil(len(rows) / 7) + 1  # full chunks, the last, then one that finds nothing
    assert all("OFFSET" not in q["sql"].upper() for q in reads)


# --- A record's history -----------------------------------------------------------------------


def test_a_records_history_shows_field_by_field_differences_C2(council, auditor):
    organization = council.groups[0].organization
    old_name = organization.name
    organization.name = "The Renamed Group"
    save_with_history(organization, actor=council.groups[0].leader, reason="New name agreed", update_fields=["name"])
    page = signed_in(auditor).get(f"/history/organization/{organization.pk}/").content.decode()
    assert "New name agreed" in page and old_name in page and "The Renamed Group" in page


def test_a_declarations_history_is_read_by_those_who_see_it_in_full_B_C2(council, auditor, monitoring_officer):
    member = council.groups[0].members[0]
    other = make_person(Person.Kind.OFFICER)
    declaration = review(declare(member, other))
    url = f"/history/declaration/{declaration.pk}/"
    for reader in (member, monitoring_officer, auditor):
        assert signed_in(reader).get(url).status_code == 200, reader
    # The person it names sees only that it names them, never its description or the advice.
    assert signed_in(other).get(url).status_code == 404
    for outsider in (council.groups[1].leader, council.chief_executive, council.groups[0].members[1]):
        assert signed_in(outsider).get(url).status_code == 404, outsider


def test_an_attendance_requests_history_is_read_by_those_who_see_the_request_C2(council, auditor):
    request = submit_request(council, group=0)
    url = f"/history/attendance-request/{request.pk}/"
    assert signed_in(council.groups[0].leader).get(url).status_code == 200
    assert signed_in(council.chief_executive).get(url).status_code == 200
    assert signed_in(auditor).get(url).status_code == 200
    assert signed_in(council.groups[1].leader).get(url).status_code == 404
    assert signed_in(council.groups[0].members[0]).get(url).status_code == 404


def test_other_records_histories_are_for_auditors_and_the_monitoring_officer_C2(council, auditor, monitoring_officer):
    url = f"/history/organization/{council.groups[0].organization.pk}/"
    assert signed_in(auditor).get(url).status_code == 200
    assert signed_in(monitoring_officer).get(url).status_code == 200
    for outsider in (council.groups[0].leader, council.chief_executive, council.groups[0].members[0]):
        assert signed_in(outsider).get(url).status_code == 404


def test_a_record_that_never_was_or_a_kind_that_is_not_is_page_not_found(council, auditor):
    client = signed_in(auditor)
    assert client.get("/history/organization/999999999/").status_code == 404
    assert client.get("/history/no-such-kind/1/").status_code == 404


# --- Queries do not grow with the rows ----------------------------------------------------------


@pytest.mark.parametrize("how_many", SIZES)
def test_the_timeline_page_costs_the_same_queries_at_5_and_50_rows(
    council, auditor, how_many, django_assert_num_queries
):
    leader = council.groups[0].leader
    rename(council.groups[0].organization, leader, how_many)
    client = signed_in(auditor)
    # The auditor's roles (the page's check), the people offered in the filter, the page of links
    # with their people, and the history rows' records and reasons in one UNION.
    with django_assert_num_queries(SIGNED_IN + 4):
        response = client.get("/history/", {"record_type": "organization", "person": leader.pk})
    assert rows_shown(response) == how_many


@pytest.mark.parametrize("how_many", SIZES)
def test_a_records_history_costs_the_same_queries_at_5_and_50_versions(
    council, auditor, how_many, django_assert_num_queries
):
    organization = council.groups[0].organization
    rename(organization, council.groups[0].leader, how_many - 1)
    client = signed_in(auditor)
    # The reader's roles (read once for the navigation and the check), then every version with its author,
    # then which versions have an inclusion proof to download (issue 20).
    with django_assert_num_queries(SIGNED_IN + 2):
        response = client.get(f"/history/organization/{organization.pk}/")
    assert response.content.decode().count('<h2 class="govuk-heading-m">') == how_many
