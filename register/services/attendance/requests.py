"""Asking for officers to brief a group meeting: submit and refer (A1), take up an equivalent (A3);
and the group changing its mind: amend the brief (A5, A7) or withdraw the request."""

from collections.abc import Iterable

from django.db import transaction
from django.utils import timezone

from register import selectors, workflow
from register.errors import NotFound, RuleViolation
from register.models import AttendanceInvitation, AttendanceRequest, GroupMeeting, Person
from register.services.attendance import notices
from register.services.attendance.common import (
    DECISION_FIELDS,
    REQUEST,
    MeetingDetails,
    check_brief,
    check_confidentiality,
    check_meeting,
    check_officers,
    group_led,
    ids,
    lock_for,
    require_reason,
    set_decision_due,
    standing_of,
)
from register.services.history import save_with_history

INVITATION = workflow.ATTENDANCE_INVITATION


def attendance_request_submit(
    *,
    actor: Person,
    reason: str = "",
    meeting: MeetingDetails,
    officers: Iterable[Person | int],
    subject: str,
    scope: str,
    needs_confidential_information: bool = False,
) -> AttendanceRequest:
    """A group leader, or the deputy leader on their behalf, asks the Chief Executive for officers
    to brief a meeting of their group (A1)."""
    standing = standing_of(actor)
    workflow.require(REQUEST, workflow.SUBMIT, None, standing)
    group, capacity = group_led(standing)
    return _create_request(
        move=workflow.SUBMIT,
        actor=actor,
        reason=reason or "Request submitted",
        group=group,
        requested_by=actor,
        capacity=capacity,
        meeting=meeting,
        officers=officers,
        subject=subject,
        scope=scope,
        needs_confidential_information=needs_confidential_information,
    )


def attendance_request_refer(
    *,
    actor: Person,
    reason: str = "",
    asked_by: Person,
    meeting: MeetingDetails,
    officers: Iterable[Person | int],
    subject: str,
    scope: str,
    needs_confidential_information: bool = False,
) -> AttendanceRequest:
    """An officer who was asked directly records the request as referred to the Chief Executive,
    who decides it; the officer does not (A1). The request belongs to the group, whose leader is
    told; the member who asked sees it only if they lead or deputise for the group."""
    standing = standing_of(actor)
    workflow.require(REQUEST, workflow.REFER, None, standing)
    officers = list(officers)
    if actor.pk not in ids(officers):
        raise RuleViolation(
            "A referral is recorded by an officer who was asked directly: name yourself among the officers asked.",
            rule="A1",
            field="officers",
        )
    today = standing.on
    group = selectors.group_of(asked_by, today) if asked_by.is_member else None
    if group is None:
        raise RuleViolation(
            f"{asked_by} is not a member of a political group, so this is not a request for a group meeting.",
            field="asked_by",
        )
    if not any(led.pk == group.pk for led, _person in selectors.group_leaders(today)):
        # After an election a group may have neither leader nor deputy until it reports them:
        # nobody could then see or act for its request (A1).
        raise RuleViolation(
            f"No leader recorded for the {group}, so no request can be made for it until Democratic Services "
            "record the group's leader or deputy leader.",
            rule="A1",
            field="asked_by",
        )
    led = dict((g.pk, capacity) for g, capacity in selectors.groups_led_by(asked_by, today))
    capacity = led.get(group.pk) or f"Member of the {group}, who asked {actor} directly"
    return _create_request(
        move=workflow.REFER,
        actor=actor,
        reason=reason or "Referred to the Chief Executive",
        group=group,
        requested_by=asked_by,
        capacity=capacity,
        meeting=meeting,
        officers=officers,
        subject=subject,
        scope=scope,
        needs_confidential_information=needs_confidential_information,
        referred_by=actor,
    )


def attendance_request_take_up_equivalent(
    *,
    actor: Person,
    reason: str = "",
    original: AttendanceRequest,
    meeting: MeetingDetails,
    scope: str = "",
    needs_confidential_information: bool = False,
) -> AttendanceRequest:
    """Another group's leader takes up, in one step, the equivalent of an approved briefing: the
    same subject and officers, linked to the original, for a meeting of their own group (A3).

    The original's scope is that group's own (A9), so it is not copied: the new group may give
    its own, and otherwise the brief is the subject."""
    standing = standing_of(actor)
    with transaction.atomic():
        # Locked, so that two take-ups by one group at once cannot both pass the check below.
        root = _lock_original(original)
        if root.decision != AttendanceRequest.Decision.APPROVED or root.state not in workflow.AGREED_REQUEST_STATES:
            raise NotFound("There is no such briefing to take up.")
        workflow.require(REQUEST, workflow.TAKE_UP_EQUIVALENT, root, standing, state=workflow.NEW)
        group, capacity = group_led(standing, other_than=root.group_id)
        already = AttendanceRequest.objects.filter(
            equivalent_of=root, group=group, state__in=workflow.OPEN_REQUEST_STATES | {workflow.CLOSED}
        ).first()
        if already is not None:
            raise RuleViolation(
                f"Your group has already asked for an equivalent of this briefing (request {already.pk}).", rule="A3"
            )
        fact = selectors.briefing_fact(root)
        officers = [invitation.officer for invitation in root.invitations.select_related("officer")]
        return _create_request(
            move=workflow.TAKE_UP_EQUIVALENT,
            actor=actor,
            reason=reason or f"Equivalent of the briefing given to the {root.group} taken up (A3)",
            group=group,
            requested_by=actor,
            capacity=capacity,
            meeting=meeting,
            officers=officers,
            subject=root.subject,
            scope=scope.strip()
            or (
                f"An equivalent of the briefing given to the {fact.group} on {fact.date.day} {fact.date:%B %Y}: "
                f"{fact.subject}."
            ),
            needs_confidential_information=needs_confidential_information,
            equivalent_of=root,
        )


def _lock_original(original: AttendanceRequest) -> AttendanceRequest:
    try:
        found = (
            AttendanceRequest.objects.select_for_update(no_key=True, of=("self",))
            .select_related("group")
            .get(pk=original.pk)
        )
    except AttendanceRequest.DoesNotExist:
        raise NotFound("There is no such briefing to take up.") from None
    if found.equivalent_of_id is not None:
        # An equivalent of an equivalent is an equivalent of the first briefing.
        return _lock_original(found.equivalent_of)
    return found


def _create_request(
    *,
    move,
    actor,
    reason,
    group,
    requested_by,
    capacity,
    meeting,
    officers,
    subject,
    scope,
    needs_confidential_information,
    referred_by=None,
    equivalent_of=None,
) -> AttendanceRequest:
    now = selectors.now()
    subject, scope = check_brief(subject, scope)
    meeting = check_meeting(meeting, now)
    check_confidentiality(meeting.others_present, needs_confidential_information)
    officer_list = check_officers(officers, on=timezone.localtime(meeting.starts_at).date())
    with transaction.atomic():
        meeting_row = GroupMeeting(
            group=group,
            starts_at=meeting.starts_at,
            ends_at=meeting.ends_at,
            place=meeting.place.strip(),
            online=meeting.online,
            others_present=meeting.others_present,
            others_present_description=meeting.others_present_description.strip(),
        )
        save_with_history(meeting_row, actor=actor, reason=reason)
        request = AttendanceRequest(
            group=group,
            meeting=meeting_row,
            requested_by=requested_by,
            requested_capacity=capacity,
            referred_by=referred_by,
            referred_at=now if referred_by else None,
            subject=subject,
            scope=scope,
            needs_confidential_information=needs_confidential_information,
            equivalent_of=equivalent_of,
            state=workflow.next_state(REQUEST, workflow.NEW, move),
            created_at=now,
            submitted_at=now,
        )
        set_decision_due(request, now, meeting.starts_at)
        save_with_history(request, actor=actor, reason=reason)
        for officer in officer_list:
            invitation = AttendanceInvitation(
                request=request,
                officer=officer,
                state=workflow.next_state(INVITATION, workflow.NEW, workflow.NAME_IN_REQUEST),
            )
            save_with_history(invitation, actor=actor, reason=reason)
        notices.tell_decision_maker(request, actor=actor, why=move, warnings=notices.warnings_for(request))
        if referred_by is not None:
            notices.tell_group_of_referral(request, actor)
    return request


def attendance_request_withdraw(*, request: AttendanceRequest, actor: Person, reason: str) -> AttendanceRequest:
    """The group withdraws its request: before a decision at any time, once agreed before the meeting."""
    standing = standing_of(actor)
    with transaction.atomic():
        request, target = lock_for(request, workflow.WITHDRAW, standing)
        reason = require_reason(reason, "withdrawing the request")
        was_agreed = request.state == workflow.APPROVED
        request.state = target
        request.closing_reason = reason
        save_with_history(request, actor=actor, reason=reason, update_fields=["state", "closing_reason"])
        notices.tell_called_off(request, actor, was_agreed=was_agreed)
    return request


def attendance_request_amend_brief(
    *,
    request: AttendanceRequest,
    actor: Person,
    reason: str,
    subject: str | None = None,
    scope: str | None = None,
    needs_confidential_information: bool | None = None,
    meeting: MeetingDetails | None = None,
) -> AttendanceRequest:
    """The group changes its brief or its meeting. The brief is fixed once approved, so a change
    sends the request back to the Chief Executive for a decision, and officers who had accepted
    are asked again (A5)."""
    standing = standing_of(actor)
    now = standing.at
    with transaction.atomic():
        request, target = lock_for(request, workflow.AMEND_BRIEF, standing)
        reason = require_reason(reason, "amending the brief")
        new_subject, new_scope = check_brief(
            request.subject if subject is None else subject, request.scope if scope is None else scope
        )
        new_confidential = (
            request.needs_confidential_information
            if needs_confidential_information is None
            else needs_confidential_information
        )
        meeting_row = request.meeting
        meeting_changes = _meeting_changes(meeting_row, check_meeting(meeting, now)) if meeting is not None else {}
        others_present = meeting_changes.get("others_present", meeting_row.others_present)
        check_confidentiality(others_present, new_confidential)
        wanted = {"subject": new_subject, "scope": new_scope, "needs_confidential_information": new_confidential}
        brief_changes = {name: value for name, value in wanted.items() if getattr(request, name) != value}
        if not brief_changes and not meeting_changes:
            raise RuleViolation("Nothing in the brief or the meeting has changed.", field="scope")

        for name, value in brief_changes.items():
            setattr(request, name, value)
        request.state = target
        request.round += 1
        request.submitted_at = now
        set_decision_due(request, now, meeting_changes.get("starts_at", meeting_row.starts_at))
        request.decision, request.decided_by, request.decided_capacity = "", None, ""
        request.decided_at, request.decision_reason, request.departs_from_precedent = None, "", False
        request.responses_due_on = None
        save_with_history(
            request,
            actor=actor,
            reason=reason,
            update_fields=[*brief_changes, *DECISION_FIELDS, "round", "submitted_at", "due_on", "urgent"],
        )
        if meeting_changes:
            meeting_row = GroupMeeting.objects.select_for_update(no_key=True).get(pk=meeting_row.pk)
            for name, value in meeting_changes.items():
                setattr(meeting_row, name, value)
            save_with_history(meeting_row, actor=actor, reason=reason, update_fields=list(meeting_changes))
            request.meeting = meeting_row
        _ask_again(request, actor, reason)
        notices.tell_decision_maker(
            request, actor=actor, why=workflow.AMEND_BRIEF, warnings=notices.warnings_for(request)
        )
        notices.tell_officers_brief_amended(request, actor)
    return request


def _ask_again(request: AttendanceRequest, actor: Person, reason: str) -> None:
    """On the event "the brief was amended", officers who had accepted are asked again (A5)."""
    for invitation in request.invitations.select_for_update(no_key=True).filter(state=workflow.ACCEPTED):
        invitation.state = workflow.next_state(INVITATION, invitation.state, workflow.BRIEF_AMENDED)
        invitation.responded_at = None
        save_with_history(
            invitation, actor=actor, reason=f"The brief was amended: {reason}", update_fields=["state", "responded_at"]
        )


def _meeting_changes(row: GroupMeeting, meeting: MeetingDetails) -> dict:
    wanted = {
        "starts_at": meeting.starts_at,
        "ends_at": meeting.ends_at,
        "place": meeting.place.strip(),
        "online": meeting.online,
        "others_present": meeting.others_present,
        "others_present_description": meeting.others_present_description.strip(),
    }
    return {name: value for name, value in wanted.items() if getattr(row, name) != value}
