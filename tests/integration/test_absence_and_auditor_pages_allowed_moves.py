"""The Chief Executive's absences page offers recording and cancelling exactly to whom the workflow
allows (A2); auditors are offered no action on any page, even where named in a request (C2); and a
superuser has no rule of their own: the pages treat them by the posts they hold (A2)."""

import datetime
import re

import pytest

from register import selectors, workflow
from register.models import Absence, Person
from register.services import attendance, declarations
from register.services.history import save_with_history
from register.services.people import absence_record
from register.services.system import system_user
from tests.factories import approved_request, make_person, row_counts, submit_request
from tests.integration.declaration_helpers import declare, review
from tests.integration.page_actions import action_controls, demo_roles, links_in, refusal_status, signed_in, text

pytestmark = pytest.mark.usefixtures("clock")

ABSENCE = workflow.ABSENCE
READERS = ("chief executive", "deputy chief executive", "monitoring officer", "auditor")


def absence_form(start: datetime.date, end: datetime.date) -> dict:
    return {
        "start_date_0": start.day,
        "start_date_1": start.month,
        "start_date_2": start.year,
        "end_date_0": end.day,
        "end_date_1": end.month,
        "end_date_2": end.year,
        "reason": "Annual leave",
    }


def offers_recording(response) -> bool:
    return "Record an absence" in text(response) and bool(re.search(r'<form[^>]*method="post"', text(response)))


def test_the_absences_page_offers_recording_and_cancelling_exactly_as_the_workflow_allows_A2(council):
    next_week = selectors.today() + datetime.timedelta(days=7)
    recorded = absence_record(actor=council.chief_executive, reason="Leave", start_date=next_week, end_date=next_week)
    cancel_address = f"/attendance/absence/{recorded.pk}/cancel/"
    later = next_week + datetime.timedelta(days=7)
    for role, person in demo_roles(council).items():
        client, standing = signed_in(person), selectors.standing_of(person)
        may_record = workflow.is_allowed(ABSENCE, workflow.RECORD_ABSENCE, None, standing)
        may_cancel = workflow.is_allowed(ABSENCE, workflow.CANCEL_ABSENCE, recorded, standing)
        page = client.get("/attendance/absence/")
        if role not in READERS:
            assert page.status_code == 404, role
            assert not may_record and not may_cancel, role
        else:
            assert page.status_code == 200, role
            assert offers_recording(page) == may_record, role
            assert (cancel_address in links_in(page)) == may_cancel, role
        before = row_counts()
        if not may_record and role in READERS:
            refused = client.post("/attendance/absence/", absence_form(later, later))
            assert refused.status_code == refusal_status(ABSENCE, workflow.RECORD_ABSENCE, None, person) == 403, role
            assert "(protocol rule A2)" in text(refused)
        if not may_cancel:
            refused = client.post(cancel_address)
            assert refused.status_code == refusal_status(ABSENCE, workflow.CANCEL_ABSENCE, recorded, person), role
            assert refused.status_code == 403, role
        assert row_counts() == before, role


def test_the_deputy_cancels_a_recorded_absence_in_one_step_and_once_only_A2(council):
    next_week = selectors.today() + datetime.timedelta(days=7)
    recorded = absence_record(actor=council.chief_executive, reason="Leave", start_date=next_week, end_date=next_week)
    client = signed_in(council.deputy_chief_executive)
    response = client.post(f"/attendance/absence/{recorded.pk}/cancel/")
    assert response.status_code == 302 and response["Location"] == "/attendance/absence/"
    recorded.refresh_from_db()
    assert recorded.state == Absence.State.CANCELLED
    assert recorded.history.first().history_user == council.deputy_chief_executive
    page = client.get("/attendance/absence/")
    assert "is cancelled" in text(page) and f"/attendance/absence/{recorded.pk}/cancel/" not in links_in(page)
    again = client.post(f"/attendance/absence/{recorded.pk}/cancel/")
    assert again.status_code == 409 and "already cancelled" in text(again)
    assert client.post("/attendance/absence/999999/cancel/").status_code == 404
    assert client.get(f"/attendance/absence/{recorded.pk}/cancel/").status_code == 405


def test_recording_an_absence_that_ends_before_it_starts_is_refused_on_the_form_with_400_A2(council):
    today = selectors.today()
    before = row_counts()
    response = signed_in(council.chief_executive).post(
        "/attendance/absence/", absence_form(today, today - datetime.timedelta(days=1))
    )
    assert response.status_code == 400 and "govuk-error-summary" in text(response)
    assert 'href="#id_end_date' in response.content.decode()
    assert row_counts() == before


def test_an_auditor_is_offered_no_action_on_any_request_declaration_or_absence_page_even_when_named_C2(council, clock):
    auditor, officer = council.auditor, council.directorates[0].officers[0]
    named = submit_request(council, officers=[auditor, officer])
    agreed = approved_request(council, officers=[auditor, officer])
    attendance.attendance_invitation_respond(request=agreed, actor=officer, accept=True)
    held = approved_request(council, officers=[auditor, officer])
    attendance.attendance_invitation_respond(request=held, actor=officer, accept=True)
    absence_record(
        actor=council.chief_executive,
        reason="Leave",
        start_date=selectors.today() + datetime.timedelta(days=9),
        end_date=selectors.today() + datetime.timedelta(days=9),
    )
    members = council.groups[1].members
    declared = [declare(members[0], officer), review(declare(members[1], officer)), declare(officer, members[2])]
    declarations.declaration_acknowledge(actor=members[1], reason="Read", declaration=declared[1])
    client = signed_in(auditor)

    def assert_no_actions():
        pages = [f"/attendance/{request.pk}/" for request in (named, agreed, held)]
        pages += [f"/declarations/{declaration.pk}/" for declaration in declared]
        pages += ["/attendance/queue/", "/attendance/absence/", "/declarations/all/", "/attendance/parity/"]
        for address in pages:
            response = client.get(address)
            assert response.status_code == 200, address
            assert action_controls(response) == [], (address, action_controls(response))
        assert client.get("/attendance/invitations/").status_code == 404

    assert_no_actions()
    # The same pages offer the Chief Executive their moves: the check above can see an action.
    chief = signed_in(council.chief_executive)
    assert action_controls(chief.get(f"/attendance/{named.pk}/")) and action_controls(chief.get("/attendance/absence/"))
    clock.advance(days=8)
    starts = held.meeting.starts_at
    attendance.attendance_record_attendance(
        request=held, actor=officer, arrived_at=starts, left_at=starts + datetime.timedelta(minutes=20), attested=True
    )
    assert_no_actions()
    for suffix in ("respond/", "attendance/", "information/"):
        assert client.get(f"/attendance/{held.pk}/{suffix}").status_code == 403, suffix


def test_a_superuser_holding_no_post_is_not_found_on_the_chief_executives_pages_A2(council):
    """The admin is a superuser's emergency tool; the register's pages treat them by the posts they
    hold, like anyone else: holding none, they see no queue, no request and no absence."""
    superuser = make_person(Person.Kind.OFFICER)
    superuser.is_superuser = superuser.is_staff = True
    save_with_history(superuser, actor=system_user(), reason="Test data", update_fields=["is_superuser", "is_staff"])
    request = submit_request(council)
    client = signed_in(superuser)
    for address in ("/attendance/queue/", "/attendance/parity/", "/attendance/absence/", f"/attendance/{request.pk}/"):
        assert client.get(address).status_code == 404, address
    assert client.get(f"/attendance/{request.pk}/decide/").status_code == 404
    home = client.get("/")
    assert "Administration" in text(home) and "Attendance decisions" not in text(home)
