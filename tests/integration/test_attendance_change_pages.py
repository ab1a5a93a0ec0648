"""The attendance pages that change a request after it was made, and the officer's referral: the
Chief Executive cancels an agreed briefing (A2); the Chief Executive or the group closes the record;
the group amends its brief (A5, A7); information is marked likely to be cited later (A10); an officer
asked directly refers the request to the Chief Executive (A1).

For each page: who gets it, who gets "page not found", the explanation for someone who may see the
request but not take the action, the refusal in the error summary naming the field or the rule with
nothing changed, and the change made on success, linked from the request's page only for those who
may make it."""

import pytest

from register import workflow
from register.models import AttendanceRequest, InformationCopy, Person
from register.services import attendance
from tests.factories import LONDON, approved_request, make_person, row_counts, submit_request
from tests.integration.test_attendance_pages import error_summary, meeting_form, next_week, signed_in, text

pytestmark = pytest.mark.usefixtures("clock")


def brief_form(request, **changes) -> dict:
    """What the amend page posts when nothing is changed but ``changes``."""
    meeting = request.meeting
    starts = meeting.starts_at.astimezone(LONDON)
    form = meeting_form(
        starts.date(),
        starts_at=f"{starts:%H:%M}",
        ends_at="",
        place=meeting.place,
        subject=request.subject,
        scope=request.scope,
        needs_confidential_information="yes" if request.needs_confidential_information else "no",
    )
    form.update(changes)
    return form


def messages_on(client, address) -> str:
    return text(client.get(address))


# --- Cancel an agreed briefing (A2) ----------------------------------------------------------------


def test_cancel_page_is_for_the_acting_chief_executive_and_not_found_for_whoever_may_not_see_the_request_A2(council):
    request = approved_request(council)
    address = f"/attendance/{request.pk}/cancel/"
    assert signed_in(council.chief_executive).get(address).status_code == 200
    assert signed_in(council.groups[1].leader).get(address).status_code == 404
    assert signed_in(council.directorates[0].officers[1]).get(address).status_code == 404
    for person in (council.groups[0].leader, council.deputy_chief_executive, council.monitoring_officer):
        response = signed_in(person).get(address)
        assert response.status_code == 403, person
        assert "can cancel an agreed briefing (protocol rule A2)" in text(response)


def test_cancel_page_is_linked_from_the_request_only_for_the_acting_chief_executive_A2(council):
    request = approved_request(council)
    link = f'href="/attendance/{request.pk}/cancel/"'
    assert link in text(signed_in(council.chief_executive).get(f"/attendance/{request.pk}/"))
    assert link not in text(signed_in(council.groups[0].leader).get(f"/attendance/{request.pk}/"))
    assert link not in text(signed_in(council.monitoring_officer).get(f"/attendance/{request.pk}/"))


def test_cancel_page_needs_a_reason_and_saves_nothing_without_one_A2(council):
    request = approved_request(council)
    before = row_counts()
    response = signed_in(council.chief_executive).post(f"/attendance/{request.pk}/cancel/", {"reason": "  "})
    assert "Give a reason for cancelling the briefing" in error_summary(response)
    assert response.content.decode().count("<title>Error:") == 1
    assert row_counts() == before


def test_cancel_page_cancels_an_agreed_briefing_and_says_who_is_told_A2(council):
    request = approved_request(council)
    client = signed_in(council.chief_executive)
    response = client.post(f"/attendance/{request.pk}/cancel/", {"reason": "The officer is needed at an inquiry"})
    assert response.status_code == 302 and response["Location"] == f"/attendance/{request.pk}/"
    request.refresh_from_db()
    assert request.state == workflow.CANCELLED and request.closing_reason == "The officer is needed at an inquiry"
    page = messages_on(client, f"/attendance/{request.pk}/")
    assert "The briefing is cancelled" in page and "Cancelled by the Chief Executive" in page


def test_cancel_page_explains_that_a_request_not_yet_agreed_is_not_cancelled_A2(council):
    request = submit_request(council)
    response = signed_in(council.chief_executive).get(f"/attendance/{request.pk}/cancel/")
    assert response.status_code == 409 and "You cannot cancel this request" in text(response)


def test_cancel_page_refuses_once_the_meeting_has_begun_naming_what_to_do_instead_A2(council, clock):
    request = approved_request(council)
    clock.advance(days=8)
    before = row_counts()
    response = signed_in(council.chief_executive).post(f"/attendance/{request.pk}/cancel/", {"reason": "Too late"})
    assert "The meeting has already begun; close it instead" in error_summary(response)
    assert row_counts() == before


# --- Close the record after the meeting ------------------------------------------------------------


def test_close_page_is_for_the_acting_chief_executive_and_the_group_A2(council, clock):
    request = approved_request(council)
    clock.advance(days=8)
    address = f"/attendance/{request.pk}/close/"
    for person in (council.chief_executive, council.groups[0].leader, council.groups[0].deputy):
        assert signed_in(person).get(address).status_code == 200, person
    assert signed_in(council.groups[1].leader).get(address).status_code == 404
    response = signed_in(council.directorates[0].officers[0]).get(address)
    assert response.status_code == 403 and "closes the record of a briefing" in text(response)
    link = f'href="{address}"'
    assert link in text(signed_in(council.groups[0].leader).get(f"/attendance/{request.pk}/"))
    assert link not in text(signed_in(council.directorates[0].officers[0]).get(f"/attendance/{request.pk}/"))


def test_close_page_refuses_before_the_meeting_and_is_not_offered_then(council):
    request = approved_request(council)
    client = signed_in(council.groups[0].leader)
    assert f'href="/attendance/{request.pk}/close/"' not in text(client.get(f"/attendance/{request.pk}/"))
    before = row_counts()
    response = client.post(f"/attendance/{request.pk}/close/", {"reason": "Not needed"})
    assert "The meeting has not taken place yet: withdraw or cancel the request instead" in error_summary(response)
    assert row_counts() == before


def test_close_page_closes_the_record_after_the_meeting_with_a_reason(council, clock):
    request = approved_request(council)
    clock.advance(days=8)
    client = signed_in(council.groups[0].leader)
    assert "Give a reason for closing the record" in error_summary(client.post(f"/attendance/{request.pk}/close/", {}))
    response = client.post(f"/attendance/{request.pk}/close/", {"reason": "The meeting went ahead without officers"})
    assert response["Location"] == f"/attendance/{request.pk}/"
    request.refresh_from_db()
    assert request.state == workflow.CLOSED
    assert "The record of the briefing is closed" in messages_on(client, f"/attendance/{request.pk}/")


# --- Amend the brief (A5, A7) -------------------------------------------------------------------


def test_amend_page_is_for_the_group_and_explained_to_the_chief_executive_A5(council):
    request = submit_request(council)
    address = f"/attendance/{request.pk}/amend/"
    assert signed_in(council.groups[0].leader).get(address).status_code == 200
    assert signed_in(council.groups[0].deputy).get(address).status_code == 200
    assert signed_in(council.groups[1].leader).get(address).status_code == 404
    response = signed_in(council.chief_executive).get(address)
    assert response.status_code == 403 and "can amend its brief" in text(response)
    link = f'href="{address}"'
    assert link in text(signed_in(council.groups[0].leader).get(f"/attendance/{request.pk}/"))
    assert link not in text(signed_in(council.chief_executive).get(f"/attendance/{request.pk}/"))


def test_amend_page_is_filled_with_the_current_brief_and_the_A5_to_A7_guidance(council):
    request = submit_request(council, subject="Adult social care charging", scope="The charging policy options")
    page = text(signed_in(council.groups[0].leader).get(f"/attendance/{request.pk}/amend/"))
    assert "Adult social care charging</textarea>" in page and "The charging policy options</textarea>" in page
    assert f'value="{request.meeting.starts_at.astimezone(LONDON).day}"' in page
    assert 'value="18:00"' in page and 'value="Committee Room 1"' in page
    assert "agreed in advance" in page and "neither a councillor nor an officer" in page


def test_amend_page_sends_an_approved_brief_back_for_a_decision_and_asks_the_officers_again_A5(council):
    request = approved_request(council)
    officer = council.directorates[0].officers[0]
    attendance.attendance_invitation_respond(request=request, actor=officer, accept=True)
    client = signed_in(council.groups[0].leader)
    page = text(client.get(f"/attendance/{request.pk}/amend/"))
    assert "An amended brief goes back for a new decision" in page
    response = client.post(
        f"/attendance/{request.pk}/amend/",
        brief_form(
            request, scope="The charging options, and the consultation's results", reason="The consultation closed"
        ),
    )
    assert response["Location"] == f"/attendance/{request.pk}/"
    request.refresh_from_db()
    assert request.state == workflow.SUBMITTED and request.round == 2 and request.decision == ""
    assert request.scope == "The charging options, and the consultation's results"
    assert request.invitations.get().state == workflow.INVITED
    assert "Officers who had accepted are asked again" in messages_on(client, f"/attendance/{request.pk}/")


def test_amend_page_refuses_an_amendment_that_changes_nothing_and_saves_nothing_A5(council):
    request = submit_request(council)
    before = row_counts()
    response = signed_in(council.groups[0].leader).post(
        f"/attendance/{request.pk}/amend/", brief_form(request, reason="Just checking")
    )
    assert "Nothing in the brief or the meeting has changed" in error_summary(response)
    assert row_counts() == before


def test_amend_page_refuses_confidential_information_with_others_present_naming_the_rule_A7(council):
    request = submit_request(council)
    before = row_counts()
    response = signed_in(council.groups[0].leader).post(
        f"/attendance/{request.pk}/amend/",
        brief_form(
            request,
            others_present="yes",
            others_present_description="A party researcher",
            needs_confidential_information="yes",
            reason="The researcher will come",
        ),
    )
    assert "(protocol rule A7)" in error_summary(response)
    assert row_counts() == before


def test_amend_page_needs_a_reason_A5(council):
    request = submit_request(council)
    response = signed_in(council.groups[0].leader).post(
        f"/attendance/{request.pk}/amend/", brief_form(request, scope="Something else")
    )
    assert "Give a reason for amending the brief" in error_summary(response)
    request.refresh_from_db()
    assert request.round == 1


def test_amend_page_explains_that_a_refused_request_is_not_amended_A5(council):
    request = submit_request(council)
    attendance.attendance_request_refuse(request=request, actor=council.chief_executive, reason="No capacity")
    response = signed_in(council.groups[0].leader).get(f"/attendance/{request.pk}/amend/")
    assert response.status_code == 409 and "You cannot amend the brief of this request: it is refused" in text(response)


# --- Mark information likely to be cited, later (A10) ---------------------------------------------


def information_given(council, **options):
    request = approved_request(council, **options)
    officer = council.directorates[0].officers[0]
    attendance.attendance_invitation_respond(request=request, actor=officer, accept=True)
    information = attendance.attendance_information_record(
        request=request, actor=officer, title="Library footfall", summary="Visits fell by a tenth."
    )
    return request, information


def test_likely_to_be_cited_page_is_for_the_officer_the_acting_chief_executive_and_the_monitoring_officer_A10(council):
    request, information = information_given(council)
    address = f"/attendance/{request.pk}/information/{information.pk}/likely-to-be-cited/"
    for person in (council.directorates[0].officers[0], council.chief_executive, council.monitoring_officer):
        assert signed_in(person).get(address).status_code == 200, person
    for person in (council.groups[1].leader, council.directorates[0].officers[1]):
        assert signed_in(person).get(address).status_code == 404, person
    for person in (council.groups[0].leader, council.auditor):
        response = signed_in(person).get(address)
        assert response.status_code == 403 and "(protocol rule A10)" in text(response), person


def test_likely_to_be_cited_page_is_not_found_under_another_request_A10(council):
    request, information = information_given(council)
    other = approved_request(council)
    response = signed_in(council.chief_executive).get(
        f"/attendance/{other.pk}/information/{information.pk}/likely-to-be-cited/"
    )
    assert response.status_code == 404


def test_likely_to_be_cited_is_linked_from_the_information_on_the_request_page_for_those_who_may_mark_A10(council):
    request, information = information_given(council)
    link = f'href="/attendance/{request.pk}/information/{information.pk}/likely-to-be-cited/"'
    assert link in text(signed_in(council.directorates[0].officers[0]).get(f"/attendance/{request.pk}/"))
    assert link in text(signed_in(council.monitoring_officer).get(f"/attendance/{request.pk}/"))
    assert link not in text(signed_in(council.groups[0].leader).get(f"/attendance/{request.pk}/"))


def test_likely_to_be_cited_page_refuses_without_where_naming_the_rule_and_saves_nothing_A10(council):
    request, information = information_given(council)
    before = row_counts()
    response = signed_in(council.directorates[0].officers[0]).post(
        f"/attendance/{request.pk}/information/{information.pk}/likely-to-be-cited/", {}
    )
    assert "Say where it is likely to be cited" in error_summary(response)
    assert "(protocol rule A10)" in error_summary(response)
    assert row_counts() == before


def test_likely_to_be_cited_page_marks_it_and_every_group_gets_a_copy_once_A10(council):
    request, information = information_given(council)
    address = f"/attendance/{request.pk}/information/{information.pk}/likely-to-be-cited/"
    client = signed_in(council.directorates[0].officers[0])
    response = client.post(address, {"cited_at": "committee", "reason": "The scrutiny committee will discuss it"})
    assert response["Location"] == f"/attendance/{request.pk}/"
    information.refresh_from_db()
    assert information.likely_to_be_cited and information.cited_at == "committee"
    assert InformationCopy.objects.filter(information=information).count() == len(council.groups)
    assert "Library footfall" in text(signed_in(council.groups[1].leader).get("/attendance/shared/"))
    assert "a copy has gone to every group" in messages_on(client, f"/attendance/{request.pk}/")
    again = client.get(address)
    assert again.status_code == 409 and "already marked as likely to be cited" in text(again)


# --- An officer asked directly refers the request (A1) ---------------------------------------------


def referral_form(asked_by, officers, **extra) -> dict:
    return meeting_form(
        next_week(),
        asked_by=asked_by.pk,
        officers=[officer.pk for officer in officers],
        subject="Highways maintenance",
        scope="The resurfacing programme for next year",
        needs_confidential_information="no",
        **extra,
    )


def test_refer_page_is_for_officers_and_refused_to_councillors_naming_A1(council):
    officer = council.directorates[0].officers[0]
    assert signed_in(officer).get("/attendance/refer/").status_code == 200
    assert signed_in(council.groups[0].leader).get("/attendance/refer/").status_code == 403
    assert signed_in(council.groups[0].members[0]).get("/attendance/refer/").status_code == 403
    assert 'href="/attendance/refer/"' in text(signed_in(officer).get("/attendance/invitations/"))


def test_refer_page_refuses_a_referral_that_does_not_name_the_referring_officer_A1(council):
    officer, other = council.directorates[0].officers[:2]
    before = row_counts()
    response = signed_in(officer).post("/attendance/refer/", referral_form(council.groups[0].members[0], [other]))
    summary = error_summary(response)
    assert "name yourself among the officers asked" in summary and "(protocol rule A1)" in summary
    assert 'href="#id_officers' in response.content.decode()
    assert row_counts() == before


def test_refer_page_refuses_a_councillor_in_no_political_group_naming_the_field_A1(council):
    officer = council.directorates[0].officers[0]
    co_opted = make_person(Person.Kind.MEMBER, member_type=Person.MemberType.CO_OPTED)
    before = row_counts()
    response = signed_in(officer).post("/attendance/refer/", referral_form(co_opted, [officer]))
    assert "is not a member of a political group" in error_summary(response)
    assert 'href="#id_asked_by"' in response.content.decode()
    assert row_counts() == before


def test_refer_page_records_the_request_for_the_councillors_group_and_the_chief_executive_decides_A1(council):
    officer, member = council.directorates[0].officers[0], council.groups[1].members[0]
    client = signed_in(officer)
    assert f'<option value="{officer.pk}" selected>' in text(client.get("/attendance/refer/"))
    response = client.post("/attendance/refer/", referral_form(member, [officer]))
    referred = AttendanceRequest.objects.get()
    assert response["Location"] == f"/attendance/{referred.pk}/"
    assert referred.referred_by == officer and referred.requested_by == member
    assert referred.group == council.groups[1].organization and referred.state == workflow.SUBMITTED
    assert "referred to the Chief Executive, who decides it (A1)" in messages_on(client, f"/attendance/{referred.pk}/")
    assert signed_in(council.groups[1].leader).get(f"/attendance/{referred.pk}/").status_code == 200
    assert referred.subject in text(signed_in(council.chief_executive).get("/attendance/queue/"))
