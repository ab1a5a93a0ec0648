"""History people can read (issue 16, point 5; C2): names and capacities instead of ids, UK times to
the minute, yes/no and labels; each entry linked to its record; a request's whole story in one view,
as CSV and printable; subjects in timeline rows and a filter by one record; the same who-may-see
rules as each record's history; costs that do not grow with the entries shown."""

import csv
import datetime
import io
from zoneinfo import ZoneInfo

import pytest
from django.test import Client
from django.utils.html import escape
from rest_framework.test import APIClient

from register.models import AttendanceRequest, Notification
from register.selectors.history_text import moment_text
from register.services import attendance
from tests.factories import approved_request, submit_request

LONDON = ZoneInfo("Europe/London")
MINUTES = datetime.timedelta(minutes=1)
SIGNED_IN = 2  # the session; the person with their posts today (for the navigation), in one statement


def signed_in(person) -> Client:
    client = Client()
    client.force_login(person)
    return client


def csv_rows(response) -> list[dict]:
    text = b"".join(response.streaming_content).decode("utf-8")
    return list(csv.DictReader(io.StringIO(text)))


def a_whole_story(council, clock) -> AttendanceRequest:
    """A request approved, answered by two officers (one accepts, one declines), attended and
    attested by the one who accepted, with information given that every group is sent a copy of."""
    place = council.directorates[0]
    request = approved_request(
        council, officers=[place.officers[0], place.officers[1]], subject="Libraries: the draft budget"
    )
    attendance.attendance_invitation_respond(request=request, actor=place.officers[0], accept=True)
    attendance.attendance_invitation_respond(request=request, actor=place.officers[1], accept=False)
    request = AttendanceRequest.objects.get(pk=request.pk)
    clock.set(request.meeting.starts_at + 90 * MINUTES)
    attendance.attendance_record_attendance(
        request=request,
        actor=place.officers[0],
        arrived_at=request.meeting.starts_at,
        left_at=request.meeting.starts_at + 45 * MINUTES,
        attested=True,
    )
    attendance.attendance_information_record(
        request=request,
        actor=place.officers[0],
        title="Library usage figures",
        summary="Visits by branch, 2024-25.",
        likely_to_be_cited=True,
        cited_at="council",
    )
    return request


# --- Values in words -----------------------------------------------------------------------------


def test_moments_are_uk_time_to_the_minute_in_winter_and_in_summer_C2():
    """GMT in winter, BST in summer; to the minute, with no seconds; GOV.UK's midday and midnight."""
    utc = datetime.UTC
    assert moment_text(datetime.datetime(2026, 3, 9, 18, 0, 41, 123456, tzinfo=utc)) == "9 March 2026, 6:00pm"
    assert moment_text(datetime.datetime(2026, 7, 9, 17, 5, tzinfo=utc)) == "9 July 2026, 6:05pm"
    assert moment_text(datetime.datetime(2026, 3, 29, 0, 30, tzinfo=utc)) == "29 March 2026, 12:30am"
    assert moment_text(datetime.datetime(2026, 3, 29, 1, 30, tzinfo=utc)) == "29 March 2026, 2:30am"  # BST begins
    assert moment_text(datetime.datetime(2026, 10, 24, 11, 0, tzinfo=utc)) == "24 October 2026, midday"
    assert moment_text(datetime.datetime(2026, 12, 31, 0, 0, tzinfo=utc)) == "31 December 2026, midnight"
    assert moment_text(None) == "none"


def test_a_decision_reads_decided_by_a_name_and_capacity_with_labels_and_yes_or_no_not_ids_C2(council, clock, auditor):
    request = approved_request(council)
    chief = council.chief_executive
    page = signed_in(auditor).get(f"/history/attendance-request/{request.pk}/").content.decode()
    decided_by = page.split(">Decided by</th>")[1].split("</tr>")[0]
    assert f"{chief.name}, Chief Executive" in decided_by
    assert f">{chief.pk}<" not in decided_by
    requested_by = page.split(">Requested by</th>")[1].split("</tr>")[0]
    assert council.groups[0].leader.name in requested_by
    # The clock says 2 March 2026, 9 am in London (GMT): the decision is dated so, to the minute.
    decided_at = page.split(">Decided at</th>")[1].split("</tr>")[0]
    assert "2 March 2026, 9:00am" in decided_at
    state = page.split(">State</th>")[1].split("</tr>")[0]
    assert "Awaiting the Chief Executive&#x27;s decision" in state and ">Approved<" in state
    confidential = page.split(">Needs confidential information</th>")[1].split("</tr>")[0]
    assert ">No<" in confidential and "False" not in page
    meeting = page.split(">Meeting</th>")[1].split("</tr>")[0]
    assert f"{council.groups[0].organization.name} meeting" in meeting
    assert "none" in page.split(">Decided by</th>")[1].split("</tr>")[0]  # before the decision: none


def test_a_decision_made_in_summer_is_shown_in_british_summer_time_C2(council, clock, auditor):
    clock.set(datetime.datetime(2026, 7, 6, 9, 0, tzinfo=LONDON))  # 8 am UTC
    request = approved_request(council)
    page = signed_in(auditor).get(f"/history/attendance-request/{request.pk}/").content.decode()
    assert "6 July 2026, 9:00am" in page.split(">Decided at</th>")[1].split("</tr>")[0]


def test_an_attendance_record_reads_yes_for_its_attestation_C2(council, clock, auditor):
    request = a_whole_story(council, clock)
    record = request.invitations.get(officer=council.directorates[0].officers[0]).attendance
    page = signed_in(auditor).get(f"/history/attendance-record/{record.pk}/").content.decode()
    assert ">Yes<" in page.split(">Attested</th>")[1].split("</tr>")[0]
    assert council.directorates[0].officers[0].name in page.split(">Invitation</th>")[1].split("</tr>")[0]


def test_the_api_keeps_stored_values_and_adds_them_in_words_C2(council, clock, auditor):
    request = approved_request(council)
    client = APIClient()
    client.force_authenticate(auditor)
    body = client.get(f"/api/history/attendance-request/{request.pk}/").json()
    decided_by = {change["field"]: change for change in body["versions"][0]["changes"]}["decided_by"]
    assert decided_by["new"] == council.chief_executive.pk
    assert decided_by["new_text"] == f"{council.chief_executive.name}, Chief Executive"
    assert decided_by["old"] is None and decided_by["old_text"] == "none"
    timeline = client.get("/api/history/", {"record_type": "attendance-request", "record_id": request.pk}).json()
    assert {entry["subject"] for entry in timeline["results"]} == {request.subject}
    assert {entry["request_id"] for entry in timeline["results"]} == {request.pk}


# --- The timeline: subjects, links, one record ---------------------------------------------------------


def test_timeline_rows_show_the_subject_and_link_to_the_record_and_its_whole_story_C2(council, clock, auditor):
    request = a_whole_story(council, clock)
    page = signed_in(auditor).get("/history/").content.decode()
    assert "Library usage figures, for Libraries: the draft budget" in page
    assert f"Libraries: the draft budget: {council.directorates[0].officers[1].name}" in page  # an invitation
    assert f'href="/history/requests/{request.pk}/"' in page
    assert f'href="/attendance/{request.pk}/"' in page
    assert "Z" not in page.split('<tbody class="govuk-table__body">')[1].split("</td>")[0]  # no UTC stamp


def test_the_timeline_filters_by_one_record_C2(council, clock, auditor):
    first = approved_request(council, subject="The first request")
    approved_request(council, subject="The second request")
    client = signed_in(auditor)
    page = client.get("/history/", {"record_type": "attendance-request", "record_id": first.pk}).content.decode()
    rows = page.split('<tbody class="govuk-table__body">')[1]
    assert "The first request" in rows and "The second request" not in rows
    assert rows.count('<tr class="govuk-table__row">') == first.history.count()
    # Every link from a record's own history page to it leads there.
    record_page = client.get(f"/history/attendance-request/{first.pk}/").content.decode()
    assert f"/history/?record_type=attendance-request&amp;record_id={first.pk}" in record_page


def test_a_record_number_with_no_kind_of_record_is_an_error_named_in_the_summary_C2(council, auditor):
    response = signed_in(auditor).get("/history/", {"record_id": "12"})
    assert response.status_code == 400
    assert "Choose the kind of record the record number is of" in response.content.decode()


def test_the_timeline_export_has_uk_times_to_the_minute_and_subjects_C2(council, clock, auditor):
    request = approved_request(council, subject="Exported subject")
    rows = csv_rows(
        signed_in(auditor).get("/history/export.csv", {"record_type": "attendance-request", "record_id": request.pk})
    )
    assert {row["subject"] for row in rows} == {"Exported subject"}
    for row in rows:
        assert row["when"].endswith(("am", "pm", "midday", "midnight")) and "." not in row["when"]
        assert row["when_iso"].endswith(("+00:00", "+01:00")) and row["when_iso"].count(":") == 3


# --- A request's whole story ---------------------------------------------------------------------------


def test_a_requests_whole_story_has_its_invitations_answers_attendance_information_and_notices_in_order_C2(
    council, clock, auditor
):
    request = a_whole_story(council, clock)
    accepted, declined = council.directorates[0].officers[:2]
    response = signed_in(auditor).get(f"/history/requests/{request.pk}/")
    assert response.status_code == 200
    page = response.content.decode()
    headings = [part.split("</h2>")[0] for part in page.split('class="govuk-heading-m register-history-value"')[1:]]
    order = [
        "The request: Libraries: the draft budget: created",
        f"{accepted.name}&#x27;s invitation: created",
        "The request: Libraries: the draft budget: changed",  # the decision
        f"Notice to {council.groups[0].leader.name}",
        f"{accepted.name}&#x27;s invitation: changed",  # accepts
        f"{declined.name}&#x27;s invitation: changed",  # declines
        f"{accepted.name}&#x27;s attendance: created",
        "Information given: Library usage figures: created",
        f"Copy of Library usage figures to {council.groups[1].organization.name}: created",
    ]
    positions = [next(i for i, heading in enumerate(headings) if step in heading) for step in order]
    assert positions == sorted(positions), headings
    assert "The meeting of" in page
    assert f"{council.chief_executive.name}, Chief Executive" in page
    shared = Notification.objects.filter(kind="attendance-information-shared").first()  # about the information
    assert shared is not None and escape(shared.subject) in page
    assert "Auditors read the rest" not in page


def test_the_whole_story_downloads_as_csv_one_row_per_field_changed_C2(council, clock, auditor):
    request = a_whole_story(council, clock)
    response = signed_in(auditor).get(f"/history/requests/{request.pk}/export.csv")
    assert response["Content-Type"].startswith("text/csv")
    assert f"attendance-request-{request.pk}-history-" in response["Content-Disposition"]
    rows = csv_rows(response)
    decided = [row for row in rows if row["record"] == "Attendance request" and row["field"] == "Decided by"]
    assert decided[-1]["after"] == f"{council.chief_executive.name}, Chief Executive"
    assert decided[-1]["before"] == "none"
    records = {row["record"] for row in rows}
    assert {"Attendance invitation", "Attendance record", "Information provided", "Notification"} <= records
    attested = next(row for row in rows if row["field"] == "Attested")
    assert attested["after"] == "Yes"
    whens = [datetime.datetime.strptime(row["when"].replace("midday", "12:00pm"), "%d %B %Y, %I:%M%p") for row in rows]
    assert whens == sorted(whens)


def test_the_story_is_printable_with_its_links_and_buttons_left_off_paper(council, clock, auditor):
    request = approved_request(council)
    page = signed_in(auditor).get(f"/history/requests/{request.pk}/").content.decode()
    assert "Print this story" in page and "data-register-print" in page
    assert page.count("govuk-!-display-none-print") >= 3
    assert "<script>" not in page  # the content security policy allows only scripts from the register


def test_the_request_page_links_its_whole_story_for_those_who_see_the_request_C2(council, clock):
    request = submit_request(council)
    page = signed_in(council.groups[0].leader).get(f"/attendance/{request.pk}/").content.decode()
    assert f'href="/history/requests/{request.pk}/"' in page


def test_those_who_see_the_request_read_its_own_part_of_the_story_others_find_nothing_C2(
    council, clock, auditor, monitoring_officer
):
    request = a_whole_story(council, clock)
    url = f"/history/requests/{request.pk}/"
    leader_page = signed_in(council.groups[0].leader).get(url)
    assert leader_page.status_code == 200
    text = leader_page.content.decode()
    assert "The request: Libraries: the draft budget" in text and "Auditors read the rest" in text
    assert "invitation: created" not in text and "Notice to" not in text
    # The Monitoring Officer reads every record's history but the notices (their recipients' own).
    mo_page = signed_in(monitoring_officer).get(url).content.decode()
    assert "invitation: created" in mo_page and "Notice to" not in mo_page
    for outsider in (council.groups[1].leader, council.groups[0].members[0], council.directorates[1].officers[0]):
        assert signed_in(outsider).get(url).status_code == 404, outsider
        assert signed_in(outsider).get(f"{url}export.csv").status_code == 404, outsider
    assert signed_in(auditor).get("/history/requests/999999999/").status_code == 404


def test_a_declarations_whole_story_is_for_those_who_read_it_in_full_C2(council, auditor):
    from register.models import Person as People
    from tests.factories import make_person
    from tests.integration.declaration_helpers import declare, review

    member = council.groups[0].members[0]
    other = make_person(People.Kind.OFFICER)
    declaration = review(declare(member, other))
    url = f"/history/declarations/{declaration.pk}/"
    page = signed_in(auditor).get(url).content.decode()
    assert f"Declaration by {member.name} of a relationship with {other.name}" in page
    assert "The declaration: created" in page and "Notice to" in page
    assert signed_in(member).get(url).status_code == 200
    assert signed_in(other).get(url).status_code == 404
    assert signed_in(council.groups[1].leader).get(url).status_code == 404


# --- Costs that do not grow with the entries shown ------------------------------------------------------


@pytest.mark.parametrize("how_many", [1, 50])
def test_a_timeline_page_of_requests_costs_the_same_queries_for_1_and_50_entries_C2(
    council, clock, auditor, how_many, django_assert_num_queries
):
    for _ in range(how_many):
        submit_request(council)
    client = signed_in(auditor)
    # The people offered in the filter, the page of links with their people, and the history rows'
    # records, subjects and requests in one UNION.
    with django_assert_num_queries(SIGNED_IN + 3):
        response = client.get("/history/", {"record_type": "attendance-request"})
    assert response.content.decode().count("Whole story<span") == how_many


@pytest.mark.parametrize("officers", [1, 3])
def test_a_whole_story_costs_the_same_queries_whatever_its_length_C2(
    council, clock, auditor, officers, django_assert_num_queries
):
    named = council.directorates[0].officers[:officers]
    request = approved_request(council, officers=named)
    for officer in named:
        attendance.attendance_invitation_respond(request=request, actor=officer, accept=True)
    client = signed_in(auditor)
    # The request and its invitations (the reader's check), then the histories of the request, its
    # meeting, invitations, attendance, information, copies and notices, and every name at once.
    with django_assert_num_queries(SIGNED_IN + 10):
        response = client.get(f"/history/requests/{request.pk}/")
    assert response.content.decode().count("&#x27;s invitation: changed") == officers


@pytest.mark.parametrize("officers", [1, 3])
def test_a_requests_history_costs_the_same_queries_whatever_its_names_C2(
    council, clock, auditor, officers, django_assert_num_queries
):
    request = approved_request(council, officers=council.directorates[0].officers[:officers])
    client = signed_in(auditor)
    # The request and its invitations (the reader's check), its versions with their authors, every name,
    # and which versions have an inclusion proof to download (issue 20).
    with django_assert_num_queries(SIGNED_IN + 5):
        response = client.get(f"/history/attendance-request/{request.pk}/")
    assert "Chief Executive" in response.content.decode()


def test_through_the_api_a_record_id_with_no_kind_of_record_matches_nothing_C2(council, clock, auditor):
    """The id of no kind of record is the id of no record: an empty page, as for any id that matches nothing."""
    request = approved_request(council)
    client = APIClient()
    client.force_authenticate(auditor)
    response = client.get("/api/history/", {"record_id": request.pk})
    assert response.status_code == 200 and response.json()["results"] == []
    found = client.get("/api/history/", {"record_type": "attendance-request", "record_id": request.pk}).json()
    assert len(found["results"]) == request.history.count()
