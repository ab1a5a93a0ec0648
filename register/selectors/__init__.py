"""Reads of the register. Who holds which post on which day, and so who may act.

Every role is derived from posts held on a date (DOMAIN.md, "People, groups and posts").
"""

import datetime
from dataclasses import dataclass

from django.core.exceptions import ObjectDoesNotExist
from django.db.models import BooleanField, Case, Exists, OuterRef, Prefetch, Q, Value, When
from django.utils import timezone

from register import policies, workflow, working_days
from register.errors import NotFound, RuleViolation
from register.models import (
    Absence,
    AttendanceInvitation,
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
from register.selectors.briefings import BriefingFact, OfficerInPost, briefing_facts, published_register  # noqa: F401 -- named here too

Role = Post.Role


def today() -> datetime.date:
    """The council's date now (Europe/London), which is what posts and absences are dated in."""
    return timezone.localdate(now())


def now() -> datetime.datetime:
    """The time now. Services read the clock here, so that tests can set it."""
    return timezone.now()


def holdings_on(role: str, on: datetime.date, organization: Organization | None = None):
    holdings = Membership.objects.on(on).filter(post__role=role).select_related("person", "post", "organization")
    if organization is not None:
        holdings = holdings.filter(organization=organization)
    return holdings


def holder_of(role: str, on: datetime.date, organization: Organization | None = None) -> Person | None:
    """The one person holding a single-holder post on ``on``, or None while it is vacant."""
    holding = holdings_on(role, on, organization).order_by("start_date").first()
    return holding.person if holding else None


def holds(person: Person, role: str, on: datetime.date, organization: Organization | None = None) -> bool:
    return holdings_on(role, on, organization).filter(person=person).exists()


def roles_of(person: Person, on: datetime.date) -> set[str]:
    return set(Membership.objects.on(on).filter(person=person, post__isnull=False).values_list("post__role", flat=True))


def is_absent(person: Person, on: datetime.date) -> bool:
    return Absence.objects.filter(
        person=person, state=Absence.State.RECORDED, start_date__lte=on, end_date__gte=on
    ).exists()


@dataclass(frozen=True)
class Acting:
    """Who acts as Chief Executive, and the capacity their decision records (A2)."""

    person: Person | None
    capacity: str


CAPACITY_CHIEF_EXECUTIVE = "Chief Executive"
CAPACITY_DEPUTY_IN_ABSENCE = "Deputy Chief Executive, acting in the Chief Executive's absence"
CAPACITY_DEPUTY_IN_VACANCY = "Deputy Chief Executive, acting while the post of Chief Executive is vacant"


def acting_chief_executive(on: datetime.date) -> Acting:
    """The one person who decides attendance requests on ``on``: the Chief Executive, or the
    Deputy while the Chief Executive is recorded as absent (or the post is vacant)."""
    chief = holder_of(Role.CHIEF_EXECUTIVE, on)
    if chief is not None and not is_absent(chief, on):
        return Acting(chief, CAPACITY_CHIEF_EXECUTIVE)
    deputy = holder_of(Role.DEPUTY_CHIEF_EXECUTIVE, on)
    capacity = CAPACITY_DEPUTY_IN_ABSENCE if chief is not None else CAPACITY_DEPUTY_IN_VACANCY
    return Acting(deputy, capacity)


def chief_executive_capacity(person: Person, on: datetime.date) -> str:
    """The capacity in which ``person`` may decide on ``on``; refused unless they are acting (A2)."""
    acting = acting_chief_executive(on)
    if acting.person is not None and acting.person.pk == person.pk:
        return acting.capacity
    if holds(person, Role.DEPUTY_CHIEF_EXECUTIVE, on):
        raise RuleViolation(
            "The Deputy Chief Executive decides only while the Chief Executive's absence is recorded, "
            f"and none is recorded for {on:%d %B %Y}.",
            rule="A2",
        )
    raise RuleViolation(
        "Only the Chief Executive, or the Deputy during a recorded absence, can decide on officer attendance.",
        rule="A2",
    )


def group_of(person: Person, on: datetime.date) -> Organization | None:
    """The political group a member belongs to on ``on`` (at most one)."""
    membership = (
        Membership.objects.on(on)
        .filter(person=person, post__isnull=True, organization__classification=Organization.Classification.PARTY)
        .select_related("organization")
        .first()
    )
    return membership.organization if membership else None


def directorate_of(person: Person, on: datetime.date) -> Organization | None:
    """The directorate an officer is placed in on ``on``, or that their directorate post belongs to."""
    membership = (
        Membership.objects.on(on)
        .filter(person=person, organization__classification=Organization.Classification.DIRECTORATE)
        .select_related("organization")
        # A plain placement (no post) first, on every database: SQLite sorts a missing post first, PostgreSQL last.
        .order_by(Case(When(post__isnull=True, then=Value(0)), default=Value(1)), "start_date", "id")
        .first()
    )
    return membership.organization if membership else None


def groups_led_by(person: Person, on: datetime.date) -> list[tuple[Organization, str]]:
    """The groups ``person`` leads or deputy-leads on ``on``, with the capacity (A1)."""
    holdings = (
        Membership.objects.on(on)
        .filter(person=person, post__role__in=[Role.GROUP_LEADER, Role.DEPUTY_GROUP_LEADER])
        .select_related("organization", "post")
    )
    return [
        (
            h.organization,
            "Group leader" if h.post.role == Role.GROUP_LEADER else "Deputy group leader, on the leader's behalf",
        )
        for h in holdings
    ]


def officer_reviewers(officer: Person, on: datetime.date) -> list[Person]:
    """Who reviews an officer's relationship declarations on ``on`` (B4).

    The Assistant Director and Director of the officer's directorate; never the officer themselves,
    so a Director's go to the Chief Executive, and the Chief Executive's to the Monitoring Officer.
    """
    roles = roles_of(officer, on)
    if Role.CHIEF_EXECUTIVE in roles:
        monitoring = holder_of(Role.MONITORING_OFFICER, on)
        return [monitoring] if monitoring else []
    if Role.DIRECTOR in roles:
        chief = holder_of(Role.CHIEF_EXECUTIVE, on)
        return [chief] if chief else []
    directorate = directorate_of(officer, on)
    if directorate is None:
        chief = holder_of(Role.CHIEF_EXECUTIVE, on)
        return [chief] if chief else []
    managers = [
        h.person
        for h in holdings_on(Role.ASSISTANT_DIRECTOR, on, directorate).order_by("start_date")
        if h.person_id != officer.pk
    ]
    managers += [h.person for h in holdings_on(Role.DIRECTOR, on, directorate) if h.person_id != officer.pk]
    return managers


def people_search(*, kind: str | None = None, on: datetime.date | None = None):
    people = Person.objects.exclude(kind=Person.Kind.SYSTEM).order_by("id")
    if kind:
        people = people.filter(kind=kind)
    if on:
        people = people.filter(Q(left_on__isnull=True) | Q(left_on__gte=on), is_active=True)
    return people


def organizations():
    return Organization.objects.all()


def posts():
    return Post.objects.select_related("organization")


def memberships():
    return Membership.objects.select_related("person", "organization", "post").order_by("id")


def inbox(viewer: Person):
    """The viewer's in-app notices that have been delivered, newest first. Nobody else's."""
    return (
        Notification.objects.filter(
            recipient=viewer, channel=Notification.Channel.IN_APP, status=Notification.Status.SENT
        )
        .select_related("actor")
        .order_by("-created_at", "-id")
    )


def unread_count(viewer: Person) -> int:
    return inbox(viewer).filter(read_at__isnull=True).count()


def notice_in_inbox(viewer: Person, notice_id: int) -> Notification:
    """One notice from the viewer's inbox; anyone else's is not found, not forbidden."""
    notice = inbox(viewer).filter(pk=notice_id).first()
    if notice is None:
        raise NotFound("There is no such notice in your inbox.")
    return notice


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
    equivalents_offered: int
    equivalents_taken_up: int
    decided: int
    average_working_days_to_decision: float | None
    longest_working_days_to_decision: int | None


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


def _led_group_ids(viewer: Person, on: datetime.date) -> list[int]:
    return [group.pk for group, _capacity in groups_led_by(viewer, on)]


def attendance_requests_visible_to(viewer: Person, *, on: datetime.date | None = None):
    """Every request the viewer may see in full: their group's, those naming them, or all of
    them for the Chief Executive, the Deputy, the Monitoring Officer and auditors."""
    on = on or today()
    requests = AttendanceRequest.objects.all()
    if not policies.sees_every_attendance_request(viewer, on=on):
        named = AttendanceInvitation.objects.filter(request=OuterRef("pk"), officer=viewer)
        requests = requests.filter(
            Q(group__in=_led_group_ids(viewer, on)) | Q(requested_by=viewer) | Q(referred_by=viewer) | Exists(named)
        )
    return _with_overdue(_with_details(requests), on)


def attendance_request_for(*, viewer: Person, pk: int, on: datetime.date | None = None) -> AttendanceRequest:
    found = attendance_requests_visible_to(viewer, on=on).filter(pk=pk).first()
    if found is None:
        raise NotFound("There is no such attendance request.")
    return found


def attendance_decision_queue(*, viewer: Person, on: datetime.date | None = None):
    """Requests awaiting a decision, the one due soonest first, each with its precedent (A3),
    its due day and whether it is overdue (A12)."""
    on = on or today()
    if not policies.sees_every_attendance_request(viewer, on=on):
        raise NotFound("There is no such list.")
    queue = AttendanceRequest.objects.filter(state=workflow.SUBMITTED).order_by("due_on", "submitted_at", "id")
    return _with_overdue(_with_details(queue), on)


def group_attendance_requests(*, viewer: Person, group: Organization | None = None, on: datetime.date | None = None):
    """A group's requests, newest meeting first: for its leader and deputy, or the overseers."""
    on = on or today()
    led = _led_group_ids(viewer, on)
    if group is None:
        if not led:
            raise NotFound("You lead no political group.")
        group_id = led[0]
    else:
        group_id = group.pk
        if group_id not in led and not policies.sees_every_attendance_request(viewer, on=on):
            raise NotFound("There is no such list.")
    requests = AttendanceRequest.objects.filter(group_id=group_id).order_by("-meeting__starts_at", "-id")
    return _with_overdue(_with_details(requests), on)


def officer_attendance_invitations(*, viewer: Person):
    """The viewer's own invitations, the soonest meeting first (A4)."""
    return (
        AttendanceInvitation.objects.filter(officer=viewer)
        .select_related("request__group", "request__meeting", "request__requested_by", "attendance")
        .order_by("request__meeting__starts_at", "id")
    )


def _has_attendance(invitation: AttendanceInvitation) -> bool:
    try:
        invitation.attendance  # noqa: B018 -- reading the relation raises when there is none
    except ObjectDoesNotExist:
        return False
    return True


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


def briefing_facts_for_other_groups(*, viewer: Person, on: datetime.date | None = None) -> list[BriefingFact]:
    """What a group leader learns of other groups' agreed briefings: the facts, nothing else (A8, A9)."""
    on = on or today()
    led = _led_group_ids(viewer, on)
    if not led and not policies.sees_every_attendance_request(viewer, on=on):
        raise NotFound("There is no such list.")
    return briefing_facts(_agreed_briefings().exclude(group__in=led))


def equivalent_offers_for(*, viewer: Person, on: datetime.date | None = None) -> list[EquivalentOffer]:
    """Approved briefings of other groups that the viewer's group has not yet taken up (A3)."""
    on = on or today()
    led = _led_group_ids(viewer, on)
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
    on = on or today()
    if not policies.sees_every_attendance_request(viewer, on=on):
        raise NotFound("There is no such report.")
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
        equivalents_offered=sum(r["group_id"] != group.pk for r in approved_originals),
        equivalents_taken_up=sum(r["equivalent_of_id"] is not None for r in requests),
        decided=len(days),
        average_working_days_to_decision=round(sum(days) / len(days), 1) if days else None,
        longest_working_days_to_decision=max(days) if days else None,
    )


def information_shared_with(*, viewer: Person, on: datetime.date | None = None):
    """Copies of information sent to the viewer's group under A10 (every copy, for the overseers),
    each with the notice that carried it, whose status is the delivery record."""
    on = on or today()
    copies = InformationCopy.objects.select_related(
        "group", "recipient", "notification", "information__provided_by"
    ).order_by("-created_at", "-id")
    if policies.sees_every_attendance_request(viewer, on=on):
        return copies
    led = _led_group_ids(viewer, on)
    if not led:
        raise NotFound("There is no such list.")
    return copies.filter(group__in=led)


# --- Reads for the API: the same scoping, with the ids an integrator needs -----------------------


@dataclass(frozen=True)
class SeenBriefing:
    """Another group's agreed briefing as a group leader sees it: its id and the facts (A8, A9), and
    whether the viewer's group may still take up an equivalent (A3)."""

    request_id: int
    fact: BriefingFact
    offered: bool


def briefings_for_other_groups(*, viewer: Person, on: datetime.date | None = None) -> list[SeenBriefing]:
    """``briefing_facts_for_other_groups`` with each briefing's id, for linking and taking up (A3, A8, A9)."""
    on = on or today()
    led = _led_group_ids(viewer, on)
    if not led and not policies.sees_every_attendance_request(viewer, on=on):
        raise NotFound("There is no such list.")
    offered = {offer.original_id for offer in equivalent_offers_for(viewer=viewer, on=on)} if led else set()
    briefings = list(_agreed_briefings().exclude(group__in=led))
    return [
        SeenBriefing(request_id=request.pk, fact=fact, offered=request.pk in offered)
        for request, fact in zip(briefings, briefing_facts(briefings), strict=True)
    ]


def other_group_briefing_for(*, viewer: Person, pk: int, on: datetime.date | None = None) -> SeenBriefing:
    """One agreed briefing of another group, as its facts, for a group leader (A8, A9); else not found."""
    on = on or today()
    led = _led_group_ids(viewer, on)
    found = _agreed_briefings().exclude(group__in=led).filter(pk=pk).first() if led else None
    if found is None:
        raise NotFound("There is no such attendance request.")
    return SeenBriefing(request_id=found.pk, fact=briefing_fact(found), offered=False)


def group_meetings_visible_to(viewer: Person, *, on: datetime.date | None = None):
    """The meetings of the requests the viewer may see in full, soonest first."""
    visible = attendance_requests_visible_to(viewer, on=on).values("meeting_id")
    return GroupMeeting.objects.filter(pk__in=visible).select_related("group").order_by("starts_at", "id")


def information_provided_for(*, viewer: Person, pk: int, on: datetime.date | None = None) -> InformationProvided:
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


def group_leaders(on: datetime.date) -> list[tuple[Organization, Person]]:
    """Each political group with the person who speaks for it on ``on``: the leader, or the
    deputy while the leader's post is vacant. Groups with neither are left out."""
    holdings = (
        Membership.objects.on(on)
        .filter(post__role__in=[Role.GROUP_LEADER, Role.DEPUTY_GROUP_LEADER])
        .select_related("person", "organization", "post")
        .order_by("organization__name", "start_date")
    )
    chosen: dict[int, tuple[Organization, Person, bool]] = {}
    for holding in holdings:
        is_leader = holding.post.role == Role.GROUP_LEADER
        current = chosen.get(holding.organization_id)
        if current is None or (is_leader and not current[2]):
            chosen[holding.organization_id] = (holding.organization, holding.person, is_leader)
    return [(organization, person) for organization, person, _ in chosen.values()]
