"""Issue 16, point 3: every notice leads to the page where its reader acts (the request's page, the
decision, accept or decline, the take-up of an equivalent briefing, the review, the re-confirmation),
in the inbox and, as an absolute address, in the e-mail; a link to a record its reader may not (or
no longer) see is "not found"."""

import datetime

from django.conf import settings
from django.db import transaction
from django.test import Client

from register import selectors
from register.models import Membership, Notification, Post
from register.services import attendance, people
from register.services.declarations import declaration_withdraw
from register.services.delivery import deliver
from register.services.history import save_with_history
from register.services.notifications import notify
from register.services.system import system_user
from tests.factories import approved_request, meeting, submit_request
from tests.integration.declaration_helpers import declare, review

IN_APP, EMAIL = Notification.Channel.IN_APP, Notification.Channel.EMAIL


def signed_in(person) -> Client:
    client = Client()
    client.force_login(person)
    return client


def the_notice(kind, recipient) -> Notification:
    return Notification.objects.get(kind=kind, recipient=recipient, channel=IN_APP)


def opens(person, path) -> int:
    return signed_in(person).get(path).status_code


def test_the_acting_chief_executive_is_led_to_the_decision_A1_A2(council, officer):
    request = submit_request(council, officers=[officer])
    notice = the_notice("attendance-decision-needed", council.chief_executive)
    assert (notice.link_label, notice.link_path) == ("Decide the request", f"/attendance/{request.pk}/decide/")
    assert opens(council.chief_executive, notice.link_path) == 200


def test_an_invited_officer_is_led_to_accept_or_decline_A4(council, officer):
    request = approved_request(council, officers=[officer])
    notice = the_notice("attendance-invitation", officer)
    assert (notice.link_label, notice.link_path) == ("Accept or decline", f"/attendance/{request.pk}/respond/")
    page = signed_in(officer).get(notice.link_path)
    assert page.status_code == 200 and "Accept" in page.content.decode()


def test_the_group_is_led_to_its_decided_request(council, officer):
    request = approved_request(council, officers=[officer])
    notice = the_notice("attendance-request-decided", council.groups[0].leader)
    assert notice.link_path == f"/attendance/{request.pk}/"
    assert opens(council.groups[0].leader, notice.link_path) == 200


def test_an_offer_of_an_equivalent_briefing_leads_to_taking_it_up_and_a_mere_notice_to_the_facts_A3_A8(
    three_groups, officer
):
    council = three_groups
    original = approved_request(council, officers=[officer], subject="Care home fees")
    second, third = council.groups[1].leader, council.groups[2].leader
    offer = the_notice("attendance-briefing-notice", second)
    assert (offer.link_label, offer.link_path) == (
        "Take up the same briefing for your group",
        f"/attendance/same/{original.pk}/",
    )
    assert offer.about_id is None, "the notice is still not a way into the request itself (A9)"
    page = signed_in(second).get(offer.link_path)
    assert page.status_code == 200 and "Care home fees" in page.content.decode()

    # The second group takes it up and is agreed it: the first group, which had it already, is told
    # and led to the briefings of other groups; the third, which has not, is offered it again.
    equivalent = attendance.attendance_request_take_up_equivalent(actor=second, original=original, meeting=meeting())
    attendance.attendance_request_approve(request=equivalent, actor=council.chief_executive, reason="Agreed as before")
    told = Notification.objects.get(
        kind="attendance-briefing-notice", recipient=council.groups[0].leader, channel=IN_APP
    )
    assert told.link_path == "/attendance/other-groups/"
    assert opens(council.groups[0].leader, told.link_path) == 200
    again = Notification.objects.filter(kind="attendance-briefing-notice", recipient=third, channel=IN_APP)
    assert {n.link_path for n in again} == {f"/attendance/same/{original.pk}/"}


def test_a_declaration_leads_its_reviewer_to_the_review_the_declarant_to_the_advice_and_the_other_to_their_own_B1_B3(
    council, officer
):
    member = council.groups[0].members[0]
    declaration = declare(member, officer)
    to_review = the_notice("declaration-to-review", declaration.reviewer)
    assert to_review.link_path == f"/declarations/{declaration.pk}/review/"
    assert opens(declaration.reviewer, to_review.link_path) == 200
    names_you = the_notice("declaration-names-you", officer)
    assert names_you.link_path == "/declarations/naming-you/"
    assert opens(officer, names_you.link_path) == 200
    review(declaration)
    reviewed = the_notice("declaration-reviewed", member)
    assert (reviewed.link_label, reviewed.link_path) == (
        "Read the advice and acknowledge it",
        f"/declarations/{declaration.pk}/",
    )
    assert opens(member, reviewed.link_path) == 200


def test_a_withdrawn_declaration_leads_the_person_named_to_what_names_them_not_to_the_declaration_B1(council, officer):
    member = council.groups[0].members[0]
    declaration = declare(member, officer)
    declaration_withdraw(actor=member, reason="Declared in error", declaration=declaration)
    to_officer = the_notice("declaration-withdrawn", officer)
    to_reviewer = the_notice("declaration-withdrawn", declaration.reviewer)
    assert to_officer.link_path == "/declarations/naming-you/"
    assert to_reviewer.link_path == f"/declarations/{declaration.pk}/"
    assert opens(officer, to_officer.link_path) == 200
    assert opens(declaration.reviewer, to_reviewer.link_path) == 200


def test_a_re_confirmation_notice_leads_to_the_confirmation_page_B6(council):
    member = council.groups[0].members[0]
    with transaction.atomic():
        notify(
            cause="link-test",
            kind="declarations-confirmation-due",
            recipients=[member],
            about=member,
            actor=None,
            context={"due_on": datetime.date(2026, 6, 1), "what_counts": [], "what_does_not_count": []},
        )
    notice = the_notice("declarations-confirmation-due", member)
    assert (notice.link_label, notice.link_path) == ("Re-confirm your declarations", "/declarations/confirm/")
    assert opens(member, notice.link_path) == 200


def test_the_deputy_told_of_the_chief_executives_absence_is_led_to_the_decisions_A2(council):
    today = selectors.today()
    people.absence_record(actor=council.chief_executive, reason="Leave", start_date=today, end_date=today)
    notice = the_notice("absence-recorded", council.deputy_chief_executive)
    assert notice.link_path == "/attendance/queue/"
    assert opens(council.deputy_chief_executive, notice.link_path) == 200


def test_every_notice_of_a_busy_day_leads_its_reader_to_a_page_they_can_open(three_groups, officer):
    """Whatever the kind, a notice's link opens for its reader when it arrives. (Once the thing is
    done, an action page says that it cannot be done now: 409, tested with the pages.)"""
    council = three_groups
    other_officer = council.directorates[0].officers[1]
    checked, kinds = set(), set()

    def every_new_notice_opens():
        for notice in Notification.objects.filter(channel=IN_APP).exclude(pk__in=checked).select_related("recipient"):
            assert notice.link_path, f"{notice.kind} leads nowhere"
            assert opens(notice.recipient, notice.link_path) == 200, (notice.kind, notice.link_path)
            checked.add(notice.pk)
            kinds.add(notice.kind)

    request = submit_request(council, officers=[officer, other_officer])
    every_new_notice_opens()
    attendance.attendance_request_approve(request=request, actor=council.chief_executive, reason="Agreed")
    every_new_notice_opens()
    attendance.attendance_invitation_respond(request=request, actor=officer, accept=True)
    attendance.attendance_invitation_respond(request=request, actor=other_officer, accept=False, reason="")
    every_new_notice_opens()
    declaration = declare(council.groups[0].members[0], officer)
    every_new_notice_opens()
    review(declaration)
    every_new_notice_opens()
    assert kinds >= {
        "attendance-decision-needed",
        "attendance-request-decided",
        "attendance-invitation",
        "attendance-briefing-notice",
        "attendance-officer-declined",
        "declaration-to-review",
        "declaration-names-you",
        "declaration-reviewed",
    }


def test_a_link_to_a_record_the_reader_may_not_see_is_not_found(council, officer):
    request = approved_request(council, officers=[officer])
    invitation = the_notice("attendance-invitation", officer)
    decided = the_notice("attendance-request-decided", council.groups[0].leader)
    # Someone else following the link: the record is not revealed to them.
    assert opens(council.groups[1].leader, invitation.link_path) == 404
    assert opens(council.groups[1].leader, decided.link_path) == 404
    # The leader who has stepped down no longer sees their former group's request.
    leadership = Membership.objects.get(person=council.groups[0].leader, post__role=Post.Role.GROUP_LEADER)
    yesterday = selectors.today() - datetime.timedelta(days=1)
    people.membership_end(actor=system_user(), reason="Stood down", membership=leadership, end_date=yesterday)
    assert opens(council.groups[0].leader, decided.link_path) == 404
    assert opens(officer, invitation.link_path) == 200, "while the officer named still reaches it"
    assert request.state == "approved"


def test_the_e_mail_carries_the_same_link_as_an_absolute_address(council, officer):
    request = approved_request(council, officers=[officer])
    email = Notification.objects.get(kind="attendance-invitation", recipient=officer, channel=EMAIL)
    in_app = the_notice("attendance-invitation", officer)
    url = f"{settings.SITE_URL}/attendance/{request.pk}/respond/"
    assert email.link_path == in_app.link_path
    assert f"Accept or decline: {url}" in email.body_text
    assert f'<a href="{url}">Accept or decline</a>' in email.body_html
    assert url not in in_app.body_text, "the inbox shows the link itself, not the address"


def test_the_inbox_shows_each_notice_with_its_link(council, officer):
    request = approved_request(council, officers=[officer])
    notice = the_notice("attendance-invitation", officer)
    deliver(notice.pk)
    html = signed_in(officer).get("/notices/").content.decode()
    assert f'href="/attendance/{request.pk}/respond/"' in html
    assert "Accept or decline</a>" in html


def test_a_notice_written_before_links_still_shows_in_the_inbox(council):
    today = selectors.today()
    people.absence_record(actor=council.chief_executive, reason="Leave", start_date=today, end_date=today)
    deputy = council.deputy_chief_executive
    notice = the_notice("absence-recorded", deputy)
    notice.link_path = notice.link_label = ""  # as a notice written before links were stored
    save_with_history(
        notice, actor=system_user(), reason="Test: an older notice", update_fields=["link_path", "link_label"]
    )
    deliver(notice.pk)
    html = signed_in(deputy).get("/notices/").content.decode()
    assert notice.subject in html and "register-notice-link" not in html
