"""Information given to a group: never confidential where others are present (A7), and a copy to
every group when it is likely to be cited at the Council, the Executive or a committee (A10)."""

import datetime

import pytest

from register import selectors
from register.errors import InvalidTransition, NotFound, NotPermitted, RuleViolation
from register.models import InformationCopy, InformationProvided, Notification
from register.services import attendance
from tests.factories import approved_request, row_counts, submit_request


def held(council, clock, officer, **options):
    request = approved_request(council, officers=[officer], **options)
    clock.set(request.meeting.starts_at + datetime.timedelta(hours=2))
    attendance.attendance_record_attendance(
        request=request,
        actor=officer,
        arrived_at=request.meeting.starts_at,
        left_at=request.meeting.starts_at + datetime.timedelta(minutes=30),
        attested=True,
    )
    return request


def give(request, officer, **options):
    options.setdefault("title", "Library usage figures 2025")
    options.setdefault("summary", "Visits by branch, and the cost per visit.")
    return attendance.attendance_information_record(request=request, actor=officer, **options)


# --- A7 --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("classification", ["confidential", "exempt"])
def test_confidential_or_exempt_information_cannot_be_recorded_where_others_were_present_A7(
    council, clock, officer, classification
):
    request = held(council, clock, officer, meeting_options={"others_present": True})
    before = row_counts()
    with pytest.raises(RuleViolation) as refused:
        give(request, officer, classification=classification)
    assert refused.value.rule == "A7"
    assert refused.value.field == "classification"
    assert row_counts() == before


def test_open_information_can_be_recorded_where_others_were_present_A7(council, clock, officer):
    request = held(council, clock, officer, meeting_options={"others_present": True})
    assert give(request, officer).classification == "open"


def test_confidential_information_can_be_recorded_at_a_members_only_meeting_A7(council, clock, officer):
    request = held(council, clock, officer)
    assert give(request, officer, classification="exempt").classification == "exempt"


# --- A10 -------------------------------------------------------------------------------------------


def test_information_likely_to_be_cited_goes_to_every_group_leader_with_delivery_recorded_per_group_A10(
    three_groups, clock, officer, django_capture_on_commit_callbacks
):
    council = three_groups
    request = held(council, clock, officer)
    with django_capture_on_commit_callbacks(execute=True):
        information = give(request, officer, likely_to_be_cited=True, cited_at="executive")

    copies = InformationCopy.objects.filter(information=information).select_related("notification")
    assert {(c.group, c.recipient) for c in copies} == {(g.organization, g.leader) for g in council.groups}
    assert {c.delivery for c in copies} == {"Sent"}
    for copy in copies:
        assert copy.notification.channel == "email"
        assert "Library usage figures 2025" in copy.notification.body_text
        assert "the Executive" in copy.notification.body_text
    assert information.marked_by == officer


def test_information_not_likely_to_be_cited_stays_with_the_group_A10(council, clock, officer):
    request = held(council, clock, officer)
    give(request, officer)
    assert not InformationCopy.objects.exists()
    assert not Notification.objects.filter(kind="attendance-information-shared").exists()


def test_marking_information_later_still_sends_it_to_every_group_A10(council, clock, officer):
    request = held(council, clock, officer)
    information = give(request, officer)
    attendance.attendance_request_close(request=request, actor=council.chief_executive, reason="Briefing done")
    clock.advance(days=20)

    marked = attendance.attendance_information_mark_likely_to_be_cited(
        information=information,
        actor=council.chief_executive,
        cited_at="council",
        reason="It is in the budget report",
    )
    assert marked.likely_to_be_cited and marked.marked_by == council.chief_executive
    assert InformationCopy.objects.filter(information=information).count() == len(council.groups)


def test_information_is_marked_likely_to_be_cited_once_A10(council, clock, officer):
    request = held(council, clock, officer)
    information = give(request, officer, likely_to_be_cited=True, cited_at="committee")
    with pytest.raises(InvalidTransition):
        attendance.attendance_information_mark_likely_to_be_cited(
            information=information, actor=officer, cited_at="council"
        )
    assert InformationCopy.objects.filter(information=information).count() == len(council.groups)


def test_marking_needs_where_it_will_be_cited_A10(council, clock, officer):
    request = held(council, clock, officer)
    with pytest.raises(RuleViolation) as refused:
        give(request, officer, likely_to_be_cited=True)
    assert refused.value.rule == "A10"
    assert refused.value.field == "cited_at"


def test_only_the_officer_who_gave_it_or_the_chief_executive_or_monitoring_officer_marks_it_A10(
    council, clock, officer
):
    request = held(council, clock, officer)
    information = give(request, officer)
    with pytest.raises(NotPermitted):
        attendance.attendance_information_mark_likely_to_be_cited(
            information=information, actor=council.groups[0].leader, cited_at="council"
        )
    with pytest.raises(NotFound):
        attendance.attendance_information_mark_likely_to_be_cited(
            information=information, actor=council.groups[1].leader, cited_at="council"
        )
    attendance.attendance_information_mark_likely_to_be_cited(
        information=information, actor=council.monitoring_officer, cited_at="council"
    )
    assert InformationProvided.objects.get(pk=information.pk).likely_to_be_cited


def test_only_an_officer_named_in_the_request_records_information_A10(council, clock, officer):
    request = held(council, clock, officer)
    with pytest.raises(NotPermitted):
        give(request, council.chief_executive)


def test_information_is_not_recorded_for_a_briefing_that_was_never_agreed_A10(council, clock, officer):
    request = submit_request(council, officers=[officer])
    with pytest.raises(InvalidTransition):
        give(request, officer)


def test_every_group_leader_sees_the_copies_sent_to_their_group_A10(council, clock, officer):
    request = held(council, clock, officer)
    information = give(request, officer, likely_to_be_cited=True, cited_at="council")
    other = council.groups[1]
    shared = list(selectors.information_shared_with(viewer=other.leader))
    assert [(c.information, c.group) for c in shared] == [(information, other.organization)]
    assert len(selectors.information_shared_with(viewer=council.auditor)) == len(council.groups)
    with pytest.raises(NotFound):
        selectors.information_shared_with(viewer=other.members[0])
