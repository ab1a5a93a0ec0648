"""What the attendance services share: reading the actor's standing, locking a request and asking
the workflow (``register.workflow.require``) whether a move may be made, and checking what people
type in (the brief, the meeting, the officers named)."""

import datetime
from collections.abc import Iterable
from dataclasses import dataclass

from django.utils import timezone

from register import selectors, workflow
from register.errors import Conflict, InvalidTransition, NotFound, RuleViolation
from register.models import AttendanceRequest, Organization, Person
from register.policies import Standing

REQUEST = workflow.ATTENDANCE_REQUEST
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


def standing_of(actor: Person) -> Standing:
    """The actor's standing now, read inside the move's transaction."""
    return selectors.standing_of(actor)


def lock_request(request: AttendanceRequest) -> AttendanceRequest:
    """The request, locked for this transaction, with what the workflow's policies read."""
    found = (
        AttendanceRequest.objects.select_for_update(no_key=True, of=("self",))
        .select_related("group", "meeting", "requested_by", "equivalent_of__group")
        .filter(pk=request.pk)
        .first()
    )
    if found is None:
        raise NotFound(REQUEST.not_found)
    return found


def lock_for(
    request: AttendanceRequest, move: str, standing: Standing, *, deciding: bool = False, race: bool = True
) -> tuple[AttendanceRequest, str]:
    """Lock the request and ask the workflow whether the actor may make ``move`` now; answers the
    locked request and the state the move leads to.

    When the caller's copy allowed the move but the stored request no longer does, someone else
    changed it first: a Conflict, not a plain refusal (``race``: for the moves a page offers on the
    copy it showed; an officer's own records are judged on the stored request alone). A decision
    must also be on the brief the decision-maker saw, so an amendment made meanwhile is a Conflict too.
    """
    found = lock_request(request)
    try:
        target = workflow.require(REQUEST, move, found, standing)
    except InvalidTransition:
        if race and request.state != found.state and workflow.allows(REQUEST, request.state, move):
            raise Conflict(changed_meanwhile(found, move), field="state") from None
        raise
    if deciding and request.round != found.round:
        raise Conflict(
            "The group amended the brief while you were looking at it; read the new brief before deciding.",
            field="round",
        )
    return found, target


def changed_meanwhile(request: AttendanceRequest, move: str) -> str:
    last = request.history.order_by("-history_date", "-history_id").select_related("history_user").first()
    who = f"{last.history_user} " if last is not None and last.history_user else "Someone else "
    when = f" at {timezone.localtime(last.history_date):%H:%M on %d %B %Y}" if last is not None else ""
    return (
        f"{who}changed this request first{when}: it is now {lower(request.state_label)}. Your {move} was not applied."
    )


def group_led(standing: Standing, *, other_than: int | None = None) -> tuple[Organization, str]:
    """The group the actor asks for (A1): the first they lead or deputise for, other than ``other_than``."""
    group_id, capacity = next((pk, c) for pk, c in standing.groups_led.items() if pk != other_than)
    return Organization.objects.get(pk=group_id), capacity


def set_decision_due(request: AttendanceRequest, submitted_at: datetime.datetime, meeting_starts_at) -> None:
    """When the decision is due and whether it is urgent, as ``selectors.decision_due`` says (A12),
    from the council's dates of submission and of the meeting."""
    due = selectors.decision_due(timezone.localtime(submitted_at).date(), timezone.localtime(meeting_starts_at).date())
    request.due_on, request.urgent = due.due_on, due.urgent


def require_reason(reason: str, doing: str) -> str:
    if not reason or not reason.strip():
        raise RuleViolation(f"Give a reason for {doing}.", field="reason")
    return reason.strip()


def aware(moment: datetime.datetime | None, field: str) -> datetime.datetime:
    if not isinstance(moment, datetime.datetime):
        raise RuleViolation("Give a date and a time.", field=field)
    return timezone.make_aware(moment) if timezone.is_naive(moment) else moment


def check_brief(subject: str, scope: str) -> tuple[str, str]:
    subject, scope = (subject or "").strip(), (scope or "").strip()
    if not subject:
        raise RuleViolation("Say what the briefing is about.", field="subject")
    if not scope:
        raise RuleViolation("Set out the scope of the brief, which is agreed in advance.", rule="A5", field="scope")
    return subject, scope


def check_meeting(meeting: MeetingDetails, now: datetime.datetime) -> MeetingDetails:
    """A meeting still to come, ending after it starts, somewhere or online; and where anyone present
    will be neither a councillor nor an officer, who they will be (A7)."""
    starts_at = aware(meeting.starts_at, "starts_at")
    if starts_at <= now:
        raise RuleViolation(
            f"The meeting on {timezone.localtime(starts_at):%d %B %Y at %H:%M} is in the past; "
            "officers can only be asked to a meeting still to come.",
            field="starts_at",
        )
    ends_at = aware(meeting.ends_at, "ends_at") if meeting.ends_at is not None else None
    if ends_at is not None and ends_at <= starts_at:
        raise RuleViolation("The meeting cannot end before it starts.", field="ends_at")
    if not meeting.place.strip() and not meeting.online:
        raise RuleViolation("Say where the meeting is, or that it is online.", field="place")
    description = (meeting.others_present_description or "").strip()
    if meeting.others_present and not description:
        raise RuleViolation(
            "Say who will be present who is neither a councillor nor an officer.",
            rule="A7",
            field="others_present_description",
        )
    return MeetingDetails(
        starts_at=starts_at,
        ends_at=ends_at,
        place=meeting.place,
        online=meeting.online,
        others_present=meeting.others_present,
        others_present_description=description if meeting.others_present else "",
    )


def check_confidentiality(others_present: bool, needs_confidential_information: bool) -> None:
    if others_present and needs_confidential_information:
        raise RuleViolation(
            "Someone present will be neither a councillor nor an officer, so officers cannot give confidential or "
            "exempt information at this meeting, and the group cannot ask for it.",
            rule="A7",
            field="needs_confidential_information",
        )


def ids(officers: Iterable[Person | int]) -> list:
    return [officer.pk if isinstance(officer, Person) else officer for officer in officers]


def check_officers(officers: Iterable[Person | int], *, on: datetime.date) -> list[Person]:
    """The officers asked for: each must exist, be an officer, and still work for the council on
    the day of the meeting."""
    wanted = list(dict.fromkeys(ids(officers)))
    if not wanted:
        raise RuleViolation("Name at least one officer to attend.", field="officers")
    try:
        wanted = [int(pk) for pk in wanted]
    except (TypeError, ValueError):
        raise RuleViolation("Officers are named by their number in the register.", field="officers") from None
    found = Person.objects.in_bulk(wanted)
    for pk in wanted:
        person = found.get(pk)
        if person is None:
            raise RuleViolation(f"There is no officer numbered {pk} in the register.", field="officers")
        if not person.is_officer:
            raise RuleViolation(f"{person} is not an officer of the council.", field="officers")
        if not person.is_current_on(on):
            left = f" (they left on {person.left_on:%d %B %Y})" if person.left_on else ""
            raise RuleViolation(f"{person} no longer works for the council{left}.", field="officers")
    return [found[pk] for pk in wanted]


def lower(label: str) -> str:
    return label[:1].lower() + label[1:]
