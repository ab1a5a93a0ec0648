"""The access log (C2, issue 20 item 6): every opening of a relationship declaration, a concern or a
complaint leaves one entry naming who opened it, the record and the page or endpoint; a "not found"
and a list leave none; the Monitoring Officer and auditors read and filter the log (page and API) at
a fixed number of queries; everyone else finds no such page."""

import datetime
import hashlib
import json
import threading

import pytest
from django.db import connections
from django.test import Client
from rest_framework.test import APIClient

from register.models import AccessLogEntry, Person
from register.services.audit.access_log import record_read
from tests.factories import make_person
from tests.integration.complaint_helpers import record as record_complaint
from tests.integration.concern_helpers import raise_concern
from tests.integration.declaration_helpers import declare, review

SIZES = [5, 50]
SIGNED_IN = 2  # the session; the person with their posts today (for the navigation), in one statement


def signed_in(person) -> Client:
    client = Client()
    client.force_login(person)
    return client


def api_as(person) -> APIClient:
    client = APIClient()
    client.force_authenticate(person)
    return client


def entries() -> list[AccessLogEntry]:
    return list(AccessLogEntry.objects.order_by("position"))


def rows_shown(response) -> int:
    return response.content.decode().count('<tr class="govuk-table__row">') - 1  # less the header


def canonical(data) -> str:
    return json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=True)


def leaf_hash_by_the_spec(entry: AccessLogEntry) -> str:
    """The RFC 6962 leaf hash of an entry, worked out here from issue 20's words alone: SHA-256(0x00 ||
    canonical JSON {"fields": {name: digest}, "id": ..., "table": ...}), each digest SHA-256 of canonical
    JSON [name, salt, value]."""
    values = {
        "id": str(entry.id),
        "read_at": entry.read_at.astimezone(datetime.UTC).isoformat(),
        "reader_id": entry.reader_id,
        "record_kind": entry.record_kind,
        "record_id": entry.record_id,
        "via": entry.via,
    }
    digests = {
        name: hashlib.sha256(canonical([name, entry.salts[name], value]).encode()).hexdigest()
        for name, value in values.items()
    }
    leaf = canonical({"fields": digests, "id": str(entry.id), "table": "register_accesslogentry"})
    return hashlib.sha256(b"\x00" + leaf.encode()).hexdigest()


@pytest.fixture
def declaration(council):
    officer = council.directorates[0].officers[0]
    return declare(officer, council.groups[0].members[0])


# --- Reads are recorded ------------------------------------------------------------------------


def test_the_declarant_and_the_reviewer_opening_a_declaration_each_leave_an_entry_naming_them_and_the_page_C2(
    declaration,
):
    """Issue 20: the declarant and the reviewer each open the declaration's page; each leaves one entry
    naming them, the declaration and the page, in order, with no gap."""
    for person in (declaration.declarant, declaration.reviewer):
        assert signed_in(person).get(f"/declarations/{declaration.pk}/").status_code == 200
    logged = entries()
    assert [(e.reader_id, e.record_kind, e.record_id, e.via) for e in logged] == [
        (declaration.declarant_id, "declaration", str(declaration.pk), "page declarations:detail"),
        (declaration.reviewer_id, "declaration", str(declaration.pk), "page declarations:detail"),
    ]
    assert [e.position for e in logged] == [1, 2]
    assert logged[0].read_at <= logged[1].read_at


def test_each_entrys_leaf_hash_commits_to_each_field_through_its_own_salt_C2(declaration):
    """Issue 20: an entry's leaf is RFC 6962's over salted digests of its fields, each field with its own
    random 16-byte salt; editing any field (or a salt) changes the leaf hash."""
    signed_in(declaration.declarant).get(f"/declarations/{declaration.pk}/")
    signed_in(declaration.declarant).get(f"/declarations/{declaration.pk}/")
    first, second = entries()
    for entry in (first, second):
        assert set(entry.salts) == {"id", "read_at", "reader_id", "record_kind", "record_id", "via"}
        assert all(len(salt) == 32 and int(salt, 16) >= 0 for salt in entry.salts.values())
        assert entry.leaf_hash == leaf_hash_by_the_spec(entry)
    assert first.salts != second.salts and first.leaf_hash != second.leaf_hash
    first.via = "page declarations:all"
    assert leaf_hash_by_the_spec(first) != first.leaf_hash


def test_the_api_detail_of_a_declaration_leaves_one_entry_naming_the_endpoint_C2(declaration):
    """Issue 20: GET /api/declarations/{id}/ leaves one entry naming its reader and the endpoint."""
    response = api_as(declaration.reviewer).get(f"/api/declarations/{declaration.pk}/")
    assert response.status_code == 200
    [entry] = entries()
    assert (entry.reader_id, entry.record_kind, entry.record_id, entry.via) == (
        declaration.reviewer_id,
        "declaration",
        str(declaration.pk),
        "api GET /api/declarations/{id}/",
    )


def test_the_person_a_declaration_names_opening_its_narrow_view_is_recorded_too_C2(declaration):
    """Issue 20: the other person opening the declaration naming them (the narrow view) is a read of it."""
    assert signed_in(declaration.other_person).get(f"/declarations/{declaration.pk}/").status_code == 200
    [entry] = entries()
    assert entry.reader_id == declaration.other_person_id


def test_a_person_who_may_not_see_a_declaration_gets_404_and_leaves_no_entry_C2(council, declaration):
    """Issue 20: a "not found" is not a read: another group's leader, on the page, its history and the API."""
    outsider = council.groups[1].leader
    assert signed_in(outsider).get(f"/declarations/{declaration.pk}/").status_code == 404
    assert signed_in(outsider).get(f"/history/declaration/{declaration.pk}/").status_code == 404
    assert signed_in(outsider).get(f"/history/declarations/{declaration.pk}/").status_code == 404
    assert api_as(outsider).get(f"/api/declarations/{declaration.pk}/").status_code == 404
    assert api_as(outsider).get(f"/api/history/declaration/{declaration.pk}/").status_code == 404
    assert signed_in(outsider).get("/declarations/999999/").status_code == 404
    assert entries() == []


def test_lists_of_declarations_concerns_and_complaints_leave_no_entry_C2(council, declaration):
    """Issue 20: a list shows many records and opens none: only the opening of one record is a read."""
    review(declaration)
    record_complaint(council)
    raise_concern(council.groups[0].members[0], council.directorates[0].officers[1])
    monitoring_officer = signed_in(council.monitoring_officer)
    for address in ("/declarations/all/", "/declarations/to-review/", "/concerns/", "/complaints/"):
        assert monitoring_officer.get(address).status_code == 200, address
    for address in ("/api/declarations/", "/api/concerns/", "/api/complaints/"):
        assert api_as(council.monitoring_officer).get(address).status_code == 200, address
    assert entries() == []


def test_a_declarations_history_and_whole_story_are_reads_of_it_on_the_pages_and_the_api_C2(council, declaration):
    """Issue 20: the auditor's record history (page and API) and the declaration's whole story each
    leave an entry naming the page or endpoint; the history of a record that is not sensitive leaves none."""
    auditor = council.auditor
    assert signed_in(auditor).get(f"/history/declaration/{declaration.pk}/").status_code == 200
    assert signed_in(auditor).get(f"/history/declarations/{declaration.pk}/").status_code == 200
    assert api_as(auditor).get(f"/api/history/declaration/{declaration.pk}/").status_code == 200
    assert signed_in(auditor).get(f"/history/person/{declaration.declarant_id}/").status_code == 200
    assert [(e.reader_id, e.record_kind, e.via) for e in entries()] == [
        (auditor.pk, "declaration", "page audit:record"),
        (auditor.pk, "declaration", "page audit:declaration-story"),
        (auditor.pk, "declaration", "api GET /api/history/{record_type}/{id}/"),
    ]


def test_opening_a_concern_or_a_complaint_on_its_page_or_through_the_api_is_recorded_C2(council):
    """Issue 20: a concern's and a complaint's page and API detail, and their histories, each leave an entry."""
    raiser = council.groups[0].members[0]
    concern = raise_concern(raiser, council.directorates[0].officers[1])
    complaint = record_complaint(council, reference="1452")
    assert signed_in(raiser).get(f"/concerns/{concern.pk}/").status_code == 200
    assert api_as(raiser).get(f"/api/concerns/{concern.pk}/").status_code == 200
    assert signed_in(council.monitoring_officer).get(f"/complaints/{complaint.pk}/").status_code == 200
    assert api_as(council.auditor).get(f"/api/complaints/{complaint.pk}/").status_code == 200
    assert signed_in(council.auditor).get(f"/history/complaint/{complaint.pk}/").status_code == 200
    assert signed_in(council.auditor).get(f"/history/concern/{concern.pk}/").status_code == 200
    assert [(e.reader_id, e.record_kind, e.record_id, e.via) for e in entries()] == [
        (raiser.pk, "concern", str(concern.pk), "page concerns:detail"),
        (raiser.pk, "concern", str(concern.pk), "api GET /api/concerns/{id}/"),
        (council.monitoring_officer.pk, "complaint", str(complaint.pk), "page complaints:detail"),
        (council.auditor.pk, "complaint", str(complaint.pk), "api GET /api/complaints/{id}/"),
        (council.auditor.pk, "complaint", str(complaint.pk), "page audit:record"),
        (council.auditor.pk, "concern", str(concern.pk), "page audit:record"),
    ]
    outsider = council.groups[1].leader
    assert signed_in(outsider).get(f"/concerns/{concern.pk}/").status_code == 404
    assert api_as(outsider).get(f"/api/complaints/{complaint.pk}/").status_code == 404
    assert len(entries()) == 6


def test_one_read_costs_one_query_C2(declaration, django_assert_num_queries):
    """Issue 20: recording a read is one statement: its lock, position and row in one round trip."""
    with django_assert_num_queries(1):
        entry = record_read(reader=declaration.declarant, record_kind="declaration", record_id=1, via="test")
    assert AccessLogEntry.objects.get(pk=entry.pk).position == entry.position == 1


@pytest.mark.django_db(transaction=True)
def test_reads_from_several_threads_take_gap_free_positions_C2(council):
    """Issue 20: reads recorded at once from several connections (autocommit, as a GET runs) get
    positions 1..n with no gap and no clash, under the access log's own lock."""
    reader = council.groups[0].members[0]
    errors = []

    def read_many():
        try:
            for number in range(10):
                record_read(reader=reader, record_kind="declaration", record_id=number + 1, via="test")
        except Exception as error:  # noqa: BLE001 - reported by the assertion below
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=read_many) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert [entry.position for entry in entries()] == list(range(1, 41))


# --- Reading the log --------------------------------------------------------------------------


def test_the_monitoring_officer_and_the_auditor_read_and_filter_the_log_in_words_C2(council, declaration):
    """Issue 20: the log page shows who read what, in words, newest first, and filters by reader, kind
    of record, record and dates; the API gives the same with the same filters."""
    complaint = record_complaint(council, reference="1325a")
    signed_in(declaration.declarant).get(f"/declarations/{declaration.pk}/")
    api_as(council.auditor).get(f"/api/complaints/{complaint.pk}/")
    for reader in (council.monitoring_officer, council.auditor):
        page = signed_in(reader).get("/history/access-log/")
        assert page.status_code == 200
        text = page.content.decode()
        assert rows_shown(page) == 2
        assert text.index("Complaint 1325a") < text.index(f"Declaration {declaration.pk}")  # newest first
        assert declaration.declarant.name in text and "The declaration&#x27;s page" in text
        assert "API: GET /api/complaints/{id}/" in text

        by_reader = signed_in(reader).get("/history/access-log/", {"reader": declaration.declarant_id})
        assert rows_shown(by_reader) == 1 and f"Declaration {declaration.pk}" in by_reader.content.decode()
        by_kind = signed_in(reader).get("/history/access-log/", {"record_kind": "complaint"})
        assert rows_shown(by_kind) == 1 and "Complaint 1325a" in by_kind.content.decode()
        by_record = signed_in(reader).get(
            "/history/access-log/", {"record_kind": "declaration", "record_id": declaration.pk}
        )
        assert rows_shown(by_record) == 1
        today = datetime.date.today()
        tomorrow = today + datetime.timedelta(days=1)
        in_range = {"since_0": today.day, "since_1": today.month, "since_2": today.year}
        assert rows_shown(signed_in(reader).get("/history/access-log/", in_range)) == 2
        later = {"since_0": tomorrow.day, "since_1": tomorrow.month, "since_2": tomorrow.year}
        assert "No reads match these filters" in signed_in(reader).get("/history/access-log/", later).content.decode()

        api = api_as(reader).get("/api/access-log/")
        assert api.status_code == 200
        results = api.json()["results"]
        assert [row["record_text"] for row in results] == ["Complaint 1325a", f"Declaration {declaration.pk}"]
        assert results[1]["reader"] == {"id": declaration.declarant_id, "name": declaration.declarant.name}
        assert results[1]["via"] == "page declarations:detail"
        assert results[1]["leaf_hash"] == AccessLogEntry.objects.get(position=results[1]["position"]).leaf_hash
        filtered = api_as(reader).get("/api/access-log/", {"reader": council.auditor.pk, "record_kind": "complaint"})
        assert [row["record_id"] for row in filtered.json()["results"]] == [str(complaint.pk)]
        assert api_as(reader).get("/api/access-log/", {"since": tomorrow.isoformat()}).json()["results"] == []
        assert api_as(reader).get("/api/access-log/", {"record_kind": "notice"}).status_code == 400


def test_a_bad_filter_on_the_log_page_is_named_with_status_400_C2(council):
    """Issue 20: a record number in words is bad input, named in the error summary."""
    response = signed_in(council.auditor).get("/history/access-log/", {"record_id": "twelve"})
    assert response.status_code == 400
    assert "Enter the record number in figures" in response.content.decode()


@pytest.mark.parametrize("who", ["group_leader", "officer", "chief_executive", "member", "deputy_monitoring_officer"])
def test_everyone_but_the_monitoring_officer_and_auditors_gets_404_for_the_log_page_and_api_C2(council, who):
    """Issue 20: to a group leader, an officer, the Chief Executive, a councillor (and the deputy Monitoring
    Officer) the access log does not exist, on the page or in the API, and no navigation leads to it."""
    person = {
        "group_leader": council.groups[0].leader,
        "officer": council.directorates[0].officers[0],
        "chief_executive": council.chief_executive,
        "member": council.groups[0].members[0],
        "deputy_monitoring_officer": council.deputy_monitoring_officer,
    }[who]
    assert signed_in(person).get("/history/access-log/").status_code == 404
    assert api_as(person).get("/api/access-log/").status_code == 404
    assert "/history/access-log/" not in signed_in(person).get("/").content.decode()


def test_the_log_is_in_the_navigation_of_the_monitoring_officer_and_auditors_and_linked_from_the_timeline_C2(
    council,
):
    """Issue 20: the Monitoring Officer and auditors reach the log from the navigation; auditors also from
    the audit timeline."""
    for person in (council.monitoring_officer, council.auditor):
        assert 'href="/history/access-log/"' in signed_in(person).get("/").content.decode()
    assert 'href="/history/access-log/"' in signed_in(council.auditor).get("/history/").content.decode()


def _reads(council, how_many: int) -> None:
    """``how_many`` reads of declarations, concerns and complaints by several people."""
    readers = [make_person(Person.Kind.OFFICER) for _ in range(3)]
    complaint = record_complaint(council, reference="1500")
    kinds = [("declaration", 7), ("concern", 3), ("complaint", complaint.pk)]
    for number in range(how_many):
        kind, record_id = kinds[number % 3]
        record_read(reader=readers[number % 3], record_kind=kind, record_id=record_id, via="page declarations:detail")


@pytest.mark.parametrize("how_many", SIZES)
def test_the_log_page_costs_the_same_whatever_its_length_C2(council, how_many, django_assert_num_queries):
    """Issue 20: the page of the log, with readers' names and complaints' references, in a fixed number of
    queries: the signed-in page's, the people to filter by, and one for the entries."""
    _reads(council, how_many)
    client = signed_in(council.monitoring_officer)
    with django_assert_num_queries(SIGNED_IN + 2):
        response = client.get("/history/access-log/")
    assert rows_shown(response) == min(how_many, 50)
    assert "Complaint 1500" in response.content.decode()


@pytest.mark.parametrize("how_many", SIZES)
def test_the_log_api_costs_the_same_whatever_its_length_C2(council, how_many, django_assert_num_queries):
    """Issue 20: the API's page of the log costs a fixed number of queries: the caller's standing and the
    entries, with names and references."""
    _reads(council, how_many)
    client = api_as(council.auditor)
    with django_assert_num_queries(2):
        response = client.get("/api/access-log/")
    assert len(response.json()["results"]) == min(how_many, 50)


def test_the_log_pages_by_keyset_newest_first_C2(council):
    """Issue 20: older and newer pages follow one another with nothing missed or repeated."""
    _reads(council, 120)
    client = signed_in(council.auditor)
    first = client.get("/history/access-log/")
    older = first.context["page"].older
    second = client.get("/history/access-log/", {"older": older})
    third = client.get("/history/access-log/", {"older": second.context["page"].older})
    positions = [e.position for page in (first, second, third) for e in page.context["page"].entries]
    assert positions == list(range(120, 0, -1))
    back = client.get("/history/access-log/", {"newer": second.context["page"].newer})
    assert [e.position for e in back.context["page"].entries] == list(range(120, 70, -1))


def test_the_access_logs_own_tree_is_built_from_the_entries_leaf_hashes_and_proves_each_C2(council, declaration):
    """Issue 20: the access log's Merkle tree has one leaf per entry, in position order, and an
    inclusion proof of any entry checks against its root with the stand-alone checker's functions."""
    from register import transparency
    from register.services.audit import tree

    for person in (declaration.declarant, declaration.reviewer, council.monitoring_officer):
        signed_in(person).get(f"/declarations/{declaration.pk}/")
    api_as(council.auditor).get(f"/api/declarations/{declaration.pk}/")
    logged = entries()
    size = tree.extend_tree("access")
    assert size == len(logged) == 4
    leaves = [bytes.fromhex(entry.leaf_hash) for entry in logged]
    root = tree.root_hash("access", size)
    assert root == transparency.root_of(leaves)
    for index, leaf in enumerate(leaves):
        transparency.verify_inclusion(index, size, leaf, tree.inclusion_proof("access", index, size), root)
