"""The attendance pages offer each person exactly the moves the workflow allows them now
(``workflow.allowed_moves`` for their standing), and a link that is not shown, followed anyway, is
refused with the status its refusal maps to (A1-A13).

One request in each state, looked at by every demo role: the request's own page, the Chief
Executive's queue, the group's list and the officer's invitations."""

import datetime

import pytest

from register import selectors, workflow
from register.models import AttendanceInvitation, AttendanceRequest, InformationProvided
from register.services import attendance
from register.services.people import absence_record
from tests.factories import approved_request, submit_request
from tests.integration.page_actions import demo_roles, follow_not_shown, links_in, refusal_status, signed_in
from tests.integration.test_attendance_change_pages import brief_form

pytestmark = pytest.mark.usefixtures("clock")

REQUEST, INVITATION = workflow.ATTENDANCE_REQUEST, workflow.ATTENDANCE_INVITATION

# Each action link on a request's page: the page it leads to and the moves that page is for.
REQUEST_LINKS = {
    "decide/": (workflow.APPROVE, workflow.REFUSE),
    "respond/": (workflow.ACCEPT, workflow.DECLINE),
    "withdraw/": (workflow.WITHDRAW,),
    "amend/": (workflow.AMEND_BRIEF,),
    "cancel/": (workflow.CANCEL,),
    "close/": (workflow.CLOSE,),
    "attendance/": (workflow.RECORD_ATTENDANCE,),
    "information/": (workflow.RECORD_INFORMATION,),
}

STATES = [
    "submitted",
    "refused",
    "withdrawn",
    "approved",
    "cancelled",
    "approved, the officer declined",
    "approved, the officer accepted",
    "approved, the meeting has begun",
    "held",
    "closed",
]


def request_in(council, clock, state: str) -> AttendanceRequest:
    """A request of the first group naming the first officer of Place, brought to ``state`` through
    the services (the meeting a week ahead, or begun where the state says so)."""
    chief, leader, officer = council.chief_executive, council.groups[0].leader, council.directorates[0].officers[0]
    if state in ("submitted", "refused", "withdrawn"):
        request = submit_request(council)
        if state == "refused":
            attendance.attendance_request_refuse(request=request, actor=chief, reason="No capacity")
        if state == "withdrawn":
            attendance.attendance_request_withdraw(request=request, actor=leader, reason="The meeting moved")
        return request
    request = approved_request(council)
    if state == "cancelled":
        attendance.attendance_request_cancel(request=request, actor=chief, reason="An inquiry")
    if state == "approved, the officer declined":
        attendance.attendance_invitation_respond(request=request, actor=officer, accept=False)
    if state in ("approved", "cancelled", "approved, the officer declined"):
        return request
    attendance.attendance_invitation_respond(request=request, actor=officer, accept=True)
    if state == "approved, the officer accepted":
        return request
    clock.advance(days=8)
    if state == "approved, the meeting has begun":
        return request
    starts = request.meeting.starts_at
    attendance.attendance_record_attendance(
        request=request,
        actor=officer,
        arrived_at=starts,
        left_at=starts + datetime.timedelta(minutes=30),
        attested=True,
    )
    attendance.attendance_information_record(
        request=request, actor=officer, title="Library footfall", summary="Visits fell by a tenth."
    )
    if state == "closed":
        attendance.attendance_request_close(request=request, actor=chief, reason="The briefing took place")
    return request


def fresh(request: AttendanceRequest) -> AttendanceRequest:
    return AttendanceRequest.objects.select_related("meeting").get(pk=request.pk)


def invitation_of(person, request: AttendanceRequest) -> AttendanceInvitation:
    """The person's invitation to the request, or (not named) one that is no one's, which the
    workflow refuses to anyone but the officer invited (A4)."""
    invitation = AttendanceInvitation.objects.filter(request=request, officer=person).first()
    invitation = invitation or AttendanceInvitation(officer_id=None, state=workflow.INVITED)
    invitation.request = request
    return invitation


def allowed(person, request: AttendanceRequest) -> set[str]:
    """The oracle: what the workflow lets the person do with the request, and with their invitation."""
    standing = selectors.standing_of(person)
    return set(workflow.allowed_moves(REQUEST, request, standing)) | set(
        workflow.allowed_moves(INVITATION, invitation_of(person, request), standing)
    )


def expected_refusals(person, request: AttendanceRequest, moves: tuple[str, ...]) -> set[int]:
    """The statuses following a page for ``moves`` may give the person when none is allowed."""
    return {
        refusal_status(INVITATION, move, invitation_of(person, request), person)
        if move in (workflow.ACCEPT, workflow.DECLINE)
        else refusal_status(REQUEST, move, request, person)
        for move in moves
    }


def form_for(suffix: str, request: AttendanceRequest, person) -> dict:
    """A form for the page that is valid in itself and asks for a change of state, so that only
    the workflow can refuse it (an officer who accepted is asked to decline)."""
    answer = "decline" if invitation_of(person, request).state == workflow.ACCEPTED else "accept"
    return {
        "decide/": {"decision": "approve", "reason": "Agreed", "round": request.round},
        "respond/": {"answer": answer},
        "withdraw/": {"reason": "Not needed now"},
        "amend/": brief_form(request, scope="A wider scope", reason="The group wants more"),
        "cancel/": {"reason": "Not needed now"},
        "close/": {"reason": "The meeting took place"},
        "attendance/": {"arrived_at": "18:00", "left_at": "18:30", "attested": "on"},
        "information/": {
            "title": "Figures",
            "summary": "A table",
            "classification": "open",
            "likely_to_be_cited": "no",
        },
    }[suffix]


@pytest.mark.parametrize("state", STATES)
def test_the_request_page_offers_each_role_exactly_the_moves_the_workflow_allows_A1_to_A13(council, clock, state):
    request = request_in(council, clock, state)
    found = fresh(request)
    for role, person in demo_roles(council).items():
        client = signed_in(person)
        page = client.get(f"/attendance/{request.pk}/")
        visible = page.status_code == 200
        assert page.status_code in (200, 404), role
        moves = allowed(person, found) if visible else set()
        links = links_in(page) if visible else set()
        for suffix, link_moves in REQUEST_LINKS.items():
            address = f"/attendance/{request.pk}/{suffix}"
            shown = address in links
            assert shown == bool(moves & set(link_moves)), (state, role, suffix, moves)
            if shown:
                assert client.get(address).status_code == 200, (state, role, suffix)
            else:
                follow_not_shown(
                    client, address, expected_refusals(person, found, link_moves), form_for(suffix, found, person)
                )


@pytest.mark.parametrize("state", ["held", "closed"])
def test_information_is_offered_to_mark_likely_to_be_cited_exactly_to_whom_the_workflow_allows_A10(
    council, clock, state
):
    request = request_in(council, clock, state)
    information = InformationProvided.objects.select_related("request__meeting").get(request=request)
    address = f"/attendance/{request.pk}/information/{information.pk}/likely-to-be-cited/"
    for role, person in demo_roles(council).items():
        client = signed_in(person)
        page = client.get(f"/attendance/{request.pk}/")
        shown = page.status_code == 200 and address in links_in(page)
        may = workflow.is_allowed(
            workflow.INFORMATION, workflow.MARK_LIKELY_TO_BE_CITED, information, selectors.standing_of(person)
        )
        assert shown == may, (state, role)
        if shown:
            assert client.get(address).status_code == 200, role
        else:
            expected = {refusal_status(workflow.INFORMATION, workflow.MARK_LIKELY_TO_BE_CITED, information, person)}
            follow_not_shown(client, address, expected, None)


def test_the_queue_offers_decide_exactly_to_the_acting_chief_executive_A2(council, clock):
    """Each row's "Decide" follows the workflow: the Chief Executive, and the Deputy only once the
    Chief Executive's absence is recorded; the Monitoring Officer and auditors read the queue and
    are refused the decision with 403 naming A2."""
    requests = [submit_request(council), submit_request(council, group=1)]
    roles = demo_roles(council)
    readers = ["chief executive", "deputy chief executive", "monitoring officer", "auditor"]

    def check():
        for role in readers:
            person, client = roles[role], signed_in(roles[role])
            links = links_in(client.get("/attendance/queue/"))
            for request in requests:
                address = f"/attendance/{request.pk}/decide/"
                may = bool(allowed(person, fresh(request)) & {workflow.APPROVE, workflow.REFUSE})
                assert (address in links) == may, role
                if not may:
                    follow_not_shown(
                        client, address, expected_refusals(person, fresh(request), REQUEST_LINKS["decide/"]), None
                    )
        for role in set(roles) - set(readers):
            assert signed_in(roles[role]).get("/attendance/queue/").status_code == 404, role

    check()
    assert f"/attendance/{requests[0].pk}/decide/" not in links_in(
        signed_in(roles["deputy chief executive"]).get("/attendance/queue/")
    )
    today = selectors.today()
    absence_record(actor=council.chief_executive, reason="Leave", start_date=today, end_date=today)
    check()
    assert f"/attendance/{requests[0].pk}/decide/" in links_in(
        signed_in(roles["deputy chief executive"]).get("/attendance/queue/")
    )


def test_the_groups_list_offers_amend_withdraw_and_close_exactly_as_the_workflow_allows_A1_A5(council, clock):
    """Before the meeting the group may amend and withdraw what is open; once it has begun, only
    close an agreed briefing; a refused request offers nothing."""
    requests = [
        submit_request(council),
        approved_request(council),
        request_in(council, clock, "refused"),
        request_in(council, clock, "withdrawn"),
    ]
    roles = demo_roles(council)
    links_by_move = {"amend/": workflow.AMEND_BRIEF, "withdraw/": workflow.WITHDRAW, "close/": workflow.CLOSE}

    def check():
        for role in ("group leader", "deputy group leader"):
            person, client = roles[role], signed_in(roles[role])
            links = links_in(client.get("/attendance/"))
            for request in requests:
                moves = allowed(person, fresh(request))
                for suffix, move in links_by_move.items():
                    address = f"/attendance/{request.pk}/{suffix}"
                    assert (address in links) == (move in moves), (role, request.state, suffix)
                    if address not in links:
                        follow_not_shown(
                            client,
                            address,
                            expected_refusals(person, fresh(request), (move,)),
                            form_for(suffix, request, person),
                        )

    check()
    clock.advance(days=8)
    check()


def test_the_invitations_page_offers_each_answer_and_record_exactly_as_the_workflow_allows_A4_A6_A10(council, clock):
    """The officer's own invitations: answer while the request is open and the meeting ahead;
    record attendance once it has begun, unless declined or already recorded; record information
    given while attending."""
    officer = council.directorates[0].officers[0]
    waiting = submit_request(council)
    accepted = approved_request(council)
    attendance.attendance_invitation_respond(request=accepted, actor=officer, accept=True)
    declined = approved_request(council)
    attendance.attendance_invitation_respond(request=declined, actor=officer, accept=False)
    refused = request_in(council, clock, "refused")
    requests = [waiting, accepted, declined, refused]
    client = signed_in(officer)
    per_link = {
        "respond/": (workflow.ACCEPT, workflow.DECLINE),
        "attendance/": (workflow.RECORD_ATTENDANCE,),
        "information/": (workflow.RECORD_INFORMATION,),
    }

    def check():
        links = links_in(client.get("/attendance/invitations/"))
        for request in requests:
            moves = allowed(officer, fresh(request))
            for suffix, link_moves in per_link.items():
                address = f"/attendance/{request.pk}/{suffix}"
                assert (address in links) == bool(moves & set(link_moves)), (request.state, suffix, moves)
                if address not in links:
                    follow_not_shown(
                        client,
                        address,
                        expected_refusals(officer, fresh(request), link_moves),
                        form_for(suffix, fresh(request), officer),
                    )

    check()
    clock.advance(days=8)
    check()
    starts = accepted.meeting.starts_at
    attendance.attendance_record_attendance(
        request=accepted,
        actor=officer,
        arrived_at=starts,
        left_at=starts + datetime.timedelta(minutes=20),
        attested=True,
    )
    check()
