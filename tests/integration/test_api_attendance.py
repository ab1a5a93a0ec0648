"""The attendance API (A1-A13) does what the pages do, through the same selectors, policies and
services: the journey of a briefing, what other groups and the public see, each move refused as
problem details naming the rule, and lists whose cost does not grow with their length."""

import datetime

from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from register import workflow
from register.models import AttendanceRecord, AttendanceRequest, InformationCopy, Notification
from register.services import attendance
from tests.factories import approved_request, submit_request

REQUESTS = "/api/attendance-requests/"


def api(person=None) -> APIClient:
    client = APIClient()
    if person is not None:
        client.force_authenticate(person)
    return client


def meeting_in_a_week(clock, *, days=7) -> dict:
    starts_at = datetime.datetime.combine(
        clock.today + datetime.timedelta(days=days), datetime.time(18, 0), tzinfo=clock.at.tzinfo
    )
    return {"starts_at": starts_at.isoformat(), "place": "Committee Room 1"}


def attended(officer, request, clock) -> dict:
    starts_at = request.meeting.starts_at
    clock.set(starts_at + datetime.timedelta(hours=2))
    return {"arrived_at": starts_at.isoformat(), "left_at": (starts_at + datetime.timedelta(minutes=40)).isoformat()}


# --- The journey of the pages, through the API ----------------------------------------------------


def test_a_briefing_from_request_to_information_shared_with_every_group_A1_A3_A4_A6_A8_A10(three_groups, clock):
    """A leader requests a briefing; the Chief Executive approves; another leader sees it and asks
    for the same; the officer accepts, attends, attests and records information likely to be
    cited; every group's leader then has it."""
    council = three_groups
    leader, other_leader = council.groups[0].leader, council.groups[1].leader
    officer = council.directorates[0].officers[0]

    asked = api(leader).post(
        REQUESTS,
        {
            "meeting": meeting_in_a_week(clock),
            "officers": [officer.pk],
            "subject": "The draft budget",
            "scope": "The options for libraries in the draft budget.",
        },
        format="json",
    )
    assert asked.status_code == 201, asked.json()
    request_id = asked.json()["id"]
    assert asked.json()["state"] == workflow.SUBMITTED
    url = f"{REQUESTS}{request_id}/"

    queue = api(council.chief_executive).get(REQUESTS + "queue/").json()
    assert [row["id"] for row in queue["results"]] == [request_id]
    approved = api(council.chief_executive).post(url + "approve/", {"reason": "A fair request."}, format="json")
    assert approved.status_code == 200, approved.json()
    assert (approved.json()["state"], approved.json()["decided_capacity"]) == ("approved", "Chief Executive")

    briefings = api(other_leader).get(REQUESTS + "briefings/").json()["results"]
    assert [(b["id"], b["subject"], b["offered"]) for b in briefings] == [(request_id, "The draft budget", True)]
    assert "scope" not in briefings[0]
    taken_up = api(other_leader).post(
        url + "take-up-equivalent/", {"meeting": meeting_in_a_week(clock, days=8)}, format="json"
    )
    assert taken_up.status_code == 201, taken_up.json()
    assert taken_up.json()["equivalent_of"]["id"] == request_id
    assert taken_up.json()["group"]["id"] == council.groups[1].organization.pk

    accepted = api(officer).post(url + "respond/", {"accept": True}, format="json")
    assert accepted.status_code == 200 and accepted.json()["state"] == workflow.ACCEPTED

    times = attended(officer, AttendanceRequest.objects.get(pk=request_id), clock)
    attested = api(officer).post(url + "attendance/", {**times, "attested": True}, format="json")
    assert attested.status_code == 201, attested.json()
    assert attested.json()["attested"] is True and attested.json()["is_report"] is False
    given = api(officer).post(
        url + "information/",
        {
            "title": "Library usage figures 2025",
            "summary": "Visits by branch, and the cost per visit.",
            "likely_to_be_cited": True,
            "cited_at": "executive",
        },
        format="json",
    )
    assert given.status_code == 201, given.json()
    assert given.json()["likely_to_be_cited"] is True

    seen = api(leader).get(url).json()
    assert seen["state"] == workflow.HELD
    assert [(i["officer"]["id"], i["state"], i["attended"]) for i in seen["invitations"]] == [
        (officer.pk, "accepted", True)
    ]
    for group in council.groups:
        shared = api(group.leader).get("/api/information-shared/").json()["results"]
        assert [row["information"]["title"] for row in shared] == ["Library usage figures 2025"], group
    assert InformationCopy.objects.count() == len(council.groups)


# --- Who sees what (A8, A9) -----------------------------------------------------------------------


def test_another_groups_leader_sees_only_the_facts_of_an_agreed_briefing_A8_A9(council, clock):
    request = approved_request(council, scope="Our group's line on closing branches")
    seen = api(council.groups[1].leader).get(f"{REQUESTS}{request.pk}/")
    assert seen.status_code == 200
    assert set(seen.json()) == {"id", "view", "group", "officers", "date", "subject", "offered"}
    assert seen.json()["view"] == "briefing"
    assert "closing branches" not in seen.content.decode()
    assert api(council.groups[0].leader).get(f"{REQUESTS}{request.pk}/").json()["view"] == "full"


def test_a_request_not_yet_agreed_is_not_found_for_other_groups_and_members_A9(council, clock):
    request = submit_request(council)
    for person in [council.groups[1].leader, council.groups[0].members[0], council.directorates[1].officers[0]]:
        response = api(person).get(f"{REQUESTS}{request.pk}/")
        assert response.status_code == 404
        assert response["Content-Type"] == "application/problem+json"
    assert api(council.groups[1].leader).get(REQUESTS).json()["results"] == []


def test_the_public_register_shows_briefings_that_took_place_with_each_officers_post_and_no_sign_in(council, clock):
    directorate = council.directorates[0]
    officer, director = directorate.officers[0], directorate.director
    request = approved_request(
        council, officers=[officer, director], subject="Library closures", scope="Confidential options"
    )
    assert api().get("/api/public/officer-attendance/").json()["results"] == []
    attended(officer, request, clock)
    for person in [officer, director]:
        attendance.attendance_record_attendance(
            request=request,
            actor=person,
            attested=True,
            arrived_at=request.meeting.starts_at,
            left_at=request.meeting.starts_at + datetime.timedelta(minutes=40),
        )
    rows = api().get("/api/public/officer-attendance/").json()["results"]
    director_post = director.memberships.exclude(post=None).get().post.label
    by_name = {str(officer): f"Officer, {directorate.organization.name}", str(director): director_post}
    assert rows == [
        {
            "group": council.groups[0].organization.name,
            # The officers' posts, in the order of their names, and not the names (A8, docs/open-data.md).
            "posts": [by_name[name] for name in sorted(by_name)],
            "date": request.meeting.starts_at.date().isoformat(),
            "subject": "Library closures",
            "published_on": clock.today.isoformat(),
            "corrected": False,
            "corrected_on": None,
            "correction": "",
        }
    ]
    assert "Confidential" not in api().get("/api/public/officer-attendance/").content.decode()


# --- Each move, and its refusals ------------------------------------------------------------------


def test_a_refusal_without_a_reason_is_rejected_naming_the_rule_A2(council, clock):
    request = submit_request(council)
    refused = api(council.chief_executive).post(f"{REQUESTS}{request.pk}/refuse/", {"reason": "  "}, format="json")
    assert refused.status_code == 400
    body = refused.json()
    assert (body["type"].endswith("rule-violation"), body["rule"], list(body["errors"])) == (True, "A2", ["reason"])
    request.refresh_from_db()
    assert request.state == workflow.SUBMITTED


def test_the_chief_executive_refuses_with_a_reason_the_group_sees_A2(council, clock):
    request = submit_request(council)
    refused = api(council.chief_executive).post(
        f"{REQUESTS}{request.pk}/refuse/", {"reason": "Too close to purdah."}, format="json"
    )
    assert refused.status_code == 200
    seen = api(council.groups[0].leader).get(f"{REQUESTS}{request.pk}/").json()
    assert (seen["state"], seen["decision_reason"]) == ("refused", "Too close to purdah.")


def test_only_the_acting_chief_executive_approves_A2(council, clock):
    request = submit_request(council)
    refused = api(council.monitoring_officer).post(f"{REQUESTS}{request.pk}/approve/", {}, format="json")
    assert refused.status_code == 403 and refused.json()["rule"] == "A2"


def test_an_officer_asked_directly_refers_the_request_to_the_chief_executive_A1(council, clock):
    officer = council.directorates[0].officers[0]
    member = council.groups[0].members[0]
    referred = api(officer).post(
        REQUESTS + "refer/",
        {
            "meeting": meeting_in_a_week(clock),
            "officers": [officer.pk],
            "asked_by": member.pk,
            "subject": "Housing repairs",
            "scope": "The repairs backlog.",
        },
        format="json",
    )
    assert referred.status_code == 201, referred.json()
    body = referred.json()
    assert (body["referred_by"]["id"], body["requested_by"]["id"], body["state"]) == (
        officer.pk,
        member.pk,
        "submitted",
    )
    queue = api(council.chief_executive).get(REQUESTS + "queue/").json()["results"]
    assert [row["id"] for row in queue] == [body["id"]]


def test_the_group_withdraws_and_amends_and_the_chief_executive_cancels_A2_A5(council, clock):
    leader, chief = council.groups[0].leader, council.chief_executive
    amended = submit_request(council)
    response = api(leader).post(
        f"{REQUESTS}{amended.pk}/amend-brief/",
        {"reason": "Wider now", "scope": "Libraries and museums."},
        format="json",
    )
    assert response.status_code == 200 and (response.json()["round"], response.json()["scope"]) == (
        2,
        "Libraries and museums.",
    )

    withdrawn = submit_request(council)
    response = api(leader).post(f"{REQUESTS}{withdrawn.pk}/withdraw/", {"reason": "No longer needed"}, format="json")
    assert response.status_code == 200 and response.json()["state"] == workflow.WITHDRAWN
    again = api(leader).post(f"{REQUESTS}{withdrawn.pk}/withdraw/", {"reason": "No longer needed"}, format="json")
    assert again.status_code == 409 and again.json()["type"].endswith("invalid-transition")

    cancelled = approved_request(council)
    response = api(chief).post(
        f"{REQUESTS}{cancelled.pk}/cancel/", {"reason": "The officer is needed elsewhere"}, format="json"
    )
    assert response.status_code == 200 and response.json()["state"] == workflow.CANCELLED
    no_reason = api(leader).post(f"{REQUESTS}{submit_request(council).pk}/withdraw/", {}, format="json")
    assert no_reason.status_code == 400 and "reason" in no_reason.json()["errors"]


def test_an_officer_declines_after_approval_without_giving_a_reason_A4(council, clock):
    officer = council.directorates[0].officers[0]
    request = approved_request(council, officers=[officer])
    declined = api(officer).post(f"{REQUESTS}{request.pk}/respond/", {"accept": False}, format="json")
    assert declined.status_code == 200 and declined.json()["state"] == workflow.DECLINED


def test_an_officers_report_reaches_the_chief_executive_and_the_monitoring_officer_A13(council, clock):
    officer = council.directorates[0].officers[0]
    request = approved_request(council, officers=[officer])
    times = attended(officer, request, clock)
    reported = api(officer).post(
        f"{REQUESTS}{request.pk}/attendance/",
        {
            **times,
            "attested": False,
            "concerns": ["party-business"],
            "report": "The group discussed its candidate selection while I was there.",
        },
        format="json",
    )
    assert reported.status_code == 201, reported.json()
    assert reported.json()["is_report"] is True
    told = set(Notification.objects.filter(kind="attendance-report").values_list("recipient_id", flat=True))
    assert {council.chief_executive.pk, council.monitoring_officer.pk} <= told


def test_attesting_while_reporting_party_business_is_refused_naming_the_rule_A6(council, clock):
    officer = council.directorates[0].officers[0]
    request = approved_request(council, officers=[officer])
    times = attended(officer, request, clock)
    refused = api(officer).post(
        f"{REQUESTS}{request.pk}/attendance/",
        {**times, "attested": True, "concerns": ["party-business"]},
        format="json",
    )
    assert refused.status_code == 400 and refused.json()["rule"] == "A6"
    assert not AttendanceRecord.objects.exists()


def test_information_marked_likely_to_be_cited_later_goes_to_every_group_and_the_record_closes_A10(council, clock):
    officer = council.directorates[0].officers[0]
    request = approved_request(council, officers=[officer])
    attended(officer, request, clock)
    given = (
        api(officer)
        .post(
            f"{REQUESTS}{request.pk}/information/",
            {"title": "Branch visits", "summary": "Visits by branch."},
            format="json",
        )
        .json()
    )
    assert not InformationCopy.objects.exists()
    assert api(council.groups[1].leader).get(f"/api/attendance-information/{given['id']}/").status_code == 404
    marked = api(council.monitoring_officer).post(
        f"/api/attendance-information/{given['id']}/likely-to-be-cited/", {"cited_at": "council"}, format="json"
    )
    assert marked.status_code == 200 and marked.json()["marked_by"]["id"] == council.monitoring_officer.pk
    assert set(InformationCopy.objects.values_list("group_id", flat=True)) == {
        group.organization.pk for group in council.groups
    }
    closed = api(council.groups[0].leader).post(
        f"{REQUESTS}{request.pk}/close/", {"reason": "Briefing given"}, format="json"
    )
    assert closed.status_code == 200 and closed.json()["state"] == workflow.CLOSED


def test_the_parity_report_counts_each_groups_requests_in_the_period_A11(council, clock):
    approved_request(council)
    attendance.attendance_request_refuse(
        request=submit_request(council, group=1), actor=council.chief_executive, reason="Too late"
    )
    report = api(council.auditor).get(
        "/api/attendance-parity/", {"start": clock.today.isoformat(), "end": clock.today.isoformat()}
    )
    assert report.status_code == 200
    rows = {row["group"]["id"]: row for row in report.json()}
    first, second = (rows[group.organization.pk] for group in council.groups)
    assert (first["made"], first["approved"], second["refused"]) == (1, 1, 1)
    assert (
        api(council.groups[0].leader)
        .get("/api/attendance-parity/", {"start": clock.today.isoformat(), "end": clock.today.isoformat()})
        .status_code
        == 404
    )
    assert api(council.auditor).get("/api/attendance-parity/").status_code == 400


# --- Lists cost the same at 5 and at 50 rows --------------------------------------------------------


def grow(council, clock, count):
    """``count`` briefings of the first group that took place, each with information shared with
    every group, and ``count`` requests awaiting a decision."""
    start = clock.at
    officer = council.directorates[0].officers[0]
    held = [approved_request(council, officers=[officer]) for _ in range(count)]
    waiting = [submit_request(council, group=1) for _ in range(count)]
    clock.set(held[0].meeting.starts_at + datetime.timedelta(hours=2))
    for request in held:
        attendance.attendance_record_attendance(
            request=request,
            actor=officer,
            arrived_at=request.meeting.starts_at,
            left_at=request.meeting.starts_at + datetime.timedelta(minutes=30),
            attested=True,
        )
        attendance.attendance_information_record(
            request=request,
            actor=officer,
            title="Figures",
            summary="Figures.",
            likely_to_be_cited=True,
            cited_at="council",
        )
    clock.set(start)
    return held, waiting


# Each list, who reads it, and how many rows it has for each briefing ``grow`` makes (None: one per group).
LISTS = {
    REQUESTS: ("auditor", 2),
    REQUESTS + "queue/": ("chief_executive", 1),
    REQUESTS + "briefings/": ("other_leader", 1),
    "/api/meetings/": ("auditor", 2),
    "/api/information-shared/": ("other_leader", 1),
    "/api/attendance-parity/": ("auditor", None),
    "/api/public/officer-attendance/": (None, 1),
}


def test_every_attendance_list_costs_the_same_queries_at_5_and_at_50_rows(council, clock):
    readers = {
        "auditor": council.auditor,
        "chief_executive": council.chief_executive,
        "other_leader": council.groups[1].leader,
        None: None,
    }

    def costs(briefings) -> dict[str, int]:
        found = {}
        for url, (reader, rows_each) in LISTS.items():
            client = api(readers[reader])
            query = {"start": "2026-01-01", "end": "2026-12-31"} if rows_each is None else {"page_size": 200}
            client.get(url, query)  # warm caches such as content types
            with CaptureQueriesContext(connection) as captured:
                response = client.get(url, query)
            assert response.status_code == 200, (url, response.json())
            rows = response.json() if rows_each is None else response.json()["results"]
            assert len(rows) == (len(council.groups) if rows_each is None else briefings * rows_each), url
            found[url] = len(captured)
        return found

    grow(council, clock, 5)
    small = costs(5)
    grow(council, clock, 45)
    assert costs(50) == small


def test_an_error_in_a_nested_field_is_named_by_its_path(council, clock):
    response = api(council.groups[0].leader).post(
        REQUESTS,
        {
            "meeting": {"starts_at": "next Tuesday"},
            "officers": [1, "two"],
            "subject": "s",
            "scope": "s",
        },
        format="json",
    )
    assert response.status_code == 400
    assert set(response.json()["errors"]) == {"meeting.starts_at", "officers.1"}
    assert all(isinstance(messages, list) for messages in response.json()["errors"].values())


def test_a_time_the_councils_time_zone_cannot_hold_is_refused_naming_the_field(council, clock):
    response = api(council.groups[0].leader).post(
        REQUESTS,
        {
            "meeting": {"starts_at": "0001-01-01T00:00:00Z", "place": "Room 1"},
            "officers": [1],
            "subject": "s",
            "scope": "s",
        },
        format="json",
    )
    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["starts_at"]


def test_a_subject_and_a_title_of_the_longest_length_allowed_go_through_every_notice(three_groups, clock):
    """The invitation's subject line quotes the briefing's subject, the A10 copy the title: both
    are cut to fit the outbox, never refused by the database."""
    council = three_groups
    officer = council.directorates[0].officers[0]
    asked = api(council.groups[0].leader).post(
        REQUESTS,
        {
            "meeting": meeting_in_a_week(clock),
            "officers": [officer.pk],
            "subject": "S" * 300,
            "scope": "Scope",
        },
        format="json",
    )
    assert asked.status_code == 201
    url = f"{REQUESTS}{asked.json()['id']}/"
    assert api(council.chief_executive).post(url + "approve/", {}, format="json").status_code == 200
    attended(officer, AttendanceRequest.objects.get(pk=asked.json()["id"]), clock)
    given = api(officer).post(
        url + "information/",
        {"title": "T" * 300, "summary": "Summary", "likely_to_be_cited": True, "cited_at": "committee"},
        format="json",
    )
    assert given.status_code == 201
    subjects = Notification.objects.filter(kind__in=["attendance-invitation", "attendance-information-shared"])
    assert subjects.count() >= 2
    assert all(len(notice.subject) <= 300 for notice in subjects)
    assert any(notice.subject.endswith("…") for notice in subjects)


def test_an_empty_date_on_the_public_register_is_refused_not_ignored(council):
    response = api().get("/api/public/officer-attendance/", {"start": ""})
    assert response.status_code == 400 and list(response.json()["errors"]) == ["start"]


def test_a_decision_on_a_brief_amended_since_it_was_read_is_a_conflict_A5(council, clock):
    request = submit_request(council)
    read = api(council.chief_executive).get(f"{REQUESTS}{request.pk}/").json()
    attendance.attendance_request_amend_brief(
        request=request, actor=council.groups[0].leader, reason="Wider", scope="Libraries and museums"
    )
    stale = api(council.chief_executive).post(
        f"{REQUESTS}{request.pk}/approve/", {"round": read["round"]}, format="json"
    )
    assert stale.status_code == 409 and list(stale.json()["errors"]) == ["round"]
    current = api(council.chief_executive).post(
        f"{REQUESTS}{request.pk}/approve/", {"round": read["round"] + 1}, format="json"
    )
    assert current.status_code == 200
