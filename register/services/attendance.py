"""Officer attendance at political group meetings (A1-A13): one service per move.

Every service takes keyword-only arguments with the acting person and a reason, runs in one
transaction, locks the row it changes, checks that the actor may see it (else "not found"), then
the workflow table (``register.workflow``), then the rule; saves with history (who and why) and
writes its notices in the same transaction. A refusal raises a domain error naming the rule or the
field, and nothing is saved. Where the protocol needs a reason (refusing, withdrawing, cancelling,
amending, closing) a blank one is refused; elsewhere the history says what the move was.
"""

import datetime
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from register import conflicts, policies, selectors, workflow, working_days
from register.errors import Conflict, InvalidTransition, NotFound, NotPermitted, RuleViolation
from register.models import (
    AttendanceInvitation,
    AttendanceRecord,
    AttendanceRequest,
    GroupMeeting,
    InformationCopy,
    InformationProvided,
    Membership,
    Notification,
    Organization,
    Person,
    Post,
)
from register.services.declarations import declare_at_meeting_remind
from register.services.history import save_with_history
from register.services.notifications import notify

Role = Post.Role
APPROVED = AttendanceRequest.Decision.APPROVED
REFUSED = AttendanceRequest.Decision.REFUSED
DECISION_FIELDS = [
    "state",
    "decision",
    "decided_by",
    "decided_capacity",
    "decided_at",
    "decision_reason",
    "departs_from_precedent",
    "responses_due_on",
]


@dataclass(frozen=True)
class MeetingDetails:
    """The group meeting a request is for. A naive time is read as the council's local time."""

    starts_at: datetime.datetime
    place: str = ""
    online: bool = False
    others_present: bool = False
    others_present_description: str = ""
    ends_at: datetime.datetime | None = None


# --- Asking: submit (A1), refer (A1), take up an equivalent (A3) -----------------------------


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
    group, capacity = _group_led_by(actor)
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
    who decides it; the officer does not (A1)."""
    today = selectors.today()
    if not actor.is_officer:
        raise RuleViolation(
            "Only an officer who was asked directly refers a request to the Chief Executive.", rule="A1"
        )
    officers = list(officers)
    if actor.pk not in _ids(officers):
        raise RuleViolation(
            "A referral is recorded by an officer who was asked directly: name yourself among the officers asked.",
            rule="A1",
            field="officers",
        )
    group = selectors.group_of(asked_by, today) if asked_by.is_member else None
    if group is None:
        raise RuleViolation(
            f"{asked_by} is not a member of a political group, so this is not a request for a group meeting.",
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
    group, capacity = _group_led_by(actor)
    with transaction.atomic():
        # Locked, so that two take-ups by one group at once cannot both pass the check below.
        root = _lock_original(original)
        if root.group_id == group.pk:
            raise RuleViolation("This is your own group's briefing; an equivalent is for the other groups.", rule="A3")
        if root.decision != APPROVED or root.state not in workflow.AGREED_REQUEST_STATES:
            raise NotFound("There is no such briefing to take up.")
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
    subject, scope = _check_brief(subject, scope)
    meeting = _check_meeting(meeting, now)
    _check_confidentiality(meeting.others_present, needs_confidential_information)
    officer_list = _officers(officers, on=timezone.localtime(meeting.starts_at).date())
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
            state=workflow.next_request_state(workflow.NEW, move),
            created_at=now,
            submitted_at=now,
            due_on=decision_due_on(now),
        )
        save_with_history(request, actor=actor, reason=reason)
        for officer in officer_list:
            invitation = AttendanceInvitation(
                request=request,
                officer=officer,
                state=workflow.next_invitation_state(workflow.NEW, workflow.NAME_IN_REQUEST),
            )
            save_with_history(invitation, actor=actor, reason=reason)
        _tell_decision_maker(request, actor=actor, why=move, warnings=conflicts.warnings_for(request))
    return request


def decision_due_on(submitted_at: datetime.datetime) -> datetime.date:
    """The decision is due this many working days after submission (A12)."""
    return working_days.add_working_days(
        timezone.localtime(submitted_at).date(), settings.ATTENDANCE_DECISION_WORKING_DAYS
    )


# --- Deciding: approve, refuse (A2, A3, A8) ------------------------------------------------


def attendance_request_approve(*, request: AttendanceRequest, actor: Person, reason: str = "") -> AttendanceRequest:
    """The acting Chief Executive agrees to the officers attending (A2). Each officer is invited
    with the reminder of A5; the other groups' leaders learn the facts and are offered the same (A3, A8)."""
    now, today = selectors.now(), selectors.today()
    with transaction.atomic():
        request = _lock(request, workflow.APPROVE, actor, deciding=True)
        capacity = _decider_capacity(actor, request, today)
        if request.meeting.starts_at <= now:
            raise RuleViolation(
                "The meeting has already begun, so officers can no longer be agreed to attend it.", field="meeting"
            )
        warnings = conflicts.warnings_for(request)
        request.state = workflow.next_request_state(request.state, workflow.APPROVE)
        _set_decision(request, APPROVED, actor=actor, capacity=capacity, at=now, reason=reason)
        request.responses_due_on = min(
            working_days.add_working_days(today, settings.ATTENDANCE_RESPONSE_WORKING_DAYS),
            timezone.localtime(request.meeting.starts_at).date(),
        )
        save_with_history(
            request, actor=actor, reason=reason.strip() or f"Approved ({capacity})", update_fields=DECISION_FIELDS
        )
        _tell_group_of_decision(request, actor)
        _invite_officers(request, actor, warnings)
        _tell_other_groups(request, actor)
        _remind_members_to_declare(request, actor)
    return request


def _remind_members_to_declare(request: AttendanceRequest, actor: Person) -> None:
    """A member of the group with a declared relationship with an officer who will attend is
    reminded to declare the interest at that meeting (B7, B3)."""
    declare_at_meeting_remind(
        relationships=conflicts.relationships_for(request),
        about=request,
        meeting_on=conflicts.meeting_day(request),
        actor=actor,
        cause=f"attendance-request:{request.pk}:approved:declare-at-meeting",
    )


def attendance_request_refuse(*, request: AttendanceRequest, actor: Person, reason: str) -> AttendanceRequest:
    """The acting Chief Executive refuses, with a reason (A2). Refusing an equivalent of an
    approved briefing needs one too, and shows on the parity report (A3, A11)."""
    now, today = selectors.now(), selectors.today()
    with transaction.atomic():
        request = _lock(request, workflow.REFUSE, actor, deciding=True)
        capacity = _decider_capacity(actor, request, today)
        precedent = request.equivalent_of
        against_precedent = precedent is not None and precedent.decision == APPROVED
        if not (reason or "").strip():
            if against_precedent:
                raise RuleViolation(
                    f"The {precedent.group} was agreed the briefing this one is equivalent to, so refusing it needs a "
                    "recorded reason; the refusal will show on the parity report.",
                    rule="A3",
                    field="reason",
                )
            raise RuleViolation("A refusal needs a reason, which the group will see.", rule="A2", field="reason")
        request.state = workflow.next_request_state(request.state, workflow.REFUSE)
        _set_decision(request, REFUSED, actor=actor, capacity=capacity, at=now, reason=reason)
        request.departs_from_precedent = against_precedent
        save_with_history(request, actor=actor, reason=reason, update_fields=DECISION_FIELDS)
        _tell_group_of_decision(request, actor)
    return request


def _set_decision(request, decision, *, actor, capacity, at, reason) -> None:
    request.decision = decision
    request.decided_by = actor
    request.decided_capacity = capacity
    request.decided_at = at
    request.decision_reason = (reason or "").strip()
    request.departs_from_precedent = False


def _decider_capacity(actor: Person, request: AttendanceRequest, today: datetime.date) -> str:
    """The capacity the decision records (A2); an officer asked to attend never decides (A1)."""
    try:
        return selectors.chief_executive_capacity(actor, today)
    except RuleViolation:
        if actor.pk == request.referred_by_id or policies.is_named_officer(actor, request):
            raise RuleViolation(
                "An officer asked to attend refers the request to the Chief Executive and does not decide it.",
                rule="A1",
            ) from None
        raise


# --- The group changes its mind; the Chief Executive calls it off; closing ---------------------


def attendance_request_withdraw(*, request: AttendanceRequest, actor: Person, reason: str) -> AttendanceRequest:
    """The group withdraws its request, before the meeting."""
    now, today = selectors.now(), selectors.today()
    with transaction.atomic():
        request = _lock(request, workflow.WITHDRAW, actor)
        if not policies.acts_for_requesting_group(actor, request, on=today):
            raise NotPermitted(
                "Only the group's leader, its deputy leader or whoever made the request can withdraw it."
            )
        reason = _require_reason(reason, "withdrawing the request")
        was_agreed = request.state == workflow.APPROVED
        if was_agreed:
            _check_not_begun(request, now, "close it instead")
        request.state = workflow.next_request_state(request.state, workflow.WITHDRAW)
        request.closing_reason = reason
        save_with_history(request, actor=actor, reason=reason, update_fields=["state", "closing_reason"])
        _tell_called_off(request, actor, was_agreed=was_agreed)
    return request


def attendance_request_cancel(*, request: AttendanceRequest, actor: Person, reason: str) -> AttendanceRequest:
    """The acting Chief Executive calls off an agreed briefing before the meeting (A2)."""
    now, today = selectors.now(), selectors.today()
    with transaction.atomic():
        request = _lock(request, workflow.CANCEL, actor)
        if not policies.can_cancel_attendance(actor, on=today):
            raise RuleViolation(
                "Only the Chief Executive, or the Deputy during a recorded absence, can cancel an agreed briefing.",
                rule="A2",
            )
        reason = _require_reason(reason, "cancelling the briefing")
        _check_not_begun(request, now, "close it instead")
        request.state = workflow.next_request_state(request.state, workflow.CANCEL)
        request.closing_reason = reason
        save_with_history(request, actor=actor, reason=reason, update_fields=["state", "closing_reason"])
        _tell_called_off(request, actor, was_agreed=True)
    return request


def attendance_request_close(*, request: AttendanceRequest, actor: Person, reason: str) -> AttendanceRequest:
    """Close the record of a briefing after its meeting: the acting Chief Executive or the group."""
    now, today = selectors.now(), selectors.today()
    with transaction.atomic():
        request = _lock(request, workflow.CLOSE, actor)
        if not policies.can_close_attendance(actor, request, on=today):
            raise NotPermitted(
                "Only the acting Chief Executive or the requesting group closes the record of a briefing."
            )
        reason = _require_reason(reason, "closing the record")
        if request.state == workflow.APPROVED and request.meeting.starts_at > now:
            raise RuleViolation(
                "The meeting has not taken place yet: withdraw or cancel the request instead.", field="meeting"
            )
        request.state = workflow.next_request_state(request.state, workflow.CLOSE)
        request.closing_reason = reason
        save_with_history(request, actor=actor, reason=reason, update_fields=["state", "closing_reason"])
    return request


# --- The brief (A5, A7) -------------------------------------------------------------------------


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
    now = selectors.now()
    today = selectors.today()
    with transaction.atomic():
        request = _lock(request, workflow.AMEND_BRIEF, actor)
        if not policies.acts_for_requesting_group(actor, request, on=today):
            raise NotPermitted("Only the group's leader, its deputy leader or whoever made the request can amend it.")
        reason = _require_reason(reason, "amending the brief")
        _check_not_begun(request, now, "it can no longer be amended")
        new_subject, new_scope = _check_brief(
            request.subject if subject is None else subject, request.scope if scope is None else scope
        )
        new_confidential = (
            request.needs_confidential_information
            if needs_confidential_information is None
            else needs_confidential_information
        )
        meeting_row = request.meeting
        if meeting is not None:
            meeting = _check_meeting(meeting, now)
            meeting_changes = _meeting_changes(meeting_row, meeting)
        else:
            meeting_changes = {}
        others_present = meeting_changes.get("others_present", meeting_row.others_present)
        _check_confidentiality(others_present, new_confidential)
        wanted = {"subject": new_subject, "scope": new_scope, "needs_confidential_information": new_confidential}
        brief_changes = {name: value for name, value in wanted.items() if getattr(request, name) != value}
        if not brief_changes and not meeting_changes:
            raise RuleViolation("Nothing in the brief or the meeting has changed.", field="scope")

        for name, value in brief_changes.items():
            setattr(request, name, value)
        request.state = workflow.next_request_state(request.state, workflow.AMEND_BRIEF)
        request.round += 1
        request.submitted_at = now
        request.due_on = decision_due_on(now)
        request.decision, request.decided_by, request.decided_capacity = "", None, ""
        request.decided_at, request.decision_reason, request.departs_from_precedent = None, "", False
        request.responses_due_on = None
        save_with_history(
            request,
            actor=actor,
            reason=reason,
            update_fields=[*brief_changes, *DECISION_FIELDS, "round", "submitted_at", "due_on"],
        )
        if meeting_changes:
            meeting_row = GroupMeeting.objects.select_for_update(no_key=True).get(pk=meeting_row.pk)
            for name, value in meeting_changes.items():
                setattr(meeting_row, name, value)
            save_with_history(meeting_row, actor=actor, reason=reason, update_fields=list(meeting_changes))
            request.meeting = meeting_row
        for invitation in request.invitations.select_for_update(no_key=True).filter(state=workflow.ACCEPTED):
            invitation.state = workflow.next_invitation_state(invitation.state, workflow.BRIEF_AMENDED)
            invitation.responded_at = None
            save_with_history(
                invitation,
                actor=actor,
                reason=f"The brief was amended: {reason}",
                update_fields=["state", "responded_at"],
            )
        _tell_decision_maker(request, actor=actor, why=workflow.AMEND_BRIEF, warnings=conflicts.warnings_for(request))
        _tell_officers_brief_amended(request, actor)
    return request


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


# --- Each officer's answer (A4) ----------------------------------------------------------------


def attendance_invitation_respond(
    *, request: AttendanceRequest, actor: Person, accept: bool, reason: str = ""
) -> AttendanceInvitation:
    """An officer named in the request accepts or declines, before or after approval; no reason is
    needed to decline (A4)."""
    now = selectors.now()
    with transaction.atomic():
        request = _lock_visible(request, actor)
        invitation = request.invitations.select_for_update(no_key=True).filter(officer=actor).first()
        if invitation is None:
            raise RuleViolation("Only the officers named in the request accept or decline it.", rule="A4")
        if request.state not in {workflow.SUBMITTED, workflow.APPROVED}:
            raise InvalidTransition(
                f"You cannot respond to this request: it is {_lower(request.state_label)}.", field="state"
            )
        if request.meeting.starts_at <= now:
            raise RuleViolation("The meeting has already begun.", field="meeting")
        move = workflow.ACCEPT if accept else workflow.DECLINE
        if not workflow.allows(workflow.INVITATION_MOVES, invitation.state, move):
            raise InvalidTransition(f"You have already {invitation.state} this invitation.", field="state")
        invitation.state = workflow.next_invitation_state(invitation.state, move)
        invitation.responded_at = now
        invitation.response_note = (reason or "").strip()
        save_with_history(
            invitation,
            actor=actor,
            reason=invitation.response_note or ("Accepted" if accept else "Declined"),
            update_fields=["state", "responded_at", "response_note"],
        )
        if not accept:
            notify(
                cause=f"attendance-invitation:{invitation.pk}:declined:{now.isoformat()}",
                kind="attendance-officer-declined",
                recipients=_group_contacts(request),
                about=request,
                actor=actor,
                context=_request_context(request, officer=actor),
            )
    return invitation


# --- After the meeting: attendance and attestation or report (A6, A13) --------------------------


def attendance_record_attendance(
    *,
    request: AttendanceRequest,
    actor: Person,
    arrived_at: datetime.datetime,
    left_at: datetime.datetime,
    attested: bool,
    concerns: Iterable[str] = (),
    report: str = "",
    reason: str = "",
) -> AttendanceRecord:
    """An officer who attended records when they arrived and left, and attests that they left
    before the group formed its view and that no party business was discussed in front of them
    (A6), or reports what happened, which reaches the Chief Executive and the Monitoring Officer (A13)."""
    now = selectors.now()
    with transaction.atomic():
        request = _lock_visible(request, actor)
        invitation = request.invitations.select_for_update(no_key=True).filter(officer=actor).first()
        if invitation is None:
            raise RuleViolation(
                "You were not invited to this briefing, so you cannot record attendance at it or attest about it.",
                rule="A6",
            )
        _check_move(request, workflow.RECORD_ATTENDANCE)
        if invitation.state == workflow.DECLINED:
            raise RuleViolation(
                "You declined this invitation, so you cannot record attendance at the briefing.", rule="A4"
            )
        if AttendanceRecord.objects.filter(invitation=invitation).exists():
            raise InvalidTransition("You have already recorded your attendance at this briefing.", field="state")
        arrived_at, left_at = _check_times(request.meeting, arrived_at, left_at, now)
        concerns = _check_concerns(concerns)
        report = (report or "").strip()
        if attested and set(concerns) & AttendanceRecord.CONTRADICT_ATTESTATION:
            raise RuleViolation(
                "You cannot both attest that you left before the group formed its view with no party business "
                "discussed in front of you, and report that it was.",
                rule="A6",
                field="attested",
            )
        if not attested and not report:
            raise RuleViolation(
                "If you cannot attest that you left before the group formed its view and that no party business "
                "was discussed in front of you, say what happened.",
                rule="A6",
                field="report",
            )
        record = AttendanceRecord(
            invitation=invitation,
            arrived_at=arrived_at,
            left_at=left_at,
            attested=attested,
            concerns=concerns,
            report=report,
            recorded_at=now,
        )
        history_reason = reason.strip() or (
            "Attendance recorded and attested"
            if attested and not record.is_report
            else "Attendance recorded with a report"
        )
        save_with_history(record, actor=actor, reason=history_reason)
        held = workflow.next_request_state(request.state, workflow.RECORD_ATTENDANCE)
        if request.state != held:
            request.state = held
            save_with_history(request, actor=actor, reason=history_reason, update_fields=["state"])
        if record.is_report:
            _send_report(record, request, actor)
    return record


def _check_times(meeting: GroupMeeting, arrived_at, left_at, now):
    if now < meeting.starts_at:
        raise RuleViolation("The meeting has not begun yet; record your attendance after it.", field="arrived_at")
    arrived_at, left_at = _aware(arrived_at, "arrived_at"), _aware(left_at, "left_at")
    meeting_day = timezone.localtime(meeting.starts_at).date()
    if timezone.localtime(arrived_at).date() != meeting_day:
        raise RuleViolation(
            f"Give the time you arrived on {meeting_day:%d %B %Y}, the day of the meeting.", field="arrived_at"
        )
    if left_at <= arrived_at:
        raise RuleViolation("You cannot leave before you arrive.", field="left_at")
    if left_at > now:
        raise RuleViolation("The time you left cannot be in the future.", field="left_at")
    return arrived_at, left_at


def _check_concerns(concerns: Iterable[str]) -> list[str]:
    known = set(AttendanceRecord.Concern.values)
    concerns = list(dict.fromkeys(str(c) for c in concerns))
    unknown = [c for c in concerns if c not in known]
    if unknown:
        raise RuleViolation(f"Unknown concern: {', '.join(unknown)}.", field="concerns")
    return concerns


def _send_report(record: AttendanceRecord, request: AttendanceRequest, actor: Person) -> None:
    """A13: an officer's report reaches the Chief Executive and the Monitoring Officer (and the
    Deputy while acting for an absent Chief Executive)."""
    today = selectors.today()
    recipients = [
        selectors.holder_of(Role.CHIEF_EXECUTIVE, today),
        selectors.acting_chief_executive(today).person,
        selectors.holder_of(Role.MONITORING_OFFICER, today),
    ]
    labels = dict(AttendanceRecord.Concern.choices)
    notify(
        cause=f"attendance-record:{record.pk}:report",
        kind="attendance-report",
        recipients=[person for person in recipients if person is not None],
        about=request,
        actor=actor,
        context=_request_context(request, record=record, officer=actor, concerns=[labels[c] for c in record.concerns]),
    )


# --- Information provided to the group (A7, A10) -----------------------------------------------


def attendance_information_record(
    *,
    request: AttendanceRequest,
    actor: Person,
    title: str,
    summary: str,
    reference: str = "",
    classification: str = InformationProvided.Classification.OPEN,
    likely_to_be_cited: bool = False,
    cited_at: str = "",
    reason: str = "",
) -> InformationProvided:
    """An officer named in the request records information they gave the group. Confidential or
    exempt information cannot have been given where others were present (A7); information likely
    to be cited at the Council, the Executive or a committee goes to every group (A10)."""
    now = selectors.now()
    with transaction.atomic():
        request = _lock_visible(request, actor)
        invitation = request.invitations.filter(officer=actor).first()
        if invitation is None or invitation.state == workflow.DECLINED:
            raise NotPermitted(
                "Only an officer named in the request, who has not declined, records information given to the group."
            )
        _check_move(request, workflow.RECORD_INFORMATION)
        title, summary = (title or "").strip(), (summary or "").strip()
        if not title:
            raise RuleViolation("Give the information a title.", field="title")
        if not summary:
            raise RuleViolation("Summarise the information given.", field="summary")
        if classification not in InformationProvided.Classification.values:
            raise RuleViolation(
                "Say whether the information is confidential, exempt or neither.", field="classification"
            )
        if request.meeting.others_present and classification in InformationProvided.RESTRICTED:
            raise RuleViolation(
                "Someone present at this meeting was neither a councillor nor an officer, so confidential or exempt "
                "information cannot have been given there.",
                rule="A7",
                field="classification",
            )
        if likely_to_be_cited:
            cited_at = _check_cited_at(cited_at)
        information = InformationProvided(
            request=request,
            provided_by=actor,
            title=title,
            summary=summary,
            reference=(reference or "").strip(),
            classification=classification,
            likely_to_be_cited=likely_to_be_cited,
            cited_at=cited_at if likely_to_be_cited else "",
            marked_by=actor if likely_to_be_cited else None,
            marked_at=now if likely_to_be_cited else None,
            recorded_at=now,
        )
        save_with_history(information, actor=actor, reason=reason.strip() or "Information given to the group recorded")
        if likely_to_be_cited:
            _send_copies(information, request, actor)
    return information


def attendance_information_mark_likely_to_be_cited(
    *, information: InformationProvided, actor: Person, cited_at: str, reason: str = ""
) -> InformationProvided:
    """Mark information as likely to be cited in support of an option or decision, later than it
    was recorded: copies still go to every group (A10)."""
    now, today = selectors.now(), selectors.today()
    with transaction.atomic():
        try:
            information = (
                InformationProvided.objects.select_for_update(no_key=True, of=("self",))
                .select_related("request__group", "request__meeting", "provided_by")
                .get(pk=information.pk)
            )
        except InformationProvided.DoesNotExist:
            raise NotFound("There is no such information.") from None
        if not policies.can_see_attendance_request(actor, information.request, on=today):
            raise NotFound("There is no such information.")
        if not policies.can_mark_information_likely_cited(actor, information, on=today):
            raise NotPermitted(
                "Only the officer who gave it, the acting Chief Executive or the Monitoring Officer marks information "
                "as likely to be cited."
            )
        if information.likely_to_be_cited:
            raise InvalidTransition(
                "This information is already marked as likely to be cited; every group has had a copy.",
                field="likely_to_be_cited",
            )
        information.likely_to_be_cited = True
        information.cited_at = _check_cited_at(cited_at)
        information.marked_by, information.marked_at = actor, now
        save_with_history(
            information,
            actor=actor,
            reason=reason.strip() or "Marked as likely to be cited (A10)",
            update_fields=["likely_to_be_cited", "cited_at", "marked_by", "marked_at"],
        )
        _send_copies(information, information.request, actor)
    return information


def _check_cited_at(cited_at: str) -> str:
    if cited_at not in InformationProvided.CitedAt.values:
        raise RuleViolation(
            "Say where it is likely to be cited: at the Council, the Executive or a committee.",
            rule="A10",
            field="cited_at",
        )
    return cited_at


def _send_copies(information: InformationProvided, request: AttendanceRequest, actor: Person) -> list[InformationCopy]:
    """A copy to every group's leader, each recorded with the notice that carried it (A10)."""
    now, today = selectors.now(), selectors.today()
    already = set(information.copies.values_list("group_id", flat=True))
    targets = [(group, person) for group, person in selectors.group_leaders(today) if group.pk not in already]
    if not targets:
        return []
    notices = notify(
        cause=f"information:{information.pk}:copies",
        kind="attendance-information-shared",
        recipients=[person for _group, person in targets],
        about=information,
        actor=actor,
        context={
            "information": information,
            "fact": selectors.briefing_fact(request),
            "provided_by": information.provided_by,
            "council_name": settings.COUNCIL_NAME,
        },
    )
    emails = {notice.recipient_id: notice for notice in notices if notice.channel == Notification.Channel.EMAIL}
    copies = []
    for group, person in targets:
        copy = InformationCopy(
            information=information, group=group, recipient=person, notification=emails.get(person.pk), created_at=now
        )
        save_with_history(copy, actor=actor, reason=f"Copy sent to the {group} (A10)")
        copies.append(copy)
    return copies


# --- Reminders and escalation (A12), run by the beat task ---------------------------------------


def attendance_send_reminders() -> dict[str, int]:
    """Remind and escalate; safe to run any number of times (each notice is sent once).

    - Whoever acts as Chief Executive today has been told of every request awaiting a decision,
      so the Deputy hears of them as soon as the Chief Executive's absence is recorded.
    - The acting Chief Executive is reminded on the working day before a decision is due.
    - Once it is overdue, the Deputy (and the Chief Executive) are told.
    - Officers are reminded the working day before their response is due, and once it is overdue
      the person who made the request is told too.
    """
    today = selectors.today()
    acting = selectors.acting_chief_executive(today)
    deputy = selectors.holder_of(Role.DEPUTY_CHIEF_EXECUTIVE, today)
    chief = selectors.holder_of(Role.CHIEF_EXECUTIVE, today)
    escalate_to = [person for person in (deputy, chief, acting.person) if person is not None]
    sent: Counter = Counter()
    awaiting = (
        AttendanceRequest.objects.filter(state=workflow.SUBMITTED)
        .select_related(
            "group", "meeting", "requested_by", "referred_by", "equivalent_of__group", "equivalent_of__decided_by"
        )
        .order_by("due_on", "id")
    )
    for request in awaiting:
        with transaction.atomic():
            if _tell_decision_maker(request, actor=None, why="handover", warnings=conflicts.warnings_for(request)):
                sent["decision handed over"] += 1
            context = _request_context(request, acting=acting, today=today)
            if today > request.due_on:
                if notify(
                    cause=_cause(request, "overdue"),
                    kind="attendance-decision-overdue",
                    recipients=escalate_to,
                    about=request,
                    actor=None,
                    context=context,
                ):
                    sent["decision overdue"] += 1
            elif today >= working_days.previous_working_day(request.due_on) and acting.person is not None:
                if notify(
                    cause=_cause(request, "reminder"),
                    kind="attendance-decision-reminder",
                    recipients=[acting.person],
                    about=request,
                    actor=None,
                    context=context,
                ):
                    sent["decision reminder"] += 1
    waiting = (
        AttendanceInvitation.objects.filter(
            state=workflow.INVITED, request__state=workflow.APPROVED, request__responses_due_on__isnull=False
        )
        .select_related("officer", "request__group", "request__meeting", "request__requested_by")
        .order_by("request__responses_due_on", "id")
    )
    for invitation in waiting:
        request = invitation.request
        due = request.responses_due_on
        cause = f"attendance-invitation:{invitation.pk}:r{request.round}"
        context = _request_context(request, invitation=invitation, officer=invitation.officer, overdue=today > due)
        with transaction.atomic():
            if today > due:
                if notify(
                    cause=f"{cause}:response-overdue",
                    kind="attendance-response-reminder",
                    recipients=[invitation.officer],
                    about=request,
                    actor=None,
                    context=context,
                ):
                    sent["response overdue"] += 1
                notify(
                    cause=f"{cause}:response-overdue",
                    kind="attendance-response-overdue",
                    recipients=[request.requested_by],
                    about=request,
                    actor=None,
                    context=context,
                )
            elif today >= working_days.previous_working_day(due):
                if notify(
                    cause=f"{cause}:response-reminder",
                    kind="attendance-response-reminder",
                    recipients=[invitation.officer],
                    about=request,
                    actor=None,
                    context=context,
                ):
                    sent["response reminder"] += 1
    return dict(sent)


# --- Locks and checks ----------------------------------------------------------------------------


def _lock_visible(request: AttendanceRequest, actor: Person) -> AttendanceRequest:
    """The request, locked for this transaction; "not found" for anyone who may not see it."""
    try:
        found = (
            AttendanceRequest.objects.select_for_update(no_key=True, of=("self",))
            .select_related("group", "meeting", "requested_by", "equivalent_of__group")
            .get(pk=request.pk)
        )
    except AttendanceRequest.DoesNotExist:
        raise NotFound("There is no such attendance request.") from None
    if not policies.can_see_attendance_request(actor, found, on=selectors.today()):
        raise NotFound("There is no such attendance request.")
    return found


def _lock(request: AttendanceRequest, move: str, actor: Person, *, deciding: bool = False) -> AttendanceRequest:
    """Lock the request and check the move against the workflow table.

    When the caller's copy allowed the move but the stored request no longer does, someone else
    changed it first: a Conflict, not a plain refusal. A decision must also be on the brief the
    decision-maker saw, so an amendment made meanwhile is a Conflict too.
    """
    found = _lock_visible(request, actor)
    if not workflow.allows(workflow.REQUEST_MOVES, found.state, move):
        if request.state != found.state and workflow.allows(workflow.REQUEST_MOVES, request.state, move):
            raise Conflict(_changed_meanwhile(found, move), field="state")
        _check_move(found, move)
    if deciding and request.round != found.round:
        raise Conflict(
            "The group amended the brief while you were looking at it; read the new brief before deciding.",
            field="round",
        )
    return found


def _check_move(request: AttendanceRequest, move: str) -> None:
    if not workflow.allows(workflow.REQUEST_MOVES, request.state, move):
        raise InvalidTransition(f"You cannot {move} this request: it is {_lower(request.state_label)}.", field="state")


def _changed_meanwhile(request: AttendanceRequest, move: str) -> str:
    last = request.history.order_by("-history_date", "-history_id").select_related("history_user").first()
    who = f"{last.history_user} " if last is not None and last.history_user else "Someone else "
    when = f" at {timezone.localtime(last.history_date):%H:%M on %d %B %Y}" if last is not None else ""
    return (
        f"{who}changed this request first{when}: it is now {_lower(request.state_label)}. Your {move} was not applied."
    )


def _check_not_begun(request: AttendanceRequest, now: datetime.datetime, otherwise: str) -> None:
    if request.meeting.starts_at <= now:
        raise RuleViolation(f"The meeting has already begun; {otherwise}.", field="meeting")


def _group_led_by(actor: Person) -> tuple[Organization, str]:
    """A1: requests come from a group's leader, or its deputy leader on their behalf."""
    led = selectors.groups_led_by(actor, selectors.today())
    if not led:
        raise RuleViolation(
            f"{actor} leads no political group, and is not a deputy leader acting for one, so cannot ask for "
            "officers to attend a group meeting. Ask your group leader.",
            rule="A1",
        )
    return led[0]


def _require_reason(reason: str, doing: str) -> str:
    if not reason or not reason.strip():
        raise RuleViolation(f"Give a reason for {doing}.", field="reason")
    return reason.strip()


def _aware(moment: datetime.datetime | None, field: str) -> datetime.datetime:
    if not isinstance(moment, datetime.datetime):
        raise RuleViolation("Give a date and a time.", field=field)
    return timezone.make_aware(moment) if timezone.is_naive(moment) else moment


def _check_brief(subject: str, scope: str) -> tuple[str, str]:
    subject, scope = (subject or "").strip(), (scope or "").strip()
    if not subject:
        raise RuleViolation("Say what the briefing is about.", field="subject")
    if not scope:
        raise RuleViolation("Set out the scope of the brief, which is agreed in advance.", rule="A5", field="scope")
    return subject, scope


def _check_meeting(meeting: MeetingDetails, now: datetime.datetime) -> MeetingDetails:
    starts_at = _aware(meeting.starts_at, "starts_at")
    if starts_at <= now:
        raise RuleViolation(
            f"The meeting on {timezone.localtime(starts_at):%d %B %Y at %H:%M} is in the past; "
            "officers can only be asked to a meeting still to come.",
            field="starts_at",
        )
    ends_at = _aware(meeting.ends_at, "ends_at") if meeting.ends_at is not None else None
    if ends_at is not None and ends_at <= starts_at:
        raise RuleViolation("The meeting cannot end before it starts.", field="ends_at")
    if not meeting.place.strip() and not meeting.online:
        raise RuleViolation("Say where the meeting is, or that it is online.", field="place")
    return MeetingDetails(
        starts_at=starts_at,
        ends_at=ends_at,
        place=meeting.place,
        online=meeting.online,
        others_present=meeting.others_present,
        others_present_description=meeting.others_present_description,
    )


def _check_confidentiality(others_present: bool, needs_confidential_information: bool) -> None:
    if others_present and needs_confidential_information:
        raise RuleViolation(
            "Someone present will be neither a councillor nor an officer, so officers cannot give confidential or "
            "exempt information at this meeting, and the group cannot ask for it.",
            rule="A7",
            field="needs_confidential_information",
        )


def _ids(officers: Iterable[Person | int]) -> list:
    return [officer.pk if isinstance(officer, Person) else officer for officer in officers]


def _officers(officers: Iterable[Person | int], *, on: datetime.date) -> list[Person]:
    """The officers asked for: each must exist, be an officer, and still work for the council on
    the day of the meeting."""
    ids = list(dict.fromkeys(_ids(officers)))
    if not ids:
        raise RuleViolation("Name at least one officer to attend.", field="officers")
    try:
        ids = [int(pk) for pk in ids]
    except (TypeError, ValueError):
        raise RuleViolation("Officers are named by their number in the register.", field="officers") from None
    found = Person.objects.in_bulk(ids)
    for pk in ids:
        person = found.get(pk)
        if person is None:
            raise RuleViolation(f"There is no officer numbered {pk} in the register.", field="officers")
        if not person.is_officer:
            raise RuleViolation(f"{person} is not an officer of the council.", field="officers")
        if not person.is_current_on(on):
            left = f" (they left on {person.left_on:%d %B %Y})" if person.left_on else ""
            raise RuleViolation(f"{person} no longer works for the council{left}.", field="officers")
    return [found[pk] for pk in ids]


def _lower(label: str) -> str:
    return label[:1].lower() + label[1:]


# --- Notices ---------------------------------------------------------------------------------------


def _cause(request: AttendanceRequest, what: str) -> str:
    return f"attendance-request:{request.pk}:r{request.round}:{what}"


def _request_context(request: AttendanceRequest, **extra) -> dict:
    invitations = list(request.invitations.select_related("officer"))
    return {
        "request": request,
        "meeting": request.meeting,
        "group": request.group,
        "officers": [invitation.officer for invitation in invitations],
        "invitations": invitations,
        "officer_names": ", ".join(str(invitation.officer) for invitation in invitations),
        "council_name": settings.COUNCIL_NAME,
        **extra,
    }


def _group_contacts(request: AttendanceRequest) -> list[Person]:
    """Who hears about their own group's request: whoever made it, the leader and the deputy."""
    holdings = (
        Membership.objects.on(selectors.today())
        .filter(organization_id=request.group_id, post__role__in=[Role.GROUP_LEADER, Role.DEPUTY_GROUP_LEADER])
        .select_related("person")
    )
    return [request.requested_by, *(holding.person for holding in holdings)]


def _tell_decision_maker(request: AttendanceRequest, *, actor: Person | None, why: str, warnings: list) -> list:
    """Whoever acts as Chief Executive today hears of a request needing a decision, with its
    precedent (A3) and any conflict warnings (B7). Sent once per person per brief."""
    acting = selectors.acting_chief_executive(selectors.today())
    if acting.person is None:
        return []
    return notify(
        cause=_cause(request, "decision-needed"),
        kind="attendance-decision-needed",
        recipients=[acting.person],
        about=request,
        actor=actor,
        context=_request_context(request, acting=acting, why=why, warnings=warnings, precedent=request.equivalent_of),
    )


def _tell_group_of_decision(request: AttendanceRequest, actor: Person) -> None:
    notify(
        cause=_cause(request, request.decision),
        kind="attendance-request-decided",
        recipients=_group_contacts(request),
        about=request,
        actor=actor,
        context=_request_context(request),
    )


def _invite_officers(request: AttendanceRequest, actor: Person, warnings: list) -> None:
    """Each officer who has not declined is invited, with the reminder of A5 and A6."""
    for invitation in request.invitations.select_related("officer").exclude(state=workflow.DECLINED):
        notify(
            cause=_cause(request, "invitation"),
            kind="attendance-invitation",
            recipients=[invitation.officer],
            about=request,
            actor=actor,
            context=_request_context(
                request,
                invitation=invitation,
                warnings=[w for w in warnings if getattr(w, "officer", None) == invitation.officer],
            ),
        )


def _tell_officers_brief_amended(request: AttendanceRequest, actor: Person) -> None:
    officers = [i.officer for i in request.invitations.select_related("officer").exclude(state=workflow.DECLINED)]
    notify(
        cause=_cause(request, "brief-amended"),
        kind="attendance-brief-amended",
        recipients=officers,
        about=request,
        actor=actor,
        context=_request_context(request),
    )


def _other_group_leaders(request: AttendanceRequest) -> list[tuple[Organization, Person]]:
    return [
        (group, person) for group, person in selectors.group_leaders(selectors.today()) if group.pk != request.group_id
    ]


def _tell_other_groups(request: AttendanceRequest, actor: Person) -> None:
    """A8/A9: the other groups' leaders learn the officers, the date and the subject, and nothing
    else (the notice carries only the facts, and is not linked to the request). A3: those who have
    not yet had one are offered an equivalent briefing."""
    fact = selectors.briefing_fact(request)
    original = request.equivalent_of or request
    have_one = set(
        AttendanceRequest.objects.filter(
            equivalent_of=original, state__in=workflow.OPEN_REQUEST_STATES | {workflow.CLOSED}
        ).values_list("group_id", flat=True)
    ) | {original.group_id}
    leaders = _other_group_leaders(request)
    for offer in (True, False):
        recipients = [person for group, person in leaders if (group.pk not in have_one) == offer]
        notify(
            cause=_cause(request, "briefing-notice"),
            kind="attendance-briefing-notice",
            recipients=recipients,
            about=None,
            actor=actor,
            context={"fact": fact, "offer": offer, "called_off": False, "council_name": settings.COUNCIL_NAME},
        )


def _tell_called_off(request: AttendanceRequest, actor: Person, *, was_agreed: bool) -> None:
    """Withdrawn or cancelled: the group, the officers and the decision-maker hear why; the other
    groups, who were told of the briefing, hear only that it will not take place (A9)."""
    today = selectors.today()
    insiders = [*_group_contacts(request), *(i.officer for i in request.invitations.select_related("officer"))]
    acting = selectors.acting_chief_executive(today).person
    if acting is not None:
        insiders.append(acting)
    notify(
        cause=_cause(request, request.state),
        kind="attendance-request-called-off",
        recipients=[person for person in insiders if person.pk != actor.pk],
        about=request,
        actor=actor,
        context=_request_context(request),
    )
    if was_agreed:
        notify(
            cause=_cause(request, "briefing-called-off"),
            kind="attendance-briefing-notice",
            recipients=[person for _group, person in _other_group_leaders(request)],
            about=None,
            actor=actor,
            context={
                "fact": selectors.briefing_fact(request),
                "offer": False,
                "called_off": True,
                "council_name": settings.COUNCIL_NAME,
            },
        )
