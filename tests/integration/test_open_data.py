"""The published register as open data (issue 22): the page's filters and paging, the CSV, the JSON
and the Atom feed of new and corrected entries; nothing beyond the group, the officers' posts, the
date and the subject (A8, A9) and each entry's own publication and correction leaves through any of
them; the Chief Executive's office corrects an entry with a published reason (A2)."""

import csv
import datetime
import io
import xml.etree.ElementTree as ET
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from register import selectors
from register.errors import NotFound, NotPermitted, RuleViolation
from register.models import AttendanceRequest, PublicEntryCorrection
from register.services import attendance
from tests.factories import approved_request, attended
from tests.integration.table_cells import TableCells

LONDON = ZoneInfo("Europe/London")
START = datetime.datetime(2026, 3, 2, 9, 0, tzinfo=LONDON)
PAGE = "/register-of-attendance/"
CSV = "/register-of-attendance/officer-attendance.csv"
JSON = "/api/public/officer-attendance/"
ATOM = "/register-of-attendance/feed.atom"
A = "{http://www.w3.org/2005/Atom}"
# The fields docs/open-data.md documents, and nothing else.
FIELDS = ["group", "posts", "date", "subject", "published_on", "corrected", "corrected_on", "correction"]


def held(council, clock, *, days=7, group=0, officers=None, **brief):
    """An approved briefing, ``days`` after Monday 2 March 2026, that its officers attended and attested."""
    clock.set(START)
    starts = datetime.datetime.combine(START.date() + datetime.timedelta(days=days), datetime.time(18), tzinfo=LONDON)
    officers = officers or [council.directorates[0].officers[0]]
    request = approved_request(council, group=group, officers=officers, starts_at=starts, **brief)
    attended(request, officers, clock)
    return request


def page_entries(query=None, client=None) -> list[list[str]]:
    response = (client or Client()).get(PAGE, query or {})
    assert response.status_code == 200, response.content.decode()
    parsed = TableCells()
    parsed.feed(response.content.decode())
    return [[" ".join(cell.split()) for cell in row] for row in parsed.rows if len(row) > 1]


def csv_rows(query=None) -> list[dict]:
    response = Client().get(CSV, query or {})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    reader = csv.DictReader(io.StringIO(response.content.decode()))
    assert reader.fieldnames == FIELDS
    return list(reader)


def json_rows(query=None) -> list[dict]:
    response = APIClient().get(JSON, query or {})
    assert response.status_code == 200, response.content
    return response.json()["results"]


def atom_entries(query=None) -> list[ET.Element]:
    response = Client().get(ATOM, query or {})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/atom+xml")
    return ET.fromstring(response.content).findall(f"{A}entry")


# --- Filters and paging ------------------------------------------------------------------------------


def test_the_filters_select_the_same_entries_on_the_page_and_in_the_csv_json_and_atom_A8(council, clock):
    held(council, clock, days=7, subject="Flood defences")
    held(council, clock, days=14, group=1, subject="Library closures", officers=[council.directorates[1].officers[0]])
    held(council, clock, days=21, subject="Bus routes", officers=[council.directorates[1].officers[1]])

    def subjects(query):
        on_page = [row[3] for row in page_entries(query)]
        assert [row["subject"] for row in csv_rows(query)] == on_page
        assert [row["subject"] for row in json_rows(query)] == on_page
        assert sorted(entry.findtext(f"{A}title").split(": ", 1)[1] for entry in atom_entries(query)) == sorted(on_page)
        return on_page

    assert subjects({}) == ["Bus routes", "Library closures", "Flood defences"], "the latest first"
    assert subjects({"group": council.groups[1].organization.pk}) == ["Library closures"]
    assert subjects({"directorate": council.directorates[1].organization.pk}) == ["Bus routes", "Library closures"]
    assert subjects({"start": "2026-03-10", "end": "2026-03-20"}) == ["Library closures"]
    assert subjects({"start": "2026-03-16"}) == ["Bus routes", "Library closures"]
    assert subjects({"group": council.groups[0].organization.pk, "end": "2026-03-09"}) == ["Flood defences"]


def test_the_page_shows_twenty_five_entries_a_page_with_govuk_pagination(council, clock):
    for day in range(1, 28):
        held(council, clock, days=day, subject=f"Subject {day:02}")
    first = page_entries()
    assert len(first) == 25 and first[0][3] == "Subject 27"
    second = page_entries({"page": 2})
    assert [row[3] for row in second] == ["Subject 02", "Subject 01"]
    html = Client().get(PAGE, {"page": 2}).content.decode()
    assert 'class="govuk-pagination"' in html and 'aria-current="page"' in html and 'rel="prev"' in html
    assert len(json_rows({"page_size": 10, "page": 3})) == 7


def test_each_entry_says_when_it_was_published_A8(council, clock):
    request = held(council, clock, days=7, subject="Flood defences")
    [row] = page_entries()
    assert row[4] == "Published 9 March 2026"
    [data] = json_rows()
    assert data["published_on"] == "2026-03-09" and data["corrected"] is False and data["corrected_on"] is None
    [entry] = atom_entries()
    first = request.invitations.get().attendance.recorded_at
    assert datetime.datetime.fromisoformat(entry.findtext(f"{A}published")) == first
    assert datetime.datetime.fromisoformat(entry.findtext(f"{A}updated")) == first


def test_the_public_outputs_may_be_cached_for_five_minutes_but_not_a_signed_in_page(council, clock):
    held(council, clock, subject="Flood defences")
    for client, address in ((Client(), PAGE), (Client(), CSV), (APIClient(), JSON), (Client(), ATOM)):
        response = client.get(address)
        assert response["Cache-Control"] == "public, max-age=300", address
        assert "csrfmiddlewaretoken" not in response.content.decode(), address
    chief = signed_in(council.chief_executive).get(PAGE)
    assert "private" in chief["Cache-Control"] and "public" not in chief["Cache-Control"]


# --- Nonsense filters: a clear 400 everywhere, never a 500 ---------------------------------------------

NONSENSE = [
    ({"group": "999999"}, "group", "Choose a political group from the list"),
    ({"group": "Red"}, "group", "Choose a political group from the list"),
    ({"directorate": "-1"}, "directorate", "Choose a directorate from the list"),
    ({"start": "2026-02-30"}, "start", "Enter the first date as a real date"),
    ({"end": "yesterday"}, "end", "Enter the last date as a real date"),
    ({"start": "2026-03-10", "end": "2026-03-01"}, "end", "The last date must be the same as or after the first date"),
]


@pytest.mark.parametrize("query, field, message", NONSENSE, ids=[f"{n[1]}-{i}" for i, n in enumerate(NONSENSE)])
def test_nonsense_filters_are_refused_with_400_naming_the_filter_on_the_page_csv_json_and_atom(
    council, query, field, message
):
    page = Client().get(PAGE, query)
    assert page.status_code == 400
    html = page.content.decode()
    assert "There is a problem" in html and message in html and f'href="#id_{field}"' in html
    for address in (CSV, ATOM):
        refused = Client().get(address, query)
        assert refused.status_code == 400 and refused["Content-Type"].startswith("text/plain")
        assert refused.content.decode().startswith(f"{field}: {message}")
    refused = APIClient().get(JSON, query)
    assert refused.status_code == 400 and field in refused.json()["errors"], refused.json()


@pytest.mark.parametrize("page", ["2", "0", "two"])
def test_a_page_that_does_not_exist_is_refused_with_400_not_a_crash(council, clock, page):
    held(council, clock, subject="Flood defences")
    response = Client().get(PAGE, {"page": page})
    assert response.status_code == 400
    assert 'id="id_page"' in response.content.decode()
    assert APIClient().get(JSON, {"page": page}).status_code == 400


# --- Spreadsheet-safe CSV ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "subject", ['=HYPERLINK("https://evil.example","Click")', "+1+cmd|' /C calc'!A0", "-2+3", "@SUM(A1:A9)"]
)
def test_a_csv_cell_a_spreadsheet_would_run_as_a_formula_starts_with_an_apostrophe(council, clock, subject):
    held(council, clock, subject=subject)
    [row] = csv_rows()
    assert row["subject"] == f"'{subject}"
    [data] = json_rows()
    assert data["subject"] == subject, "the JSON and the page give the subject as it is"


# --- Nothing beyond the four facts (and the entry's own dates) leaves ---------------------------------


def test_nothing_beyond_the_group_posts_date_subject_and_the_entrys_own_dates_leaves_through_any_output_A8_A9(
    council, clock
):
    """Every other thing the register holds about a briefing carries a marker; none appears in the
    page, the CSV, the JSON or the Atom feed, and each gives only the documented fields."""
    officer, leader = council.directorates[0].officers[0], council.groups[0].leader
    for person, marker in ((officer, "MARKOFFICERNAME"), (leader, "MARKREQUESTER")):
        person.first_name, person.last_name, person.username = marker, marker, marker.lower()
        person.save()
    request = held(
        council,
        clock,
        subject="Flood defences",
        scope="MARKSCOPE the options the group wants",
        reason="MARKREASON of the group",
        meeting_options={"place": "MARKPLACE Room 4", "online": False},
    )
    attendance.attendance_information_record(
        request=request, actor=officer, title="MARKINFOTITLE", summary="MARKINFOSUMMARY", reference="MARKREF"
    )
    markers = [
        "MARKOFFICERNAME",
        "markofficername",
        "MARKREQUESTER",
        "markrequester",
        "MARKSCOPE",
        "MARKREASON",
        "MARKPLACE",
        "MARKINFOTITLE",
        "MARKINFOSUMMARY",
        "MARKREF",
        officer.email,
        leader.email,
        f"/attendance/{request.pk}/",
    ]

    [row] = page_entries()
    assert row == [council.groups[0].organization.name, "Officer, Place", "9 March 2026", "Flood defences",
                   "Published 9 March 2026"]  # fmt: skip
    [by_csv] = csv_rows()
    assert list(by_csv) == FIELDS
    [by_json] = json_rows()
    assert list(by_json) == FIELDS
    [entry] = atom_entries()
    assert {child.tag.removeprefix(A) for child in entry} <= {"title", "link", "id", "published", "updated", "summary"}
    outputs = {
        "page": Client().get(PAGE).content.decode(),
        "csv": Client().get(CSV).content.decode(),
        "json": APIClient().get(JSON).content.decode(),
        "atom": Client().get(ATOM).content.decode(),
    }
    for name, text in outputs.items():
        assert "Flood defences" in text, name
        leaked = [marker for marker in markers if marker in text]
        assert not leaked, f"{name} gives {leaked}"


# --- Corrections by the Chief Executive's office (A2, A8) ---------------------------------------------


def signed_in(person) -> Client:
    client = Client()
    client.force_login(person)
    return client


def test_the_chief_executive_corrects_an_entry_and_the_page_csv_json_and_atom_show_the_correction_A8(council, clock):
    request = held(council, clock, subject="Flood defences")
    [before] = atom_entries()
    feed = ET.fromstring(Client().get(ATOM).content)
    assert feed.findtext(f"{A}author/{A}name") and "Open Government Licence v3.0" in feed.findtext(f"{A}rights")
    clock.set(datetime.datetime(2026, 3, 12, 14, 30, tzinfo=LONDON))
    chief = signed_in(council.chief_executive)
    address = f"/attendance/{request.pk}/correct-published-entry/"
    form = chief.get(address).content.decode()
    assert "The reason is published for anyone to read" in form and "Correct this entry" in form
    assert f'href="{address}"' in chief.get(PAGE).content.decode()
    assert address not in Client().get(PAGE).content.decode(), "the public is not offered the correction"

    done = chief.post(
        address, {"date": "2026-03-10", "subject": "Flood defences", "reason": "The date was entered wrongly."}
    )
    assert done.status_code == 302

    [row] = page_entries()
    assert row[2] == "10 March 2026"
    assert row[4] == "Published 9 March 2026 Corrected 12 March 2026: The date was entered wrongly."
    [by_csv] = csv_rows()
    assert (by_csv["date"], by_csv["corrected"], by_csv["corrected_on"], by_csv["correction"]) == (
        "2026-03-10",
        "yes",
        "2026-03-12",
        "The date was entered wrongly.",
    )
    [by_json] = json_rows()
    assert by_json["corrected"] is True and by_json["corrected_on"] == "2026-03-12"
    [after] = atom_entries()
    assert after.findtext(f"{A}id") == before.findtext(f"{A}id"), "the entry keeps its id"
    assert datetime.datetime.fromisoformat(after.findtext(f"{A}updated")) == clock.now()
    assert after.findtext(f"{A}published") == before.findtext(f"{A}published")
    assert "Corrected 12 March 2026: The date was entered wrongly." in after.findtext(f"{A}summary")
    assert "(corrected)" in after.findtext(f"{A}title")
    # The entry's link opens the page on its (corrected) day, where the entry is, however old it is.
    link = after.find(f"{A}link").get("href")
    path, _, anchor = link.partition("#")
    assert path.endswith("/register-of-attendance/?start=2026-03-10&end=2026-03-10")
    assert f'id="{anchor}"' in Client().get(path[path.index("/register-of-attendance/") :]).content.decode()
    # The date range is on the date the entry shows.
    assert [r["date"] for r in json_rows({"start": "2026-03-10", "end": "2026-03-10"})] == ["2026-03-10"]
    assert json_rows({"end": "2026-03-09"}) == []

    correction = PublicEntryCorrection.objects.get()
    history = correction.history.get()
    assert history.history_user == council.chief_executive
    assert history.history_change_reason == "Published entry corrected: The date was entered wrongly."
    request.refresh_from_db()
    assert request.subject == "Flood defences" and request.meeting.starts_at.date() == datetime.date(2026, 3, 9)


def test_a_correction_through_the_api_and_its_refusals_A2_A8(council, clock):
    request = held(council, clock, subject="Flood defences")
    address = f"/api/attendance-requests/{request.pk}/correct-published-entry/"

    def post(person, **data):
        client = APIClient()
        client.force_authenticate(person)
        return client.post(address, data, format="json")

    given = {"date": "2026-03-09", "subject": "Flood defence schemes", "reason": "The subject was abbreviated."}
    assert post(council.groups[0].leader, **given).status_code == 403
    assert post(council.groups[1].members[0], **given).status_code == 404
    assert post(council.chief_executive, **given, reason_ignored="x").status_code == 200
    answer = post(council.chief_executive, **given)
    assert answer.status_code == 400 and "date" in answer.json()["errors"], "a correction that changes nothing"
    assert post(council.chief_executive, **{**given, "subject": "Other", "reason": " "}).status_code == 400
    assert PublicEntryCorrection.objects.count() == 1
    [row] = json_rows()
    assert row["subject"] == "Flood defence schemes" and row["correction"] == "The subject was abbreviated."


def test_the_correction_service_refuses_what_it_should_A2(council, clock):
    request = held(council, clock, subject="Flood defences")
    chief = council.chief_executive
    correct = attendance.published_entry_correct
    day = datetime.date(2026, 3, 9)
    for actor in (
        council.deputy_chief_executive,
        council.monitoring_officer,
        council.auditor,
        council.groups[0].leader,
    ):
        with pytest.raises(NotPermitted):
            correct(request=request, actor=actor, date=day, subject="New", reason="Why")
    with pytest.raises(RuleViolation) as blank:
        correct(request=request, actor=chief, date=day, subject="New", reason="  ")
    assert blank.value.field == "reason"
    with pytest.raises(RuleViolation) as empty:
        correct(request=request, actor=chief, date=day, subject=" ", reason="Why")
    assert empty.value.field == "subject"
    with pytest.raises(RuleViolation) as same:
        correct(request=request, actor=chief, date=day, subject="Flood defences", reason="Why")
    assert same.value.field == "date"
    clock.set(START)
    not_held = approved_request(council, subject="Not yet held")
    with pytest.raises(NotFound):
        correct(request=not_held, actor=chief, date=day, subject="New", reason="Why")
    assert not PublicEntryCorrection.objects.exists()
    # The latest correction is the one shown, and a correction back to the original is a change.
    clock.set(datetime.datetime(2026, 3, 12, 9, tzinfo=LONDON))
    correct(request=request, actor=chief, date=day, subject="Flood schemes", reason="First")
    clock.advance(hours=1)
    correct(request=request, actor=chief, date=day, subject="Flood defences", reason="Put back")
    [entry] = selectors.published_register()
    assert (entry.subject, entry.correction) == ("Flood defences", "Put back")
    assert AttendanceRequest.objects.get(pk=request.pk).subject == "Flood defences"


def test_a_correction_form_with_a_blank_reason_is_shown_again_with_400(council, clock):
    request = held(council, clock, subject="Flood defences")
    response = signed_in(council.chief_executive).post(
        f"/attendance/{request.pk}/correct-published-entry/", {"date": "2026-03-09", "subject": "X", "reason": ""}
    )
    assert response.status_code == 400 and "Enter the reason for the correction" in response.content.decode()
    assert (
        signed_in(council.groups[0].leader).get(f"/attendance/{request.pk}/correct-published-entry/").status_code == 403
    )


# --- A fixed number of queries whatever the number of entries ------------------------------------------


@pytest.mark.parametrize("address", [PAGE, CSV, JSON, ATOM])
def test_each_output_costs_the_same_queries_at_5_and_at_30_entries(council, clock, address, django_assert_num_queries):
    officers = council.directorates[0].officers

    def add(count, offset):
        for day in range(offset, offset + count):
            request = held(council, clock, days=day, officers=[officers[day % 2]], subject=f"Subject {day}")
            if day % 3 == 0:
                clock.advance(hours=1)
                attendance.published_entry_correct(
                    request=request, actor=council.chief_executive, date=request.meeting.starts_at.date(),
                    subject=f"Corrected {day}", reason="Typo",
                )  # fmt: skip

    def count() -> int:
        client = APIClient() if address == JSON else Client()
        with CaptureQueriesContext(connection) as captured:
            assert client.get(address, {"group": council.groups[0].organization.pk}).status_code == 200
        return len(captured)

    add(5, 1)
    at_5 = count()
    add(25, 6)
    with django_assert_num_queries(at_5):
        client = APIClient() if address == JSON else Client()
        assert client.get(address, {"group": council.groups[0].organization.pk}).status_code == 200


def test_the_csv_json_and_atom_are_documented_beside_the_openapi_schema(council):
    """docs/open-data.md documents exactly the fields the CSV and the JSON give; the schema's entry for
    the JSON names the CSV and the Atom feed and the licence, and points to the document."""
    import pathlib
    import re

    from api.serializers_attendance import PublicBriefingSerializer
    from register.views.attendance.public import CSV_FIELDS

    document = (pathlib.Path(__file__).parents[2] / "docs" / "open-data.md").read_text()
    fields_table = document.split("## What an entry says", 1)[1].split("## Where", 1)[0]
    documented = re.findall(r"^\| `(\w+)` \|", fields_table, flags=re.MULTILINE)
    assert documented == FIELDS == list(CSV_FIELDS) == list(PublicBriefingSerializer().fields)
    schema = APIClient().get("/api/schema/", HTTP_ACCEPT="application/json").json()
    described = schema["paths"]["/api/public/officer-attendance/"]["get"]["description"]
    for named in (CSV, ATOM, "docs/open-data.md", "Open Government Licence v3.0"):
        assert named in described
    parameters = {
        parameter["name"] for parameter in schema["paths"]["/api/public/officer-attendance/"]["get"]["parameters"]
    }
    assert {"group", "directorate", "start", "end", "page"} <= parameters
