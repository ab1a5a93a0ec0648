"""Reads of officer attendance at political group meetings (A1-A13): the requests a viewer may see,
the decision queue, a group's list, an officer's invitations, what other groups and the public
learn of a briefing (A8, A9), the parity report (A11) and information shared (A10).
"""

import datetime
from dataclasses import dataclass

from django.conf import settings
from django.db.models import BooleanField, Case, Exists, OuterRef, Prefetch, Q, Value, When
from django.utils import timezone

from register import policies, workflow, working_days
from register.errors import NotFound
from register.models import (
    Absence,
    AttendanceInvitation,
    AttendanceRequest,
    GroupMeeting,
    InformationCopy,
    InformationProvided,
    Organization,
    Person,
    Post,
)
from register.policies import Standing
from register.selectors.briefings import BriefingFact, briefing_facts
from register.selectors.standing import standing_of

Role = Post.Role


# --- Officer attendance at political group meetings (A1-A13) ----------------------------------
# Every list below is scoped to the viewer and joined up front, so that it costs the same few
# queries whatever the number of rows. Records the viewer may not see are "not found".


@dataclass(frozen=True)
class EquivalentOffer:
    """An approved briefing of another group that the viewer's group may take up in one step (A3)."""

    original_id: int
    fact: BriefingFact


@dataclass(frozen=True)
class ParityRow:
    """One group's requests in a period, for the parity report (A11)."""

    group: Organization
    made: int
    approved: int
    refused: int
    refused_despite_precedent: int
    withdrawn: int
    cancelled: int
    pending: int
    lapsed: int
    equivalents_offered: int
    equivalents_taken_up: int
    decided: int
    average_working_days_to_decision: float | None
    longest_working_days_to_decision: int | None


@dataclass(frozen=True)
class DecisionDue:
    """When a decision on a request is due (A12), and whether its meeting makes it urgent."""

    due_on: datetime.date
    urgent: bool
    # The working-day deadline alone, for saying how much sooner an urgent one is due.
    normal_due_on: datetime.date


def decision_due(submitted_on: datetime.date, meeting_day: datetime.date) -> DecisionDue:
    """The decision is due by the earlier of the working-day deadline (ATTENDANCE_DECISION_WORKING_DAYS
    after submission) and the last working day before the meeting's day (A12). A request whose
    meeting comes sooner than the normal deadline is urgent. When no working day is left between
    submission and the meeting, it is due on the meeting's day itself, before the meeting begins
    (when it lapses, C3). The services store what this says; the request form says it before anyone submits.
    """
    normal = working_days.add_working_days(submitted_on, settings.ATTENDANCE_DECISION_WORKING_DAYS)
    before_meeting = working_days.previous_working_day(meeting_day)
    if before_meeting < submitted_on:
        before_meeting = meeting_day
    due_on = min(normal, before_meeting)
    return DecisionDue(due_on=due_on, urgent=due_on < normal, normal_due_on=normal)


def _with_details(requests):
    """The request's own records joined; its original (A3) and its officers fetched for the whole
    page at once. Joining the original's group, meeting and decider too made ten tables, which
    PostgreSQL spent longer planning (10 ms) than running (1 ms) on every page; a page with no
    equivalent on it costs no query for the originals at all."""
    return requests.select_related(
        "group",
        "meeting",
        "requested_by",
        "referred_by",
        "decided_by",
    ).prefetch_related(
        Prefetch("equivalent_of", queryset=AttendanceRequest.objects.select_related("group", "meeting", "decided_by")),
        Prefetch("invitations", queryset=AttendanceInvitation.objects.select_related("officer", "attendance")),
    )


def _with_overdue(requests, on: datetime.date):
    """``decision_overdue`` on each row: still awaiting a decision after its due day (A12)."""
    return requests.annotate(
        decision_overdue=Case(
            When(state=workflow.SUBMITTED, due_on__lt=on, then=Value(True)),
            default=Value(False),
            output_field=BooleanField(),
        )
    )


def _standing(viewer: Person | Standing, on: datetime.date | None) -> Standing:
    """The viewer's standing on ``on``: read now, unless the page already has it."""
    return viewer if isinstance(viewer, Standing) else standing_of(viewer, on=on)


def attendance_requests_visible_to(viewer: Person | Standing, *, on: datetime.date | None = None):
    """Every request the viewer may see in full: their group's, those naming them, or all of
    them for the Chief Executive, the Deputy, the Monitoring Officer and auditors."""
    standing = _standing(viewer, on)
    requests = AttendanceRequest.objects.all()
    if not policies.oversees_attendance(standing):
        # A group's request is its leader's and deputy's on the day of viewing (DOMAIN.md): what a
        # former leader did stays in the history, not in their access (policies.sees_attendance_request).
        named = AttendanceInvitation.objects.filter(request=OuterRef("pk"), officer_id=standing.person_id)
        requests = requests.filter(Q(group__in=list(standing.groups_led)) | Exists(named))
    return _with_overdue(_with_details(requests), standing.on)


def attendance_request_for(*, viewer: Person | Standing, pk: int, on: datetime.date | None = None) -> AttendanceRequest:
    found = attendance_requests_visible_to(viewer, on=on).filter(pk=pk).first()
    if found is None:
        raise NotFound("There is no such attendance request.")
    return found


def attendance_decision_queue(*, viewer: Person | Standing, on: datetime.date | None = None):
    """Requests awaiting a decision: urgent ones first (their meeting comes before the normal
    deadline), then by meeting and by due day; each with its precedent (A3), its due day and
    whether it is overdue (A12)."""
    standing = _standing(viewer, on)
    if not policies.oversees_attendance(standing):
        raise NotFound("There is no such list.")
    on = standing.on
    queue = AttendanceRequest.objects.filter(state=workflow.SUBMITTED).order_by(
        "-urgent", "meeting__starts_at", "due_on", "submitted_at", "id"
    )
    return _with_overdue(_with_details(queue), on)


def group_attendance_requests(
    *, viewer: Person | Standing, group: Organization | None = None, on: datetime.date | None = None
):
    """A group's requests, newest meeting first: for its leader and deputy, or the overseers."""
    standing = _standing(viewer, on)
    led = list(standing.groups_led)
    on = standing.on
    if group is None:
        if not led:
            raise NotFound("You lead no political group.")
        group_id = led[0]
    else:
        group_id = group.pk
        if group_id not in led and not policies.oversees_attendance(standing):
            raise NotFound("There is no such list.")
    requests = AttendanceRequest.objects.filter(group_id=group_id).order_by("-meeting__starts_at", "-id")
    return _with_overdue(_with_details(requests), on)


def officer_attendance_invitations(*, viewer: Person | Standing):
    """The viewer's own invitations, the soonest meeting first (A4), each request with every
    officer's invitation and attendance, which the workflow reads to say what the viewer may do
    with it (record attendance, record information): one query for the whole list."""
    return (
        AttendanceInvitation.objects.filter(officer_id=viewer.person_id if isinstance(viewer, Standing) else viewer.pk)
        .select_related("request__group", "request__meeting", "request__requested_by", "attendance")
        .prefetch_related(
            Prefetch("request__invitations", queryset=AttendanceInvitation.objects.select_related("attendance"))
        )
        .order_by("request__meeting__starts_at", "id")
    )


def briefing_fact(attendance_request: AttendanceRequest, *, attended_only: bool = False) -> BriefingFact:
    """The facts of one briefing (A8, A9), as ``briefing_facts`` gives them."""
    return briefing_facts([attendance_request], attended_only=attended_only)[0]


def _agreed_briefings():
    return (
        AttendanceRequest.objects.filter(
            decision=AttendanceRequest.Decision.APPROVED, state__in=workflow.AGREED_REQUEST_STATES
        )
        .select_related("group", "meeting")
        .prefetch_related(
            Prefetch("invitations", queryset=AttendanceInvitation.objects.select_related("officer", "attendance"))
        )
        .order_by("meeting__starts_at", "id")
    )


def briefing_facts_for_other_groups(
    *, viewer: Person | Standing, on: datetime.date | None = None
) -> list[BriefingFact]:
    """What a group leader learns of other groups' agreed briefings: the facts, nothing else (A8, A9)."""
    standing = _standing(viewer, on)
    on, led = standing.on, list(standing.groups_led)
    if not led and not policies.oversees_attendance(standing):
        raise NotFound("There is no such list.")
    return briefing_facts(_agreed_briefings().exclude(group__in=led))


def equivalent_offers_for(*, viewer: Person | Standing, on: datetime.date | None = None) -> list[EquivalentOffer]:
    """Approved briefings of other groups that the viewer's group has not yet taken up (A3)."""
    standing = _standing(viewer, on)
    on, led = standing.on, list(standing.groups_led)
    if not led:
        raise NotFound("You lead no political group.")
    taken_up = AttendanceRequest.objects.filter(
        equivalent_of=OuterRef("pk"), group__in=led, state__in=workflow.OPEN_REQUEST_STATES | {workflow.CLOSED}
    )
    originals = _agreed_briefings().filter(equivalent_of__isnull=True).exclude(group__in=led).exclude(Exists(taken_up))
    originals = list(originals)
    return [
        EquivalentOffer(original_id=request.pk, fact=fact)
        for request, fact in zip(originals, briefing_facts(originals), strict=True)
    ]


def attendance_parity_report(
    *, viewer: Person, start: datetime.date, end: datetime.date, on: datetime.date | None = None
) -> list[ParityRow]:
    """Per group, the requests made from ``start`` to ``end`` (inclusive) and what became of them,
    with working days to decision, so that no group is treated less favourably (A3, A11)."""
    standing = _standing(viewer, on)
    if not policies.oversees_attendance(standing):
        raise NotFound("There is no such report.")
    return parity_rows(start=start, end=end)


def parity_rows(*, start: datetime.date, end: datetime.date) -> list[ParityRow]:
    """The parity report's rows, for whoever the caller has already checked may read them (the
    Standards Committee report, D5, counts briefings the same way). Two queries."""
    groups = list(Organization.objects.filter(classification=Organization.Classification.PARTY).order_by("name"))
    requests = list(
        AttendanceRequest.objects.filter(created_at__date__gte=start, created_at__date__lte=end).values(
            "group_id", "state", "decision", "departs_from_precedent", "equivalent_of_id", "submitted_at", "decided_at"
        )
    )
    approved_originals = [r for r in requests if r["decision"] == "approved" and r["equivalent_of_id"] is None]
    return [
        _parity_row(group, [r for r in requests if r["group_id"] == group.pk], approved_originals) for group in groups
    ]


def _parity_row(group: Organization, requests: list[dict], approved_originals: list[dict]) -> ParityRow:
    days = [
        working_days.working_days_between(
            timezone.localtime(r["submitted_at"]).date(), timezone.localtime(r["decided_at"]).date()
        )
        for r in requests
        if r["decided_at"] is not None
    ]
    return ParityRow(
        group=group,
        made=len(requests),
        approved=sum(r["decision"] == "approved" for r in requests),
        refused=sum(r["decision"] == "refused" for r in requests),
        refused_despite_precedent=sum(r["departs_from_precedent"] for r in requests),
        withdrawn=sum(r["state"] == workflow.WITHDRAWN for r in requests),
        cancelled=sum(r["state"] == workflow.CANCELLED for r in requests),
        pending=sum(r["state"] == workflow.SUBMITTED for r in requests),
        lapsed=sum(r["state"] == workflow.LAPSED for r in requests),
        equivalents_offered=sum(r["group_id"] != group.pk for r in approved_originals),
        equivalents_taken_up=sum(r["equivalent_of_id"] is not None for r in requests),
        decided=len(days),
        average_working_days_to_decision=round(sum(days) / len(days), 1) if days else None,
        longest_working_days_to_decision=max(days) if days else None,
    )


def information_shared_with(*, viewer: Person | Standing, on: datetime.date | None = None):
    """Copies of information sent to the viewer's group under A10 (every copy, for the overseers),
    each with the notice that carried it, whose status is the delivery record."""
    standing = _standing(viewer, on)
    copies = InformationCopy.objects.select_related(
        "group", "recipient", "notification", "information__provided_by"
    ).order_by("-created_at", "-id")
    if policies.oversees_attendance(standing):
        return copies
    led = list(standing.groups_led)
    if not led:
        raise NotFound("There is no such list.")
    return copies.filter(group__in=led)


def absences_ahead(*, viewer: Standing):
    """The Chief Executive's recorded absences that have not yet ended, soonest first (A2): for
    those who see every request, who also see who decides meanwhile. Another statutory officer's
    (the Monitoring Officer's) are on Democratic Services' page, not here."""
    if not policies.oversees_attendance(viewer):
        raise NotFound("There is no such list.")
    chief_executives = Q(post__isnull=True) | Q(post__role=Post.Role.CHIEF_EXECUTIVE)
    return (
        Absence.objects.filter(chief_executives, state=Absence.State.RECORDED, end_date__gte=viewer.on)
        .select_related("person", "recorded_by")
        .order_by("start_date", "id")
    )


def absence_for(*, viewer: Standing, pk: int) -> Absence:
    """One absence, whatever its state: the Chief Executive's absence is no secret, since the Deputy
    acts meanwhile (``workflow.ABSENCE.sees``); one that never was is not found."""
    found = Absence.objects.select_related("person", "recorded_by").filter(pk=pk).first()
    if found is None or not workflow.ABSENCE.sees(viewer, found):
        raise NotFound(workflow.ABSENCE.not_found)
    return found


# --- Reads for the API: the same scoping, with the ids an integrator needs -----------------------


@dataclass(frozen=True)
class SeenBriefing:
    """Another group's agreed briefing as a group leader sees it: its id and the facts (A8, A9), and
    whether the viewer's group may still take up an equivalent (A3)."""

    request_id: int
    fact: BriefingFact
    offered: bool


def briefings_for_other_groups(*, viewer: Person | Standing, on: datetime.date | None = None) -> list[SeenBriefing]:
    """``briefing_facts_for_other_groups`` with each briefing's id, for linking and taking up (A3, A8, A9)."""
    standing = _standing(viewer, on)
    on, led = standing.on, list(standing.groups_led)
    if not led and not policies.oversees_attendance(standing):
        raise NotFound("There is no such list.")
    offered = {offer.original_id for offer in equivalent_offers_for(viewer=standing)} if led else set()
    briefings = list(_agreed_briefings().exclude(group__in=led))
    return [
        SeenBriefing(request_id=request.pk, fact=fact, offered=request.pk in offered)
        for request, fact in zip(briefings, briefing_facts(briefings), strict=True)
    ]


def other_group_briefing_for(*, viewer: Person | Standing, pk: int, on: datetime.date | None = None) -> SeenBriefing:
    """One agreed briefing of another group, as its facts, for a group leader (A8, A9); else not found."""
    standing = _standing(viewer, on)
    on, led = standing.on, list(standing.groups_led)
    found = _agreed_briefings().exclude(group__in=led).filter(pk=pk).first() if led else None
    if found is None:
        raise NotFound("There is no such attendance request.")
    return SeenBriefing(request_id=found.pk, fact=briefing_fact(found), offered=False)


def group_meetings_visible_to(viewer: Person | Standing, *, on: datetime.date | None = None):
    """The meetings of the requests the viewer may see in full, soonest first."""
    visible = attendance_requests_visible_to(viewer, on=on).values("meeting_id")
    return GroupMeeting.objects.filter(pk__in=visible).select_related("group").order_by("starts_at", "id")


def information_provided_for(
    *, viewer: Person | Standing, pk: int, on: datetime.date | None = None
) -> InformationProvided:
    """Information given at a briefing whose request the viewer may see in full; else not found."""
    visible = attendance_requests_visible_to(viewer, on=on).values("pk")
    found = (
        InformationProvided.objects.filter(pk=pk, request__in=visible)
        .select_related("request", "provided_by", "marked_by")
        .first()
    )
    if found is None:
        raise NotFound("There is no such information.")
    return found


def briefing_to_take_up(*, viewer: Person | Standing, pk: int) -> AttendanceRequest:
    """The briefing a viewer asks to take up an equivalent of (A3), as far as they may know it: the
    request in full if they see it (their own group's, one naming them, or every one for the
    overseers), else another group's agreed briefing as its leaders know it (its id and group); else
    not found. Whether they may take it up is the workflow's to say."""
    try:
        return attendance_request_for(viewer=viewer, pk=pk)
    except NotFound:
        seen = other_group_briefing_for(viewer=viewer, pk=pk)
        return AttendanceRequest.objects.only("pk", "group_id", "state").get(pk=seen.request_id)
