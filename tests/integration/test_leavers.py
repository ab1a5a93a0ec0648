"""Recording a leaver (issue 17, point 3): their posts and memberships end on their last day, their
open invitations lapse (A4), requests they made stay with the group (A1), declarations naming them
end (B1) and those they reviewed go to whoever holds the post now (B3, B4), everyone affected is
told, they can no longer sign in, their history stays (C1, C3); all of it or none of it."""

import datetime

import pytest
from django.test import Client

from register import workflow
from register.errors import InvalidTransition, NotFound, NotPermitted, RuleViolation
from register.models import (
    AttendanceInvitation,
    AttendanceRequest,
    Declaration,
    Membership,
    Notification,
    Person,
    Post,
)
from register.services import attendance, declarations, people
from register.services.people.leavers import person_leave
from tests.factories import TERM_START, approved_request, row_counts, submit_request

Role = Post.Role
PASSWORD = "correct horse battery staple 17"


def told(kind: str) -> set[int]:
    return set(Notification.objects.filter(kind=kind, channel="in-app").values_list("recipient_id", flat=True))


def leave(council, person, left_on, reason="Resigned: last day of notice"):
    return person_leave(actor=council.democratic_services, reason=reason, person=person, left_on=left_on)


def declare(declarant, other_person, began_on=TERM_START):
    return declarations.declaration_submit(
        actor=declarant,
        reason="Declared under the protocol",
        other_person=other_person,
        kind=Declaration.Kind.FRIENDSHIP,
        began_on=began_on,
        description="We play in the same five-a-side team.",
    )


def test_an_officers_open_invitation_lapses_and_the_group_and_chief_executive_are_told_A4(council, clock):
    """An officer who leaves before the meeting will not attend: the invitation lapses, the request
    stays approved with the group, and the group's leader, deputy and the Chief Executive are told (A4)."""
    officer = council.directorates[0].officers[0]
    request = approved_request(council, officers=[officer])
    group = council.groups[0]

    plan = leave(council, officer, clock.today)

    invitation = AttendanceInvitation.objects.get(request=request, officer=officer)
    assert invitation.state == workflow.LAPSED
    assert invitation.state_label == "Lapsed (the officer has left)"
    assert AttendanceRequest.objects.get(pk=request.pk).state == workflow.APPROVED
    assert [i.pk for i in plan.invitations] == [invitation.pk]
    assert told("attendance-officer-left") == {group.leader.pk, group.deputy.pk, council.chief_executive.pk}
    notice = Notification.objects.filter(kind="attendance-officer-left", channel="email").first()
    assert str(officer) in notice.subject and notice.link_path == f"/attendance/{request.pk}/"


def test_an_invitation_to_a_meeting_on_or_before_the_last_day_stays_A4(council, clock):
    """An officer still works on their last day: a briefing that day is theirs to attend (A4)."""
    officer = council.directorates[0].officers[0]
    request = approved_request(council, officers=[officer])

    leave(council, officer, request.meeting.starts_at.date())

    assert AttendanceInvitation.objects.get(request=request, officer=officer).state == workflow.INVITED
    assert told("attendance-officer-left") == set()


def test_requests_a_leader_made_stay_with_the_group_and_the_new_leader_acts_on_them_A1(council, clock):
    """A councillor who stands down takes nothing of the group's with them: its request stays
    awaiting a decision, and the group's new leader sees it and withdraws it (A1)."""
    group = council.groups[0]
    request = submit_request(council, actor=group.leader)
    leader_post = Membership.objects.get(person=group.leader, post__role=Role.GROUP_LEADER).post

    plan = leave(council, group.leader, clock.today, reason="Stood down as a councillor")
    people.post_appoint(
        actor=council.democratic_services,
        reason="Elected leader by the group",
        person=group.members[0],
        post=leader_post,
        start_date=clock.today + datetime.timedelta(days=1),
    )
    clock.advance(days=1)

    assert [r.pk for r in plan.requests_staying] == [request.pk]
    assert AttendanceRequest.objects.get(pk=request.pk).state == workflow.SUBMITTED
    attendance.attendance_request_withdraw(request=request, actor=group.members[0], reason="No longer needed")
    assert AttendanceRequest.objects.get(pk=request.pk).state == workflow.WITHDRAWN
    with pytest.raises(NotFound):
        attendance.attendance_request_amend_brief(request=request, actor=group.leader, reason="x", scope="y")


def test_declarations_naming_a_leaver_end_on_their_last_day_and_the_others_are_told_B1(council, clock):
    """A relationship with someone who has left ends on their last day (B1): the declaration made
    by the member about the officer, and the officer's own, are ended, and the member and the
    reviewers are told; the leaver is not."""
    member, officer = council.groups[0].members[0], council.directorates[0].officers[0]
    about_officer = declare(member, officer)
    officers_own = declare(officer, member)
    left_on = clock.today - datetime.timedelta(days=2)

    leave(council, officer, left_on)

    for declaration in (about_officer, officers_own):
        declaration.refresh_from_db()
        assert declaration.state == Declaration.State.ENDED
        assert declaration.ended_on == left_on
    reviewers = {about_officer.reviewer_id, officers_own.reviewer_id}
    assert told("declaration-ended-person-left") == {member.pk, *reviewers}
    assert officer.pk not in told("declaration-ended-person-left")
    to_member = Notification.objects.get(
        kind="declaration-ended-person-left", recipient=member, about_id=officers_own.pk, channel="in-app"
    )
    assert to_member.link_path == "/declarations/naming-you/"


def test_a_members_declaration_goes_to_the_deputy_when_the_monitoring_officer_leaves_B3(council, clock):
    """A declaration routed to a reviewer who has left goes to whoever holds the reviewing post now:
    a member's, with the Monitoring Officer gone, to the Deputy (B3); both are told."""
    member, officer = council.groups[0].members[0], council.directorates[0].officers[0]
    declaration = declare(member, officer)
    assert declaration.reviewer == council.monitoring_officer

    leave(council, council.monitoring_officer, clock.today, reason="Retired")

    declaration.refresh_from_db()
    assert declaration.reviewer == council.deputy_monitoring_officer
    assert declaration.state == Declaration.State.SUBMITTED
    assert council.deputy_monitoring_officer.pk in told("declaration-to-review")
    assert told("declaration-reviewer-left") == {member.pk}


def test_an_officers_declaration_goes_to_the_director_when_the_assistant_director_leaves_B4(council, clock):
    """An officer's declaration, routed to their Assistant Director, goes to their Director when the
    Assistant Director leaves (B4)."""
    place = council.directorates[0]
    declaration = declare(place.officers[0], council.groups[0].members[0])
    reviewer_before = declaration.reviewer
    assert reviewer_before in (place.assistant_director, place.director)

    leave(council, reviewer_before, clock.today)

    declaration.refresh_from_db()
    assert declaration.reviewer not in (reviewer_before, None)
    assert declaration.reviewer in (place.assistant_director, place.director, council.chief_executive)
    assert declaration.reviewer.pk in told("declaration-to-review")


def test_posts_and_memberships_end_on_the_last_day_and_the_history_stays_C1_C3(council, clock):
    """Nothing is deleted (C3): the leaver, their posts and memberships stay, ended on their last
    day; every row changed names Democratic Services and the reason (C1)."""
    director = council.directorates[0].director
    holdings_before = Membership.objects.filter(person=director).count()
    left_on = clock.today + datetime.timedelta(days=30)

    leave(council, director, left_on, reason="Retired after 30 years")

    director.refresh_from_db()
    assert director.left_on == left_on
    holdings = Membership.objects.filter(person=director)
    assert holdings.count() == holdings_before == 2
    assert {holding.end_date for holding in holdings} == {left_on}
    latest = director.history.latest()
    assert latest.history_user == council.democratic_services and latest.history_change_reason == (
        "Retired after 30 years"
    )
    for holding in holdings:
        row = holding.history.latest()
        assert row.history_user == council.democratic_services
        assert "Retired after 30 years" in row.history_change_reason and "left the council" in row.history_change_reason
    assert Person.objects.filter(pk=director.pk).exists()


def test_a_leaver_cannot_sign_in_from_the_day_after_their_last_day_and_their_session_ends(council, clock):
    """On their last day a leaver still signs in; from the next day they are refused with a clear
    message, and a session they still hold stops working."""
    officer = council.directorates[0].officers[0]
    people.person_set_password(actor=council.system, reason="Test data", person=officer, raw_password=PASSWORD)
    leave(council, officer, clock.today)

    session = Client()
    signed_in = session.post("/sign-in/", {"username": officer.username, "password": PASSWORD})
    assert signed_in.status_code == 302
    assert session.get("/notices/").status_code == 200

    clock.advance(days=1)
    assert session.get("/notices/").status_code == 302  # to the sign-in page: the session no longer counts
    refused = Client().post("/sign-in/", {"username": officer.username, "password": PASSWORD})
    assert refused.status_code == 200
    assert "you left the council on" in refused.content.decode().replace("&#x27;", "'")
    wrong = Client().post("/sign-in/", {"username": officer.username, "password": "not the password"})
    assert "left the council" not in wrong.content.decode()


def test_nothing_is_saved_when_a_declaration_can_find_no_reviewer_B3(council, clock):
    """All or nothing: when a declaration the leaver reviews could go to nobody (no Deputy
    Monitoring Officer, no Chief Executive), the leaver is refused, naming the reviewer, and
    nothing at all is saved (B3)."""
    member, officer = council.groups[0].members[0], council.directorates[0].officers[0]
    declare(member, officer)
    approved_request(council, officers=[council.monitoring_officer])
    for role in (Role.DEPUTY_MONITORING_OFFICER, Role.CHIEF_EXECUTIVE):
        people.membership_end(
            actor=council.democratic_services,
            reason="Post vacant",
            membership=Membership.objects.get(post__role=role),
            end_date=clock.today - datetime.timedelta(days=1),
        )
    before = row_counts()

    with pytest.raises(RuleViolation) as refused:
        leave(council, council.monitoring_officer, clock.today)

    assert refused.value.field == "reviewer"
    assert row_counts() == before


def test_nothing_is_saved_when_a_later_step_fails(council, clock, monkeypatch):
    """All or nothing: a failure after the posts have ended and the invitation lapsed (telling
    the new reviewer) undoes everything, notices included."""
    member, officer = council.groups[0].members[0], council.directorates[0].officers[0]
    declare(member, officer)
    approved_request(council, officers=[council.monitoring_officer])
    before = row_counts()

    def broken(*args, **kwargs):
        raise RuntimeError("the mail template is missing")

    monkeypatch.setattr("register.services.people.leavers.tell_reviewer", broken)
    with pytest.raises(RuntimeError):
        leave(council, council.monitoring_officer, clock.today)

    assert row_counts() == before
    assert Person.objects.get(pk=council.monitoring_officer.pk).left_on is None


def test_a_leaving_date_before_their_first_post_is_refused_naming_the_field(council, clock):
    """A leaver date before they started is refused with the field named (issue 17, bad input)."""
    officer = council.directorates[0].officers[0]
    for left_on in (TERM_START - datetime.timedelta(days=1), clock.today + datetime.timedelta(days=400), None):
        with pytest.raises(RuleViolation) as refused:
            leave(council, officer, left_on)
        assert refused.value.field == "left_on"
    assert Person.objects.get(pk=officer.pk).left_on is None


def test_a_leaver_without_a_reason_is_refused_naming_the_field(council, clock):
    with pytest.raises(RuleViolation) as refused:
        leave(council, council.directorates[0].officers[0], clock.today, reason="  ")
    assert refused.value.field == "reason"


def test_a_second_leaver_record_is_a_state_conflict(council, clock):
    """Someone recorded as having left cannot leave again: a conflict of state, nothing changed."""
    officer = council.directorates[0].officers[0]
    leave(council, officer, clock.today)
    before = row_counts()
    with pytest.raises(InvalidTransition) as refused:
        leave(council, officer, clock.today - datetime.timedelta(days=1))
    assert "already recorded as having left" in refused.value.message
    assert row_counts() == before


def test_only_democratic_services_record_a_leaver_A1(council, clock):
    """The Monitoring Officer reads people's records but may not record a leaver (refused naming
    the rule); someone who may not read them is told there is no such person (A1)."""
    officer = council.directorates[0].officers[0]
    with pytest.raises(NotPermitted) as refused:
        person_leave(actor=council.monitoring_officer, reason="x", person=officer, left_on=clock.today)
    assert refused.value.rule == "A1"
    for outsider in (council.chief_executive, council.groups[0].leader, officer):
        with pytest.raises(NotFound):
            person_leave(actor=outsider, reason="x", person=officer, left_on=clock.today)
    assert Person.objects.get(pk=officer.pk).left_on is None


# --- The page ------------------------------------------------------------------------------------


def signed_in(person) -> Client:
    client = Client()
    client.force_login(person)
    return client


def date_fields(day: datetime.date) -> dict:
    return {"left_on_0": day.day, "left_on_1": day.month, "left_on_2": day.year}


def test_the_page_shows_what_will_happen_before_anything_is_saved_then_records_it_A4(council, clock):
    """Democratic Services give the last day and the reason, see the invitation that lapses and who
    is told, with nothing saved yet; confirming records it all (A4)."""
    officer = council.directorates[0].officers[0]
    approved_request(council, officers=[officer])
    client = signed_in(council.democratic_services)
    address = f"/people/{officer.pk}/leave/"
    assert client.get(address).status_code == 200

    preview = client.post(address, {**date_fields(clock.today), "reason": "Resigned"})
    text = preview.content.decode()
    assert preview.status_code == 200
    assert "Check what happens when they leave" in text and "Red Group meeting on" in text
    assert str(council.chief_executive) in text and "Record that they left" in text
    assert Person.objects.get(pk=officer.pk).left_on is None

    done = client.post(address, {**date_fields(clock.today), "reason": "Resigned", "confirm": "yes"})
    assert done.status_code in (200, 302)
    assert Person.objects.get(pk=officer.pk).left_on == clock.today
    assert AttendanceInvitation.objects.get(officer=officer).state == workflow.LAPSED


def test_the_page_refuses_a_leaving_date_before_their_start_on_the_date_field(council, clock):
    officer = council.directorates[0].officers[0]
    refused = signed_in(council.democratic_services).post(
        f"/people/{officer.pk}/leave/", {**date_fields(TERM_START - datetime.timedelta(days=3)), "reason": "Resigned"}
    )
    assert refused.status_code == 400
    assert "cannot have left on" in refused.content.decode()
    assert 'href="#id_left_on"' in refused.content.decode()
    assert Person.objects.get(pk=officer.pk).left_on is None


def test_only_democratic_services_open_the_leaver_page_A1(council, clock):
    """The Monitoring Officer, who reads people's records, is refused naming the rule (403); anyone
    else finds no such person (404); a leaver already recorded is a conflict (409) (A1)."""
    officer = council.directorates[0].officers[0]
    address = f"/people/{officer.pk}/leave/"
    assert signed_in(council.monitoring_officer).get(address).status_code == 403
    assert signed_in(council.groups[0].leader).get(address).status_code == 404
    assert signed_in(council.chief_executive).post(address, {"reason": "x"}).status_code == 404
    leave(council, officer, clock.today)
    assert signed_in(council.democratic_services).get(address).status_code == 409


def test_every_notice_a_leaver_causes_opens_for_its_reader(council, clock):
    """Each notice of a leaver (an invitation lapsed, a declaration ended, one sent on to a new
    reviewer) leads to a page its reader may open."""
    member, officer = council.groups[0].members[0], council.directorates[0].officers[0]
    declare(member, officer)
    declare(council.groups[1].members[0], council.directorates[1].officers[0])
    approved_request(council, officers=[council.monitoring_officer])
    kinds = set()
    for leaver, reason in ((council.monitoring_officer, "Retired"), (officer, "Resigned")):
        before = Notification.objects.order_by("-id").values_list("id", flat=True).first()
        leave(council, leaver, clock.today, reason=reason)
        for notice in Notification.objects.filter(channel="in-app", id__gt=before).select_related("recipient"):
            assert notice.link_path, notice.kind
            opened = signed_in(notice.recipient).get(notice.link_path)
            assert opened.status_code == 200, (notice.kind, notice.link_path)
            kinds.add(notice.kind)
    assert kinds == {
        "attendance-officer-left",
        "declaration-ended-person-left",
        "declaration-reviewer-left",
        "declaration-to-review",
    }


def test_a_leavers_api_token_stops_working_from_the_day_after_their_last_day(council, clock, settings):
    """The API refuses a leaver's token as the pages refuse their session (401) from the day after a
    last day recorded ahead of time, and a new token is not issued to them."""
    import datetime

    from rest_framework.test import APIClient

    settings.API_TOKEN_HOURS = 72  # so that the token outlives the days the test moves through
    officer = council.directorates[0].officers[0]
    people.person_set_password(actor=council.system, reason="Test data", person=officer, raw_password=PASSWORD)
    client = APIClient()
    issued = client.post("/api/token/", {"username": officer.username, "password": PASSWORD}, format="json")
    client.credentials(HTTP_AUTHORIZATION=f"Token {issued.json()['token']}")
    leave(council, officer, clock.today + datetime.timedelta(days=1))
    assert client.get("/api/me/").status_code == 200

    clock.advance(days=1)
    assert client.get("/api/me/").status_code == 200
    clock.advance(days=1)
    refused = client.get("/api/me/")
    assert refused.status_code == 401
    assert refused.json()["type"].endswith("/token-holder-left")
    again = APIClient().post("/api/token/", {"username": officer.username, "password": PASSWORD}, format="json")
    assert again.status_code == 401 and "token" not in again.json()
