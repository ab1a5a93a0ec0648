"""What a calendar feed holds (issue 22), read from its owner's standing on the day it is read: an
officer's briefings, the briefings of the groups a person leads, and the decisions due of whoever
acts as Chief Executive. Each list costs the same few queries whatever the number of events.

The events are plain data; the view writes them as RFC 5545 (``register/views/calendar_feeds.py``).
"""

import datetime
import hashlib
from dataclasses import dataclass

from django.conf import settings
from django.db.models import DateTimeField, OuterRef, Prefetch, Subquery
from django.db.models.functions import Coalesce, Greatest
from django.urls import reverse

from register import states, workflow
from register.models import AttendanceInvitation, AttendanceRequest, CalendarFeed, GroupMeeting
from register.policies import Standing
from register.policies.calendar_feeds import (
    BRIEFINGS,
    DECISIONS_DUE,
    GROUP_BRIEFINGS,
    has_briefings_feed,
    has_group_briefings_feed,
    reads_decisions_due,
)
from register.selectors.people import is_signed_in_allowed

# A meeting without an end shows as lasting this long.
DEFAULT_LENGTH = datetime.timedelta(hours=1)
# How far back a feed reaches: a year of past briefings, and everything to come.
PAST = datetime.timedelta(days=365)

CONFIRMED, TENTATIVE, CANCELLED = "CONFIRMED", "TENTATIVE", "CANCELLED"


@dataclass(frozen=True)
class CalendarEvent:
    """One VEVENT: timed (``starts_at``/``ends_at``, aware) or all day (``day``)."""

    uid: str
    status: str
    summary: str
    description: str
    path: str
    sequence: int
    last_modified: datetime.datetime | None
    starts_at: datetime.datetime | None = None
    ends_at: datetime.datetime | None = None
    day: datetime.date | None = None
    location: str = ""


def digest_of(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def calendar_feed_for_token(token: str) -> CalendarFeed | None:
    """The live feed whose address carries ``token``, with its owner; None for a token that was
    reset, never existed, or belongs to someone who may no longer sign in (a leaver)."""
    feed = (
        CalendarFeed.objects.select_related("person")
        .filter(digest=digest_of(token or ""), reset_at__isnull=True)
        .first()
    )
    if feed is None or not is_signed_in_allowed(feed.person):
        return None
    return feed


def calendar_feeds_of(person) -> list[CalendarFeed]:
    """A person's feed tokens, the live one first, then those reset, newest first."""
    return list(CalendarFeed.objects.filter(person=person).order_by("-created_at", "-pk"))


def uid(kind: str, *ids: int) -> str:
    """Globally unique and stable: the same briefing keeps its UID through amendment and cancellation."""
    return f"{kind}-{'-'.join(str(i) for i in ids)}@{settings.CALENDAR_UID_DOMAIN}"


def events_for(kind: str, standing: Standing) -> list[CalendarEvent]:
    return {BRIEFINGS: officer_briefings, GROUP_BRIEFINGS: group_briefings, DECISIONS_DUE: decisions_due}[kind](
        standing
    )


def _changed(model, outer: str):
    """When a record was last changed, from its history (every change has a history row, C1)."""
    return Subquery(
        model.history.model.objects.filter(id=OuterRef(outer)).order_by("-history_date").values("history_date")[:1],
        output_field=DateTimeField(),
    )


# Greatest is NULL on SQLite if any argument is: a record without history counts as never changed.
_NEVER = datetime.datetime(1970, 1, 1, tzinfo=datetime.UTC)


def _latest(*moments):
    return Greatest(*(Coalesce(moment, _NEVER, output_field=DateTimeField()) for moment in moments))


def _known(moment: datetime.datetime | None) -> datetime.datetime | None:
    return None if moment is None or moment <= _NEVER else moment


def _briefing_event(
    request: AttendanceRequest,
    *,
    event_uid: str,
    cancelled: bool,
    confirmed: bool,
    summary: str,
    description: str,
    last_changed: datetime.datetime | None,
) -> CalendarEvent:
    """A briefing at its group's meeting: the meeting's time and place, the brief's page. SEQUENCE
    rises when the brief is amended (each amendment is a new round) and again when the briefing is
    called off, so that calendar clients take the newer copy (RFC 5545 3.8.7.4)."""
    meeting = request.meeting
    return CalendarEvent(
        uid=event_uid,
        status=CANCELLED if cancelled else CONFIRMED if confirmed else TENTATIVE,
        summary=summary,
        description=description,
        path=reverse("attendance:detail", args=[request.pk]),
        sequence=2 * (request.round - 1) + (1 if cancelled else 0),
        last_modified=_known(last_changed),
        starts_at=meeting.starts_at,
        ends_at=meeting.ends_at or meeting.starts_at + DEFAULT_LENGTH,
        location=meeting.where,
    )


def _since(standing: Standing) -> datetime.datetime:
    return standing.at - PAST


def officer_briefings(standing: Standing) -> list[CalendarEvent]:
    """The owner's invitations to brief a group (A4): CONFIRMED once the briefing is agreed and they
    have accepted; TENTATIVE while it awaits the Chief Executive's decision or their own answer;
    CANCELLED, with the same UID, once it is refused, withdrawn, cancelled or lapsed, or they
    declined. One query."""
    if not has_briefings_feed(standing):
        return []
    invitations = (
        AttendanceInvitation.objects.filter(
            officer_id=standing.person_id, request__meeting__starts_at__gte=_since(standing)
        )
        .select_related("request__group", "request__meeting")
        .annotate(
            last_changed=_latest(
                _changed(AttendanceInvitation, "pk"),
                _changed(AttendanceRequest, "request_id"),
                _changed(GroupMeeting, "request__meeting_id"),
            )
        )
        .order_by("request__meeting__starts_at", "pk")
    )
    events = []
    for invitation in invitations:
        request = invitation.request
        events.append(
            _briefing_event(
                request,
                event_uid=uid("briefing", request.pk, invitation.pk),
                cancelled=request.state in states.CALLED_OFF_REQUEST_STATES
                or invitation.state in workflow.NOT_ATTENDING_INVITATION_STATES,
                confirmed=request.state in workflow.AGREED_REQUEST_STATES and invitation.state == workflow.ACCEPTED,
                summary=f"Briefing the {request.group.name}: {request.subject}",
                description=(
                    f"{request.group.name} meeting. Subject: {request.subject}. "
                    f"The request: {request.state_label}. Your answer: {invitation.state_label}."
                ),
                last_changed=invitation.last_changed,
            )
        )
    return events


def group_briefings(standing: Standing) -> list[CalendarEvent]:
    """The briefings asked for by the groups the owner leads or deputy-leads on the day (A1); a former
    leader's feed is empty. TENTATIVE while awaiting a decision, CONFIRMED once agreed, CANCELLED
    once called off. Two queries: the requests, and their officers."""
    if not has_group_briefings_feed(standing):
        return []
    requests = (
        AttendanceRequest.objects.filter(
            group_id__in=list(standing.groups_led), meeting__starts_at__gte=_since(standing)
        )
        .select_related("group", "meeting")
        .prefetch_related(Prefetch("invitations", queryset=AttendanceInvitation.objects.select_related("officer")))
        .annotate(last_changed=_latest(_changed(AttendanceRequest, "pk"), _changed(GroupMeeting, "meeting_id")))
        .order_by("meeting__starts_at", "pk")
    )
    events = []
    for request in requests:
        officers = "; ".join(f"{i.officer} ({i.state_label.lower()})" for i in request.invitations.all())
        events.append(
            _briefing_event(
                request,
                event_uid=uid("group-briefing", request.pk),
                cancelled=request.state in states.CALLED_OFF_REQUEST_STATES,
                confirmed=request.state in workflow.AGREED_REQUEST_STATES,
                summary=f"Officer briefing for the {request.group.name}: {request.subject}",
                description=f"{request.state_label}. Officers: {officers or 'none named'}.",
                last_changed=request.last_changed,
            )
        )
    return events


def decisions_due(standing: Standing) -> list[CalendarEvent]:
    """Requests awaiting the acting Chief Executive's decision, as all-day events on the day the
    decision is due (A2, A12): the Chief Executive's, and the Deputy's on the days of a recorded
    absence. A decided request leaves the feed. One query."""
    if not reads_decisions_due(standing):
        return []
    requests = (
        AttendanceRequest.objects.filter(state=workflow.SUBMITTED)
        .select_related("group", "meeting")
        .annotate(last_changed=_changed(AttendanceRequest, "pk"))
        .order_by("due_on", "pk")
    )
    events = []
    for request in requests:
        urgent = " Urgent: the meeting comes before the usual deadline." if request.urgent else ""
        events.append(
            CalendarEvent(
                uid=uid("decision-due", request.pk),
                status=CONFIRMED,
                summary=f"Decision due: {request.group.name}, {request.subject}",
                description=f"The {request.group.name} asks for officers to brief its meeting.{urgent}",
                path=reverse("attendance:decide", args=[request.pk]),
                sequence=request.round - 1,
                last_modified=_known(request.last_changed),
                day=request.due_on,
            )
        )
    return events
